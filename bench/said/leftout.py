"""Counts what leaving out the words after a question reaches.

A question the bot would decline for the everyday words a parent added
after it ("... thanks in advance") is answered without them, when the
bot answers that and its quotes name the SEND term it ends on
(index/rephrase.go). For each way of saying the questions of
../shared/eval (frames.txt, and the frames given after --more, which no
rule was written against), this asks every question said so with
`sendbot search --json`, and counts: the answerable ones answered with a
right passage in the first three, and the questions to decline that
were answered; and of each, how many were answered without the words
after.

    python3 bench/said/leftout.py path/to/sendbot [--more FRAME ...]

The model is the built-in one, fitted on these very questions: the
figures say what leaving out adds, not how well the bot ranks
(bench/said/run.sh scores each question by its fold's model).
"""

import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

QUESTIONS = ["../shared/eval/dev-questions.jsonl", "../shared/eval/parent-questions.jsonl"]


def read_questions():
    out = []
    for name in QUESTIONS:
        with open(name, encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    out.append(json.loads(line))
    return out


def frames(more):
    with open("bench/said/frames.txt", encoding="utf-8") as f:
        listed = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    return [("{}", "as asked")] + [(f, "") for f in listed] + [(f, "not in frames.txt") for f in more]


def say(frame, q):
    text = q.rstrip("?") if "{}?" in frame else q
    return frame.replace("{}", text)


class Searcher:
    def __init__(self, binary, data):
        self.binary, self.data = binary, data

    def search(self, texts_by_area):
        """Asks each area's texts in one run; returns {(area, text): line}."""
        out = {}
        for area, texts in texts_by_area.items():
            args = [self.binary, "search", "--json", "--k", "3", "--corpus", "../shared/corpus"]
            if area:
                args += ["--area", area]
            run = subprocess.run(args, input="\n".join(texts) + "\n", capture_output=True, text=True,
                                 env={"SENDBOT_DATA": self.data, "PATH": "/usr/bin:/bin"}, check=True)
            lines = [json.loads(l) for l in run.stdout.splitlines() if l.strip()]
            if len(lines) != len(texts):
                sys.exit("search answered %d of %d questions" % (len(lines), len(texts)))
            for text, line in zip(texts, lines):
                out[(area, text)] = line
        return out


def found(q, line):
    if not line.get("answered"):
        return False
    pats = [re.compile(g, re.IGNORECASE) for g in q["gold"]]
    return any(p.search(h["text"]) for h in line["results"][:3] for p in pats)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary, more = sys.argv[1], []
    if "--more" in sys.argv:
        more = sys.argv[sys.argv.index("--more") + 1:]
    qs = read_questions()
    with tempfile.TemporaryDirectory() as data:
        s = Searcher(binary, data)
        print("| said | answerable: answered right | of them, without the words after | to decline: answered | of them, without the words after |")
        print("|---|---|---|---|---|")
        for frame, note in frames(more):
            asked = defaultdict(list)
            for q in qs:
                asked[q.get("area") or ""].append(say(frame, q["q"]))
            lines = s.search(asked)
            right = left_out = wrong = wrong_left_out = 0
            for q in qs:
                line = lines[(q.get("area") or "", say(frame, q["q"]))]
                if q.get("expect") == "no-answer":
                    wrong += bool(line.get("answered"))
                    wrong_left_out += bool(line.get("answered") and line.get("rephrased"))
                elif found(q, line):
                    right += 1
                    left_out += bool(line.get("rephrased"))
            name = "`%s`%s" % (frame, " (%s)" % note if note else "")
            print("| %s | %d | %d | %d | %d |" % (name, right, left_out, wrong, wrong_left_out))


if __name__ == "__main__":
    main()
