#!/usr/bin/env bash
# Regenerates british-english.gz from Debian's wbritish package (SCOWL's
# British English list) and everyday.gz from Debian's scowl package (the
# words of SCOWL's two smallest sizes, 10 and 20: the most common English
# words), and copies their licence beside them. Run with
# `go generate ./internal/english` on a Debian machine:
#   apt-get install wbritish scowl
set -euo pipefail
cd "$(dirname "$0")"
list=/usr/share/dict/british-english
if [ ! -f "$list" ]; then
  echo "gen.sh: $list not found; install it with: apt-get install wbritish" >&2
  exit 1
fi
# -n leaves out the name and time, so the same list gives the same bytes.
gzip -9 -n -c "$list" > british-english.gz
scowl=/usr/share/dict/scowl
if [ ! -f "$scowl/english-words.10" ]; then
  echo "gen.sh: $scowl not found; install it with: apt-get install scowl" >&2
  exit 1
fi
cat "$scowl"/english-words.10 "$scowl"/english-words.20 "$scowl"/british-words.10 "$scowl"/british-words.20 |
  iconv -f utf-8 -t utf-8 | LC_ALL=C sort -u | gzip -9 -n > everyday.gz
cp /usr/share/doc/wbritish/copyright COPYING.wbritish
cp /usr/share/doc/scowl/copyright COPYING.scowl
dpkg-query -W -f='${Package} ${Version}\n' wbritish scowl > VERSION
