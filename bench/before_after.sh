#!/usr/bin/env bash
# Before/after of the Mlp training step across two builds of bench_summary, alternating
# processes (a process cannot hold two versions of ctensor): each runs the step for five
# seconds with `--profile-step B`; prints every run, so read the minimum of each column.
#   bench/before_after.sh BEFORE_BINARY AFTER_BINARY [ROUNDS]
set -euo pipefail
before=$1 after=$2 rounds=${3:-3}
for b in 1 64; do
  for _ in $(seq "$rounds"); do
    printf 'B = %-3s before: %s\n' "$b" "$("$before" --profile-step "$b")"
    printf 'B = %-3s after:  %s\n' "$b" "$("$after" --profile-step "$b")"
  done
done
