#!/usr/bin/env bash
# Regenerates british-english.gz from Debian's wbritish package (SCOWL's
# British English list) and everyday.gz from Debian's scowl package (the
# words of SCOWL's two smallest sizes, 10 and 20: the most common English
# words), people.gz from Debian's wordnet-base package (the everyday
# nouns whose commonest sense in WordNet 3.0 is a person: son, daughter,
# teacher; with their irregular plurals), and copies their licences beside
# them. Run with `go generate ./internal/english` on a Debian machine:
#   apt-get install wbritish scowl wordnet-base
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
wordnet=/usr/share/wordnet
if [ ! -f "$wordnet/index.noun" ]; then
  echo "gen.sh: $wordnet not found; install it with: apt-get install wordnet-base" >&2
  exit 1
fi
# data.noun gives each synset's lexicographer file (18 is noun.person);
# index.noun lists a noun's synsets commonest first; noun.exc its
# irregular plurals ("children child").
gunzip -c everyday.gz | tr 'A-Z' 'a-z' |
  awk -v dataf="$wordnet/data.noun" -v indexf="$wordnet/index.noun" -v excf="$wordnet/noun.exc" '
    FNR == NR { everyday[$1] = 1; next }
    END {
      while ((getline line < dataf) > 0) {
        if (line ~ /^  /) continue
        split(line, f, " "); lexfile[f[1]] = f[2]
      }
      while ((getline line < indexf) > 0) {
        if (line ~ /^  /) continue
        n = split(line, f, " ")
        lemma = f[1]; first = f[7 + f[4]]
        if (lemma !~ /^[a-z]+$/ || lexfile[first] != "18" || !(lemma in everyday)) continue
        person[lemma] = 1
      }
      while ((getline line < excf) > 0) {
        split(line, f, " ")
        if ((f[2] in person) && f[1] ~ /^[a-z]+$/) plural[f[1]] = 1
      }
      for (w in person) print w
      for (w in plural) print w
    }' - |
  LC_ALL=C sort -u | gzip -9 -n > people.gz
cp /usr/share/doc/wbritish/copyright COPYING.wbritish
cp /usr/share/doc/scowl/copyright COPYING.scowl
cp /usr/share/doc/wordnet-base/copyright COPYING.wordnet
dpkg-query -W -f='${Package} ${Version}\n' wbritish scowl wordnet-base > VERSION
