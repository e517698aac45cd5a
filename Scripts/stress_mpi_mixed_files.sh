#!/bin/sh
# make stress: mbgd-mpi with node-local copies of "the same" file that differ on one rank (stale,
# one value changed, renamed columns, missing): every case must stop with exit 1 and the rank and
# what differs; identical copies must still solve and fit. Needs the release mbgd and mbgd-mpi.
set -e
T=.build/release; D=$(mktemp -d)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
awk 'BEGIN{srand(7); print "a,b,c,y"; for(i=0;i<20000;i++){a=rand();b=rand();c=rand(); print a","b","c","(1+2*a-b+3*c+rand()/10)}}' > $D/data.csv
head -n 12001 $D/data.csv > $D/stale.csv
$T/mbgd convert $D/data.csv $D/data.npy >/dev/null; $T/mbgd convert $D/stale.csv $D/stale.npy >/dev/null
cp $D/data.npy $D/changed.npy; cp $D/data.npy.columns.json $D/changed.npy.columns.json
printf '\000\000\000\000\000\000\360\077' | dd of=$D/changed.npy bs=1 seek=$(( $(stat -c %s $D/data.npy) - 8 )) conv=notrunc 2>/dev/null
cp $D/data.npy $D/renamed.npy; sed 's/"a"/"A"/' $D/data.npy.columns.json > $D/renamed.npy.columns.json
# Rank 1 reads $1, every other rank $2 (node-local copies of "the same" file).
mixed() { mpirun --oversubscribe -np ${NP:-2} sh -c 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then f=$1; else f=$2; fi; shift 2; exec "$0" "$@" "$f"' \
  $T/mbgd-mpi "$1" $D/data.npy "$2" --target y; }
for cmd in solve fit; do
  for case in "stale.npy:rank 1's copy of $D/data.npy differs from rank 0's (size" \
              "changed.npy:different values in 16 sampled blocks of 4 KiB of the data" \
              "renamed.npy:other columns chosen" \
              "missing.npy:rank 1 of 2: $D/missing.npy: no such file"; do
    file=${case%%:*}; want=${case#*:}
    set +e; out=$(mixed $D/$file $cmd 2>&1 >/dev/null); status=$?; set -e
    [ $status = 1 ] && printf '%s' "$out" | grep -qF "$want" || { echo "FAIL $cmd $file: status $status"; printf '%s\n' "$out"; exit 1; }
    echo "ok $cmd $file"
  done
  NP=3 mixed $D/data.npy $cmd >/dev/null 2>&1 || { echo "FAIL $cmd identical copies"; exit 1; }; echo "ok $cmd identical copies"
done
rm -rf $D
