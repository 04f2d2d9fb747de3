#!/usr/bin/env python3
"""Score SQLite FTS5 (bm25, porter) and Lunr 2.3.9 against sendbot's own
search, side by side.

All engines search the same passages (the ones `sendbot eval --passages-out`
writes) for the same questions, and all are scored the way `sendbot eval`
scores sendbot (eval/eval.go): recall@1/3/5, MRR over the first five results,
and no-answer accuracy. The result is one Markdown table, plus the questions
where the engines rank the first right passage differently.

    python3 bench/fts5/compare.py --corpus ../shared/corpus \\
        --questions ../shared/eval/dev-questions.jsonl [--sendbot PATH] [--out FILE]
        [--lunr | --no-lunr]

Needs only python3 (3.11, whose sqlite3 module has FTS5) and, unless --sendbot
is given, Go to build sendbot. The Lunr column needs Node and
`npm ci --prefix bench/lunr`; without --lunr it is added when both are there.
See README.md beside this file for the fairness notes.
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# DEPTH is how many results are looked at, as in eval/eval.go: recall is
# reported at 1, 3 and 5, and MRR counts the first match in the first five.
DEPTH = 5

# MAX_QUERY_TERMS caps the distinct words a query uses, as sendbot's
# index/search.go does (maxQueryTerms).
MAX_QUERY_TERMS = 32

# Column weights for bm25(p, title, section, text): the boosts sendbot's
# index/search.go gives those fields (title 0.4, section 0.6, text 1).
# FTS5 applies them inside one BM25 over the whole row (each column's hit
# count is multiplied by its weight); bleve adds up one boosted BM25 score per
# field. Same weights, slightly different formula.
BM25_WEIGHTS = (0.4, 0.6, 1.0)

# STOP_WORDS are dropped from questions before they go to FTS5: Lucene's
# classic English stop set, plus the pronouns, question words and auxiliary
# verbs that parents' questions are full of (all of them are in the Snowball
# English list of 174 words that sendbot's bleve "en" analyser drops), plus
# "s" and "t", the pieces left of "child's" and "don't".
STOP_WORDS = frozenset(
    """
    a an and are as at be but by for if in into is it no not of on or such
    that the their then there these they this to was will with
    i me my we our you your he she his her him them its
    what which who whom how when where why
    am were been do does did have has had would should could
    from about s t
    """.split()
)

# AREA_ONLY and AREA_AND_NATIONAL are the two ways a question asked in an area
# can be searched. sendbot's index/search.go (at the time of writing) keeps
# to passages whose area is the question's area and nothing else, even though
# corpus.IsNational says England-wide documents apply in every area.
AREA_ONLY = "area-only"
AREA_AND_NATIONAL = "area-and-national"


# LUNR_ON, LUNR_AUTO and LUNR_OFF say whether the Lunr baseline runs: always
# (--lunr; missing node or module is an error), when node and the module are
# there (the command line's default), or not at all (--no-lunr; compare()'s
# default, so callers that know nothing of Lunr get the two-engine table).
LUNR_ON, LUNR_AUTO, LUNR_OFF = "on", "auto", "off"

# LUNR_INSTALL is how to install what the Lunr baseline needs.
LUNR_INSTALL = "npm ci --prefix bench/lunr"

# LUNR_VERSION is the Lunr that bench/lunr/package-lock.json pins.
LUNR_VERSION = "2.3.9"


class BadInput(Exception):
    """A problem with the input that the user must fix; its text is one line."""


@dataclass
class Question:
    """One line of a questions file (see eval/questions.go)."""

    id: str
    text: str
    gold: list  # compiled regular expressions, case-insensitive
    area: str = ""
    no_answer: bool = False

    def matches(self, text):
        """Report whether text answers the question (a gold pattern matches it)."""
        return any(g.search(text) for g in self.gold)


@dataclass
class Outcome:
    """How one engine did on one question, as eval.Outcome records it."""

    answered: bool = False
    rank: int = 0  # 1-based rank of the first matching result; 0 if none in the first DEPTH
    shown: list = field(default_factory=list)  # titles of the results
    error: str = ""


def area_key(area):
    """Normalise an area name for comparison, as corpus.AreaKey does:
    lower case, with spaces, hyphens, underscores and tabs as one space."""
    return " ".join(w for w in re.split(r"[ \-_\t]+", (area or "").lower()) if w)


def read_questions(path):
    """Read a JSON Lines questions file with the rules of eval.ReadQuestions.

    Blank lines and lines starting with # are ignored. The first bad line
    raises BadInput naming the file and the line number.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise BadInput(f"questions file {path}: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise BadInput(f"questions file {path}: not UTF-8 text ({e.reason})") from None
    questions, seen = [], {}
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"questions file {path} line {n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise BadInput(f"{where}: not a JSON object: {e.msg}") from None
        if not isinstance(obj, dict):
            raise BadInput(f"{where}: not a JSON object")
        for key in ("id", "q", "area", "expect"):
            if obj.get(key) is not None and not isinstance(obj[key], str):
                raise BadInput(f'{where}: "{key}" must be a string')
        qid = str(obj.get("id") or "").strip()
        text = str(obj.get("q") or "").strip()
        gold = obj.get("gold") or []
        expect = obj.get("expect") or ""
        if not qid:
            raise BadInput(f'{where}: no "id"')
        if qid in seen:
            raise BadInput(f'{where}: id "{qid}" is also used on line {seen[qid]}')
        if not text:
            raise BadInput(f'{where}: question {qid} has no "q" (the question text)')
        if expect not in ("", "no-answer"):
            raise BadInput(f'{where}: question {qid}: "expect" must be "no-answer" or left out, not "{expect}"')
        if not isinstance(gold, list) or not all(isinstance(g, str) for g in gold):
            raise BadInput(f'{where}: question {qid}: "gold" must be a list of regular expressions')
        if expect and gold:
            raise BadInput(f'{where}: question {qid} expects no answer but has "gold" patterns')
        if not expect and not gold:
            raise BadInput(f'{where}: question {qid} has no "gold" patterns (or add "expect": "no-answer")')
        compiled = []
        for g in gold:
            try:
                compiled.append(re.compile(g, re.IGNORECASE))
            except re.error as e:
                raise BadInput(f'{where}: question {qid}: gold pattern "{g}" is not a valid regular expression: {e}') from None
        seen[qid] = n
        area = obj.get("area") or ""
        questions.append(Question(qid, text, compiled, str(area).strip(), bool(expect)))
    if not questions:
        raise BadInput(f'questions file {path}: no questions (each line should be a JSON object with "id", "q" and "gold")')
    return questions


def read_passages(path):
    """Read the JSON Lines passages file `sendbot eval --passages-out` writes.

    Returns a list of dicts with id, title, section, text, area and national;
    a bad line raises BadInput naming the file and the line number.
    """
    passages = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    p = json.loads(line)
                except json.JSONDecodeError as e:
                    raise BadInput(f"passages file {path} line {n}: not a JSON object: {e.msg}") from None
                if not isinstance(p, dict) or not isinstance(p.get("text"), str):
                    raise BadInput(f'passages file {path} line {n}: not a passage (a JSON object with a "text")')
                passages.append(p)
    except OSError as e:
        raise BadInput(f"passages file {path}: {e.strerror}") from None
    if not passages:
        raise BadInput(f"passages file {path}: no passages")
    return passages


def build_fts5(passages, db_path=":memory:"):
    """Build an FTS5 index of the passages (in memory, or in the file
    db_path) and return the connection.

    The area column holds the area key (see area_key), so filtering is an
    exact comparison; national is 1 for England-wide passages.
    """
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE VIRTUAL TABLE p USING fts5(title, section, text, "
        "id UNINDEXED, area UNINDEXED, national UNINDEXED, tokenize='porter unicode61')"
    )
    db.executemany(
        "INSERT INTO p (title, section, text, id, area, national) VALUES (?, ?, ?, ?, ?, ?)",
        (
            (p.get("title") or "", p.get("section") or "", p["text"], p.get("id") or "",
             area_key(p.get("area")), 1 if p.get("national") else 0)
            for p in passages
        ),
    )
    db.commit()
    return db


def query_words(text):
    """Split a question into distinct lower-case words, in order, without
    stop words, at most MAX_QUERY_TERMS of them."""
    words = []
    for w in re.findall(r"[^\W_]+", text.lower()):
        if w not in STOP_WORDS and w not in words:
            words.append(w)
    return words[:MAX_QUERY_TERMS]


def fts5_query(words):
    """Turn words into an FTS5 MATCH expression: each word double-quoted (so
    no word is read as an operator), joined with OR.

    OR, not AND: a natural-language question rarely has all its words in one
    passage, so an AND query finds almost nothing; OR lets bm25 rank passages
    by how many of the (rarer) words they hold, as sendbot's disjunction does.
    """
    return " OR ".join(f'"{w}"' for w in words)


def search_fts5(db, question, known_areas, area_rule=AREA_AND_NATIONAL):
    """Ask FTS5 one question and return its Outcome.

    Mirrors eval.Run: the first DEPTH results by bm25 (ties by insertion
    order); an area the passages do not hold is an error, as sendbot's
    ErrUnknownArea is. FTS5 cannot decline: it answers whenever anything
    matches. The gold patterns are matched against each passage's full text.
    """
    out = Outcome()
    key = area_key(question.area)
    if key and key not in known_areas:
        out.error = f'unknown area "{question.area}"'
        return out
    words = query_words(question.text)
    if not words:
        return out  # nothing to search for: no hits, so not answered
    sql = "SELECT title, text FROM p WHERE p MATCH ?"
    args = [fts5_query(words)]
    if key:
        sql += " AND (area = ? OR national = 1)" if area_rule == AREA_AND_NATIONAL else " AND area = ?"
        args.append(key)
    sql += " ORDER BY bm25(p, ?, ?, ?), rowid LIMIT ?"
    args += [*BM25_WEIGHTS, DEPTH]
    rows = db.execute(sql, args).fetchall()
    out.answered = bool(rows)
    for i, (title, text) in enumerate(rows, start=1):
        out.shown.append(title)
        if out.rank == 0 and question.matches(text):
            out.rank = i
    return out


def lunr_dir():
    """Return the folder holding search.js and its node_modules."""
    return repo_root() / "bench" / "lunr"


def lunr_missing(folder=None):
    """Return why the Lunr baseline cannot run (node not on PATH, or the
    lunr module not installed in folder), or "" when it can."""
    folder = Path(folder) if folder is not None else lunr_dir()
    if shutil.which("node") is None:
        return f"node is not on PATH (install Node 20, then run `{LUNR_INSTALL}`)"
    pkg = folder / "node_modules" / "lunr" / "package.json"
    if not pkg.is_file():
        return f"the lunr module is not installed in {folder}/node_modules (run `{LUNR_INSTALL}`)"
    try:
        version = json.loads(pkg.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        version = None
    if version != LUNR_VERSION:
        return f"{folder}/node_modules has lunr {version}, not {LUNR_VERSION} (run `{LUNR_INSTALL}`)"
    return ""


def run_lunr(passages_path, questions_path, questions, area_rule=AREA_AND_NATIONAL, folder=None):
    """Run `node bench/lunr/search.js PASSAGES QUESTIONS` and score its
    results as search_fts5 scores FTS5's; return a dict of Outcomes.

    search.js prints one JSON object per question, in order, with at most
    DEPTH results (title and full text), already filtered by area. Lunr
    cannot decline: a question with any result is answered. The gold
    patterns are matched against each result's full text.
    """
    folder = Path(folder) if folder is not None else lunr_dir()
    missing = lunr_missing(folder)
    if missing:
        raise BadInput(f"cannot run Lunr: {missing}")
    cmd = ["node", str(folder / "search.js")]
    if area_rule != AREA_AND_NATIONAL:
        cmd += ["--area-rule", area_rule]
    cmd += [str(passages_path), str(questions_path)]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise BadInput(f"cannot run node: {e.strerror}") from None
    if res.returncode != 0:
        raise BadInput(f"Lunr's search.js failed (exit {res.returncode}): {one_line(res.stderr)}")
    lines = [line for line in res.stdout.splitlines() if line.strip()]
    if len(lines) != len(questions):
        raise BadInput(f"Lunr's search.js printed {len(lines)} results for {len(questions)} questions")
    outcomes = {}
    for n, (q, line) in enumerate(zip(questions, lines), start=1):
        try:
            obj = json.loads(line)
            results = obj["results"]
            texts = [(r.get("title") or "", r["text"]) for r in results]
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise BadInput(f"Lunr's search.js line {n} is not a result object: {line[:80]}") from None
        if obj.get("id") != q.id:
            raise BadInput(f"Lunr's search.js line {n} is for question {obj.get('id')!r}, expected {q.id!r}")
        out = Outcome(error=obj.get("error") or "")
        out.answered = bool(texts) and not out.error
        for i, (title, text) in enumerate(texts[:DEPTH], start=1):
            out.shown.append(title)
            if out.rank == 0 and q.matches(text):
                out.rank = i
        outcomes[q.id] = out
    return outcomes


def score(questions, outcomes):
    """Score outcomes (a dict from question id to Outcome) as eval.Run does.

    Returns a dict with the keys of sendbot eval's JSON report: questions,
    answerable, found_at, recall_at_1/3/5, mrr, answered_correctly,
    no_answer_accuracy, declinable and declined_correctly.
    """
    r = {"questions": 0, "answerable": 0, "found_at": [0] * DEPTH, "answered_correctly": 0,
         "declinable": 0, "declined_correctly": 0}
    rr = 0.0
    for q in questions:
        o = outcomes[q.id]
        correct = o.answered != q.no_answer
        r["questions"] += 1
        r["answered_correctly"] += correct
        if q.no_answer:
            r["declinable"] += 1
            r["declined_correctly"] += correct
        else:
            r["answerable"] += 1
            if 0 < o.rank <= DEPTH:
                rr += 1 / o.rank
                for k in range(o.rank, DEPTH + 1):
                    r["found_at"][k - 1] += 1
    n = r["answerable"]
    r["recall_at_1"] = r["found_at"][0] / n if n else 0.0
    r["recall_at_3"] = r["found_at"][2] / n if n else 0.0
    r["recall_at_5"] = r["found_at"][4] / n if n else 0.0
    r["mrr"] = rr / n if n else 0.0
    r["no_answer_accuracy"] = r["answered_correctly"] / r["questions"] if r["questions"] else 0.0
    return r


def sendbot_outcomes(questions, report):
    """Turn sendbot eval's JSON report into Outcomes, and check that score()
    gives the numbers sendbot reported, so a change to sendbot's scoring
    cannot go unnoticed here."""
    try:
        by_id = {o["id"]: o for o in report["outcomes"]}
    except (KeyError, TypeError):
        raise BadInput("sendbot eval --json printed a report without \"outcomes\"") from None
    outcomes = {}
    for q in questions:
        o = by_id.get(q.id)
        if o is None:
            raise BadInput(f"sendbot eval's report has no outcome for question {q.id}")
        outcomes[q.id] = Outcome(bool(o.get("answered")), int(o.get("rank") or 0),
                                 list(o.get("shown") or []), o.get("error") or "")
    mine = score(questions, outcomes)
    for k in ("answerable", "found_at", "recall_at_1", "recall_at_3", "recall_at_5", "mrr", "no_answer_accuracy"):
        theirs = report.get(k)
        same = mine[k] == theirs if isinstance(theirs, list) else theirs is not None and abs(mine[k] - theirs) < 1e-9
        if not same:
            raise BadInput(f"compare.py's scoring no longer matches sendbot eval ({k}: {mine[k]} here, {theirs} from sendbot); update score()")
    return outcomes


def repo_root():
    """Return the sendbot checkout this script lives in (two folders up)."""
    return Path(__file__).resolve().parent.parent.parent


def build_sendbot(dest):
    """Build sendbot into dest with `go build` and return its path."""
    exe = Path(dest) / "sendbot"
    try:
        res = subprocess.run(["go", "build", "-o", str(exe), "./cmd/sendbot"], cwd=repo_root(),
                             capture_output=True, text=True)
    except FileNotFoundError:
        raise BadInput("go is not installed: install Go or pass --sendbot PATH") from None
    if res.returncode != 0:
        raise BadInput(f"go build ./cmd/sendbot failed: {one_line(res.stderr)}")
    return exe


def run_sendbot(exe, corpus, questions_path, workdir):
    """Run `sendbot eval --json --passages-out` with its data folder in workdir.

    Returns (report, passages path). The environment's SENDBOT_* folders are
    blanked and sendbot runs in workdir, so neither the user's cache nor a
    .env file is used.
    """
    passages = Path(workdir) / "passages.jsonl"
    env = dict(os.environ, SENDBOT_DATA=str(Path(workdir) / "data"),
               SENDBOT_CORPUS="", SENDBOT_INDEX="", SENDBOT_FETCH_DIR="")
    cmd = [str(exe), "eval", "--corpus", str(Path(corpus).resolve()),
           "--questions", str(Path(questions_path).resolve()), "--json", "--passages-out", str(passages)]
    try:
        res = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    except OSError as e:
        raise BadInput(f"cannot run sendbot {exe}: {e.strerror}") from None
    if res.returncode != 0:
        raise BadInput(f"sendbot eval failed (exit {res.returncode}): {one_line(res.stderr)}")
    try:
        report = json.loads(res.stdout)
    except json.JSONDecodeError as e:
        raise BadInput(f"sendbot eval --json did not print JSON: {e.msg}") from None
    return report, passages


def one_line(text):
    """Squash text (such as a program's stderr) onto one line."""
    return " | ".join(line.strip() for line in text.strip().splitlines() if line.strip()) or "(no message)"


def rank_cell(q, o):
    """Show how an engine did on question q for the per-question list: the
    rank of the first matching result, "–" for none in the first five, or
    whether it answered a question it should decline."""
    if o.error:
        return "error"
    if not o.answered:
        return "declined"
    if q.no_answer:
        return "answered"
    return str(o.rank) if o.rank else "–"


def markdown(questions, bot, fts, area_rule, lunr=None, engines=""):
    """Write the comparison as Markdown: the scores table, then the questions
    where the engines differ. bot, fts and lunr (None when Lunr did not run)
    map question ids to Outcomes; engines, if given, is a line saying which
    engines ran and why one was skipped."""
    b, f = score(questions, bot), score(questions, fts)
    l = score(questions, lunr) if lunr is not None else None
    n, nq = b["answerable"], b["questions"]

    def recall(r, k):
        return f"{r[f'recall_at_{k}']:.3f} ({r['found_at'][k - 1]}/{n})"

    def points(r, key):
        return f"{(r[key] - b[key]) * 100:+.1f} pts"

    def cells(r):
        # One engine's column, then its difference from sendbot.
        return [(recall(r, 1), points(r, "recall_at_1")),
                (recall(r, 3), points(r, "recall_at_3")),
                (recall(r, 5), points(r, "recall_at_5")),
                (f"{r['mrr']:.3f}", f"{r['mrr'] - b['mrr']:+.3f}"),
                (f"{r['no_answer_accuracy']:.3f} ({r['answered_correctly']}/{nq}; answers everything)",
                 points(r, "no_answer_accuracy"))]

    names = ["recall@1", "recall@3", "recall@5", "MRR", "no-answer accuracy"]
    mine = [recall(b, 1), recall(b, 3), recall(b, 5), f"{b['mrr']:.3f}",
            f"{b['no_answer_accuracy']:.3f} ({b['answered_correctly']}/{nq})"]
    lines = [engines, ""] if engines else []
    lines += [f"{nq} questions ({n} to answer, {b['declinable']} to decline), "
              f"questions in an area searched: {area_rule}.", ""]
    if l is None:
        lines += ["| | sendbot | FTS5 (bm25, porter) | FTS5 − sendbot |", "|---|---|---|---|"]
        lines += [f"| {name} | {x} | {y} | {d} |" for name, x, (y, d) in zip(names, mine, cells(f))]
    else:
        lines += ["| | sendbot | FTS5 (bm25, porter) | Lunr 2.3.9 (defaults) | FTS5 − sendbot | Lunr − sendbot |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {name} | {x} | {y} | {z} | {dy} | {dz} |"
                  for name, x, (y, dy), (z, dz) in zip(names, mine, cells(f), cells(l))]

    def lead(r, engine):
        diff = (r["recall_at_3"] - b["recall_at_3"]) * 100
        who = f"{engine} leads" if diff > 0 else "sendbot leads" if diff < 0 else "neither leads"
        return f"{who} by {abs(diff):.1f} points"

    lines += ["", f"Recall@3: {lead(f, 'FTS5')}."]
    if l is not None:
        lines[-1] = f"Recall@3: {lead(f, 'FTS5')} (FTS5 against sendbot); {lead(l, 'Lunr')} (Lunr against sendbot)."

    engines_out = [bot, fts] + ([lunr] if lunr is not None else [])
    differ = [q for q in questions if len({rank_cell(q, e[q.id]) for e in engines_out}) > 1]
    lines += ["", f"Questions where the engines differ ({len(differ)}): the rank of the first matching "
              "result, – for none in the first 5, or whether the engine declined or answered.", ""]
    if differ:
        if l is None:
            lines += ["| id | sendbot | FTS5 | question |", "|---|---|---|---|"]
        else:
            lines += ["| id | sendbot | FTS5 | Lunr | question |", "|---|---|---|---|---|"]
        for q in differ:
            area = f" [{q.area}]" if q.area else ""
            ranks = " | ".join(rank_cell(q, e[q.id]) for e in engines_out)
            lines.append(f"| {q.id} | {ranks} | {q.text}{area} |")
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def compare(corpus, questions_path, sendbot=None, area_rule=AREA_AND_NATIONAL, lunr=LUNR_OFF):
    """Run the engines and return the Markdown comparison.

    lunr is LUNR_ON (run Lunr; BadInput if node or the module is missing),
    LUNR_AUTO (run it if it can run, else say why not) or LUNR_OFF.
    """
    if not Path(corpus).is_dir():
        raise BadInput(f"corpus folder {corpus} does not exist")
    questions = read_questions(questions_path)
    if sendbot is not None and not Path(sendbot).is_file():
        raise BadInput(f"sendbot binary {sendbot} does not exist")
    missing = lunr_missing() if lunr != LUNR_OFF else "not asked for (--no-lunr)"
    if lunr == LUNR_ON and missing:
        raise BadInput(f"--lunr: {missing}")
    with tempfile.TemporaryDirectory(prefix="sendbot-fts5-") as work:
        exe = sendbot or build_sendbot(work)
        report, passages_path = run_sendbot(exe, corpus, questions_path, work)
        passages = read_passages(passages_path)
        lun = None if missing else run_lunr(passages_path, questions_path, questions, area_rule)
    bot = sendbot_outcomes(questions, report)
    db = build_fts5(passages)
    known = {area_key(p.get("area")) for p in passages if area_key(p.get("area"))}
    fts = {q.id: search_fts5(db, q, known, area_rule) for q in questions}
    db.close()
    if lun is None:
        engines = f"Engines: sendbot and FTS5. Lunr skipped: {missing}."
    else:
        engines = "Engines: sendbot, FTS5 and Lunr" + (" (--lunr)." if lunr == LUNR_ON else
                                                       " (node and bench/lunr/node_modules found).")
    return markdown(questions, bot, fts, area_rule, lun, engines)


def main(argv=None):
    """Parse the command line, run the comparison and print it; return the exit code."""
    ap = argparse.ArgumentParser(description="Score SQLite FTS5 (bm25, porter) and Lunr 2.3.9 against sendbot's search "
                                             "on the same passages and questions.")
    ap.add_argument("--corpus", required=True, help="corpus folder, as for sendbot --corpus")
    ap.add_argument("--questions", required=True, help="questions file, JSON Lines, as for sendbot eval")
    ap.add_argument("--sendbot", help="sendbot binary to use (default: go build ./cmd/sendbot)")
    ap.add_argument("--out", help="also write the Markdown to this file")
    ap.add_argument("--area-rule", choices=[AREA_ONLY, AREA_AND_NATIONAL], default=AREA_AND_NATIONAL,
                    help="how FTS5 and Lunr search a question asked in an area: that area's passages and "
                         "England-wide ones (what sendbot does, the default), or only that area's")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--lunr", dest="lunr", action="store_const", const=LUNR_ON, default=LUNR_AUTO,
                       help="also score Lunr 2.3.9 (needs node and `npm ci --prefix bench/lunr`); "
                            "by default Lunr runs when both are there")
    which.add_argument("--no-lunr", dest="lunr", action="store_const", const=LUNR_OFF,
                       help="leave Lunr out")
    args = ap.parse_args(argv)
    try:
        md = compare(args.corpus, args.questions, args.sendbot, args.area_rule, args.lunr)
        if args.out:
            try:
                Path(args.out).write_text(md, encoding="utf-8")
            except OSError as e:
                raise BadInput(f"output file {args.out}: {e.strerror}") from None
    except BadInput as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
