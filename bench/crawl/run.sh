#!/usr/bin/env bash
# Measures sendbot fetch's crawl of a synthetic 2,000-page site on
# loopback with no pause between requests, and a refresh after 20 pages
# changed: the time of each and the peak resident memory of the whole
# run (GNU time's %M, in KiB).
#
#   bash bench/crawl/run.sh [PAGES [CHANGED]]      (default: 2000 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
pages=${1:-2000}
changed=${2:-20}
if [ ! -x /usr/bin/time ]; then
  echo "crawl: needs /usr/bin/time (GNU time)" >&2
  exit 1
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/crawl" ./bench/crawl
/usr/bin/time -f "peak RSS %M KiB, %e s elapsed, %U s user" "$bin/crawl" -pages "$pages" -changed "$changed"
