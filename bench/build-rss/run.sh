#!/usr/bin/env bash
# Measures the peak resident memory of the real `sendbot index` building a
# synthetic corpus read from disk (issue 25: 1,000,000 passages within
# 1.5 GiB). For each size it writes bench/synth's Markdown corpus of that
# many passages into the work folder (once; later runs reuse it), then runs
# `sendbot index` on it under /usr/bin/time and prints the peak RSS, the
# time taken and what sendbot said it indexed. Runs are one after another.
#
#   bash bench/build-rss/run.sh [PASSAGES…]        (default: 100000 1000000)
#
# SENDBOT=/path/to/sendbot measures that binary (say, an older commit's,
# built with `git archive COMMIT | tar -x -C /tmp/old && (cd /tmp/old &&
# go build -o /tmp/sendbot-old ./cmd/sendbot)`) instead of building
# ./cmd/sendbot. WORK=folder keeps the corpora there for the next run
# (default: a temporary folder, removed at the end). Needs ../shared/corpus
# for the vocabulary, /usr/bin/time, and about 1 GB of disk at 1,000,000.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
if [ ! -x /usr/bin/time ]; then
  echo "build-rss: needs /usr/bin/time (GNU time)" >&2
  exit 1
fi
if [ ! -d ../shared/corpus ]; then
  echo "build-rss: skipped: no ../shared/corpus to take the vocabulary from" >&2
  exit 0
fi
if [ -n "${WORK:-}" ]; then
  work=$WORK
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/sendbot-build-rss.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
work=$(cd "$work" && pwd)
bin=${SENDBOT:-}
if [ -z "$bin" ]; then
  bin=$work/sendbot
  go build -o "$bin" ./cmd/sendbot
fi
echo "sendbot: $bin"
for n in "${sizes[@]}"; do
  corpus=$work/corpus-$n
  if [ ! -d "$corpus" ]; then
    echo "$n passages: writing $corpus"
    go run ./bench/build-rss -passages "$n" -out "$corpus"
  fi
  run=$(mktemp -d "$work/run.XXXXXX")
  # From a folder of its own, so that no .env is read; everything it keeps
  # goes under the run's folder.
  if ! (cd "$run" && env SENDBOT_CORPUS="$corpus" SENDBOT_DATA="$run/data" SENDBOT_INDEX="$run/index" \
      /usr/bin/time -f '%M %e' -o "$run/time" "$bin" index >"$run/out" 2>"$run/err"); then
    echo "$n passages: sendbot index failed:" >&2
    cat "$run/out" "$run/err" >&2
    exit 1
  fi
  read -r kib secs <"$run/time"
  indexed=$(grep '^Indexed' "$run/out" | sed 's/ from .*//')
  printf '%d passages: peak RSS %d MiB (%d KiB), %s s; %s\n' "$n" $((kib / 1024)) "$kib" "$secs" "$indexed"
  rm -rf "$run"
done
cd "$repo"
