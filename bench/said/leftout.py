"""Counts what the suggestion of a declined question reaches.

A question the bot declines for the everyday words a parent added after
it ("... thanks in advance") gets, as a suggestion, the question without
them, when the bot answers that (index/rephrase.go). For each way of
saying the questions of ../shared/eval (frames.txt, and the frames given
after --more, which no rule was written against), this asks every
question said so with `sendbot search --json`, and counts: the
answerable ones answered with a right passage in the first three; the
ones declined with a suggestion whose own answer has one; and the
questions to decline that got a suggestion.

    python3 bench/said/suggest.py path/to/sendbot [--more FRAME ...]

The model is the built-in one, fitted on these very questions: the
figures say what the suggestion adds, not how well the bot ranks.
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
        print("| said | answerable: answered right | declined, suggested | reached by the suggestion | to decline: suggested |")
        print("|---|---|---|---|---|")
        for frame, note in frames(more):
            asked = defaultdict(list)
            for q in qs:
                asked[q.get("area") or ""].append(say(frame, q["q"]))
            lines = s.search(asked)
            again = defaultdict(list)
            for q in qs:
                line = lines[(q.get("area") or "", say(frame, q["q"]))]
                if line.get("rephrased"):
                    again[q.get("area") or ""].append(line["rephrased"])
            relines = s.search(again) if again else {}
            right = suggested = reached = wrong = 0
            for q in qs:
                area = q.get("area") or ""
                line = lines[(area, say(frame, q["q"]))]
                r = line.get("rephrased", "")
                if q.get("expect") == "no-answer":
                    wrong += bool(r)
                    continue
                if found(q, line):
                    right += 1
                elif r:
                    suggested += 1
                    reached += found(q, relines[(area, r)])
            name = "`%s`%s" % (frame, " (%s)" % note if note else "")
            print("| %s | %d | %d | %d | %d |" % (name, right, suggested, reached, wrong))


if __name__ == "__main__":
    main()
