#!/bin/sh
# make stress: 10,000,000 CSV rows (8 features and y, made by awk as they are read, never stored)
# piped into `mbgd fit -` (online descent with the exact least squares beside it) and `mbgd solve -`
# inside a v1 memory cgroup of 64 MiB: both read the stream once through a fixed window, so their
# memory does not grow with its length. Checks the row count, that the exact reference recovers
# the β the rows were made with, and prints each run's time and the cgroup's peak. Needs root and
# a v1 memory controller (skipped otherwise) and the release mbgd.
set -e
T=$(pwd)/.build/release; C=/sys/fs/cgroup/memory; PY=${PYTHON:-python3}
ROWS=${STREAM_STRESS_ROWS:-10000000}
if [ "$(id -u)" != 0 ] || [ ! -f $C/memory.limit_in_bytes ]; then
  echo "skip: the stream stress needs root and a v1 memory cgroup ($C)"; exit 0
fi
D=$(mktemp -d); G=$C/mbgd-stream-$$
trap 'rmdir $G 2>/dev/null; rm -rf $D' EXIT
mkdir $G; echo 67108864 > $G/memory.limit_in_bytes
# y = 1 + Σ j·xⱼ + N(0, 0.1²)-ish noise (a sum of uniforms), xⱼ uniform on (−1, 1).
rows() {
  awk -v n=$ROWS 'BEGIN { srand(7); print "x1,x2,x3,x4,x5,x6,x7,x8,y"
    for (i = 0; i < n; i++) { y = 1; line = ""
      for (j = 1; j <= 8; j++) { x = 2 * rand() - 1; y += j * x; line = line sprintf("%.9g,", x) }
      y += 0.1 * (rand() + rand() + rand() - 1.5); print line sprintf("%.9g", y) } }'
}
start=$(date +%s)
for command in fit solve; do
  echo 0 > $G/memory.max_usage_in_bytes
  set +e
  rows | /usr/bin/time -f "%e s, %M KiB max resident" -o $D/time \
    sh -c "echo \$\$ > $G/cgroup.procs && exec \"\$@\"" sh $T/mbgd $command - --target y --json > $D/$command.json 2> $D/$command.err
  status=$?; set -e
  echo "$command -: exit $status, $(cat $D/time); cgroup peak $(( $(cat $G/memory.max_usage_in_bytes) >> 20 )) MiB, failcnt $(cat $G/memory.failcnt)"
  [ $status = 0 ] || { cat $D/$command.err; exit 1; }
done
$PY - $D/fit.json $D/solve.json $ROWS <<'PYEOF'
import json, sys
fit, solve, rows = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
beta = list(range(1, 9))
assert fit["training"]["rows"] == rows, fit["training"]["rows"]
for name, report in [("fit reference", fit["reference"]), ("solve", solve)]:
    error = max(abs(a - b) for a, b in zip(report["coefficients"], beta))
    print(f"{name}: largest coefficient error {error:.2e}, intercept {report['intercept']:.6f}")
    assert error < 1e-3 and abs(report["intercept"] - 1) < 1e-3, "far from the β the rows were made with"
print(f"fit: {fit['parameterRelativeDifference']:.2e} from the exact answer after one pass, progressive loss {fit['training']['progressiveLoss']:.4g}")
PYEOF
echo "stream stress: $(( $(date +%s) - start )) s in all"
