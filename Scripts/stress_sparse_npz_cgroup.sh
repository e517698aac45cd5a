#!/bin/sh
# make stress: an uncompressed scipy .npz of about 3 GB (5,000,000 rows × 100,000 features, 250M
# nonzeros, Scripts/make_big_sparse_npz.py) solved by LSQR and fitted by gradient descent inside a
# v1 memory cgroup of 1 GiB, its pages dropped from the cache first: the indices and values are
# read in place, so memory is the row offsets and targets (80 MB); read into memory they would need
# 3 GB, which the budget refuses (checked too). The coefficients are checked against the β the data
# was made with. Needs root and a v1 memory controller (skipped otherwise), python3 with numpy and
# scipy, the release mbgd, and 3.1 GB free in $TMPDIR. Prints each run's time and the cgroup's peak.
set -e
T=$(pwd)/.build/release; C=/sys/fs/cgroup/memory; PY=${PYTHON:-python3}
ROWS=${SPARSE_STRESS_ROWS:-5000000}
if [ "$(id -u)" != 0 ] || [ ! -f $C/memory.limit_in_bytes ]; then
  echo "skip: the sparse .npz stress needs root and a v1 memory cgroup ($C)"; exit 0
fi
D=$(mktemp -d); G=$C/mbgd-sparse-$$
trap 'rmdir $G 2>/dev/null; rm -rf $D' EXIT
start=$(date +%s)
$PY Scripts/make_big_sparse_npz.py --check --rows $ROWS $D/big.npz $D/y.npy
echo "made $(stat -c %s $D/big.npz) bytes in $(( $(date +%s) - start )) s"
mkdir $G; echo 1073741824 > $G/memory.limit_in_bytes
# Out of the page cache, so that every page read is charged to the cgroup.
drop() { $PY -c "import os, sys; f = os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(f, 0, 0, os.POSIX_FADV_DONTNEED)" $D/big.npz; }
# Runs mbgd in the cgroup; its JSON to $D/$1.json, its time and the cgroup's peak to stdout.
inside() {
  name=$1; shift; drop; echo 0 > $G/memory.max_usage_in_bytes
  set +e
  /usr/bin/time -f "%e s, %M KiB max resident (mapped file pages included)" -o $D/time \
    sh -c "echo \$\$ > $G/cgroup.procs && exec \"\$@\"" sh $T/mbgd "$@" > $D/$name.json 2> $D/$name.err
  status=$?; set -e
  echo "$name: exit $status, $(cat $D/time); cgroup peak $(( $(cat $G/memory.max_usage_in_bytes) >> 20 )) MiB, failcnt $(cat $G/memory.failcnt)"
  [ $status = 0 ] || { cat $D/$name.err; exit 1; }
}
inside solve solve $D/big.npz --targets $D/y.npy --json
inside fit fit $D/big.npz --targets $D/y.npy --json --no-shuffle --batch-size 4096 --epochs 3 --no-early-stopping
# β as the script made it: 1 + (j mod 7)/7, intercept 1; the noise (0.01) leaves LSQR about
# 2e-4 from it; three epochs of descent are checked loosely (the report gives their gap to LSQR).
for case in solve:2e-3 fit:0.1; do
  $PY - $D/${case%%:*}.json ${case%%:*} ${case#*:} <<'EOF'
import json, sys
import numpy as np
report, name, bound = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3])
beta = 1 + (np.arange(len(report["coefficients"])) % 7) / 7
error = np.abs(np.array(report["coefficients"]) - beta).max()
assert report["sparse"]["mapped"], "the rows were not read in place"
gap = f", {report['closedForm']['relativeDifference']:.2e} from LSQR (relative)" if "closedForm" in report else ""
print(f"{name}: largest coefficient error {error:.2e}, intercept {report['intercept']:.6f}{gap}")
assert error < bound and abs(report["intercept"] - 1) < bound, "far from the β the data was made with"
EOF
done
# Read into memory the same rows would not fit: the memory budget refuses before allocating.
drop
set +e
sh -c "echo \$\$ > $G/cgroup.procs && exec \"\$@\"" sh $T/mbgd solve $D/big.npz --targets $D/y.npy --precision float32 > /dev/null 2> $D/copy.err
status=$?; set -e
if [ $status = 1 ] && grep -q "too large" $D/copy.err; then echo "ok: read into memory (float32) is refused: $(head -c 200 $D/copy.err)"
else echo "FAIL: float32 (copied) run: exit $status"; cat $D/copy.err; exit 1; fi
echo "sparse .npz stress: $(( $(date +%s) - start )) s in all"
