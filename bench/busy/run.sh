#!/usr/bin/env bash
# Runs the test suite N times in a row (default 5) while every core is kept
# busy by another process, to show that no test depends on how fast the
# machine is (issue 24). Usage: bash bench/busy/run.sh [N] [go test flags…]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-5}
shift || true
hogs=()
for _ in $(seq "$(nproc)"); do
  yes >/dev/null &
  hogs+=($!)
done
trap 'kill "${hogs[@]}" 2>/dev/null || true' EXIT
echo "$(nproc) busy processes running beside the tests"
for i in $(seq "$n"); do
  start=$(date +%s)
  if ! go test -count=1 "$@" ./... >/tmp/sendbot-busy-$i.log 2>&1; then
    echo "run $i of $n FAILED (log: /tmp/sendbot-busy-$i.log)"
    grep -E '^(--- FAIL|FAIL|panic)' /tmp/sendbot-busy-$i.log || true
    exit 1
  fi
  echo "run $i of $n passed in $(( $(date +%s) - start )) s"
done
echo "all $n runs passed"
