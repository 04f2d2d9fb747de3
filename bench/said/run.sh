#!/usr/bin/env bash
# Scores the questions of ../shared/eval said in other ways (frames.txt):
# for each frame, every answerable question wrapped in it, scored by the
# cross-validation model of its question's fold (sendbot eval --folds 5
# --twins), against the question as asked. A parent who says who the
# question is for, or says sorry or thanks, should get the same answer.
#
#   bash bench/said/run.sh [path/to/sendbot]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-}
if [ -z "$bin" ]; then
  bin=$(mktemp -d)/sendbot
  go build -o "$bin" ./cmd/sendbot
fi
questions=../shared/eval/dev-questions.jsonl,../shared/eval/parent-questions.jsonl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| said | recall@3 as asked | recall@3 said so | to decline, answered said so |"
echo "|---|---|---|---|"
grep -v '^#' bench/said/frames.txt | grep -v '^$' | while IFS= read -r frame; do
  python3 - "$frame" ../shared/eval/dev-questions.jsonl ../shared/eval/parent-questions.jsonl > "$tmp/said.jsonl" <<'PY'
import json, sys
frame = sys.argv[1]
for name in sys.argv[2:]:
    for line in open(name, encoding="utf-8"):
        if line.strip():
            q = json.loads(line)
            text = q["q"].rstrip("?") if "{}?" in frame else q["q"]
            print(json.dumps({"id": q["id"], "q": frame.replace("{}", text)}))
PY
  # --twins scores each said question by its question's fold's model:
  # Typo is recall@3 as asked, Clean said so; Answered counts the
  # questions to decline (Declinable) answered said so.
  SENDBOT_DATA="$tmp/data" "$bin" eval --corpus ../shared/corpus --questions "$questions" \
    --folds 5 --twins "$tmp/said.jsonl" --json 2>/dev/null |
    python3 -c 'import json, sys; t = json.load(sys.stdin)["Twins"]; print("| `%s` | %.3f | %.3f | %d of %d |" % (sys.argv[1], t["Typo"], t["Clean"], t["Answered"], t["Declinable"]))' "$frame"
done
