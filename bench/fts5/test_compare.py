#!/usr/bin/env python3
"""Tests for compare.py, so the FTS5 benchmark cannot rot silently.

Run from the repository root:

    python3 -m unittest bench/fts5/test_compare.py

The passages are invented, about the fictional county of Testshire. A fake
sendbot (a small Python script) stands in for the real one, so the tests need
neither Go nor the shared corpus. The Lunr tests that run bench/lunr/search.js
are skipped when node or bench/lunr/node_modules is missing.
"""

import contextlib
import io
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import subprocess
import unittest
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (the path above must be set first)

PASSAGES = [
    {"id": "a1", "document": "testshire/short-breaks.md", "title": "Short breaks in Testshire",
     "section": "Who can get a short break",
     "text": "Children with a disability who live in Testshire can have a short break of up to ten nights a year. "
             "Ask the Testshire Short Breaks Team.",
     "area": "Testshire", "national": False, "kind": "local-offer"},
    {"id": "a2", "document": "testshire/transport.md", "title": "School transport in Testshire", "section": "Distance",
     "text": "Testshire Council gives free school transport when the school is more than three miles from home.",
     "area": "Testshire", "national": False, "kind": "local-offer"},
    {"id": "a3", "document": "testshire/forum.md", "title": "Testshire parent carer forum", "section": "",
     "text": "The Testshire Parent Carer Forum meets every month in the Gloucester Hall to talk about services.",
     "area": "Testshire", "national": False, "kind": "local-offer"},
    {"id": "n1", "document": "england/ehc.md", "title": "EHC needs assessments in England",
     "section": "Asking for an assessment",
     "text": "A parent can ask the local authority for an EHC needs assessment by writing a letter.",
     "area": "England", "national": True, "kind": "guidance"},
    {"id": "o1", "document": "otherby/breaks.md", "title": "Short breaks in Otherby", "section": "",
     "text": "Otherby offers short break holidays for disabled children.",
     "area": "Otherby", "national": False, "kind": "local-offer"},
]

QUESTIONS = [
    {"id": "t1", "q": "How many nights of short break can my child have?", "gold": ["ten nights"], "area": "Testshire"},
    {"id": "t2", "q": "how do I ask for an EHC needs assessment", "gold": ["writing a letter"], "area": None},
    {"id": "t3", "q": "how do I ask for an EHC needs assessment", "gold": ["writing a letter"], "area": "Testshire"},
    {"id": "t4", "q": "when does the forum meet", "gold": ["every month"], "area": "testshire"},
    {"id": "t5", "q": "short breaks", "gold": ["HOLIDAYS"], "area": None},
    {"id": "t6", "q": "what is it?", "gold": ["anything"], "area": None},
    {"id": "t7", "q": "school transport", "gold": ["three miles"], "area": "Nowhere"},
    {"id": "tn", "q": "cheap flights to spain", "gold": [], "expect": "no-answer"},
]


def write_jsonl(path, objs, extra=""):
    """Write objs to path as JSON Lines, then extra as it is."""
    Path(path).write_text("".join(json.dumps(o) + "\n" for o in objs) + extra, encoding="utf-8")


class TempDirTest(unittest.TestCase):
    """A test with a temporary folder holding the Testshire passages and questions."""

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="fts5-test-"))
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.questions_path = self.dir / "questions.jsonl"
        write_jsonl(self.questions_path, QUESTIONS)
        self.passages_path = self.dir / "passages.jsonl"
        write_jsonl(self.passages_path, PASSAGES)
        self.questions = compare.read_questions(self.questions_path)
        self.byid = {q.id: q for q in self.questions}


class QueryTest(unittest.TestCase):
    def test_query_words(self):
        cases = [
            ("stop words, case and punctuation go", "What is the EHCP, and who writes it?", ["ehcp", "writes"]),
            ("each word once, in order", "breaks short breaks", ["breaks", "short"]),
            ("possessive and contraction pieces go", "my child's plan doesn't work", ["child", "plan", "doesn", "work"]),
            ("only stop words leaves nothing", "what is it?", []),
            ("digits count as words", "year 7 transfer", ["year", "7", "transfer"]),
        ]
        for name, text, want in cases:
            with self.subTest(name):
                self.assertEqual(compare.query_words(text), want)

    def test_query_words_are_capped(self):
        words = compare.query_words(" ".join(f"w{i}" for i in range(50)))
        self.assertEqual(len(words), compare.MAX_QUERY_TERMS)

    def test_fts5_query_quotes_each_word_and_joins_with_or(self):
        # "near" and "not" would be FTS5 operators if they were not quoted.
        self.assertEqual(compare.fts5_query(["near", "school"]), '"near" OR "school"')

    def test_area_key(self):
        for name in ["North Lincolnshire", "north-lincolnshire", "NORTH_LINCOLNSHIRE", " north  lincolnshire "]:
            with self.subTest(name):
                self.assertEqual(compare.area_key(name), "north lincolnshire")


class SearchTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.db = compare.build_fts5(compare.read_passages(self.passages_path))
        self.addCleanup(self.db.close)
        self.known = {"testshire", "england", "otherby"}

    def search(self, qid, rule=compare.AREA_ONLY):
        return compare.search_fts5(self.db, self.byid[qid], self.known, rule)

    def test_ranks(self):
        cases = [
            # name, question, area rule, answered, rank, first title shown
            ("in an area, the area's passage first", "t1", compare.AREA_ONLY, True, 1, "Short breaks in Testshire"),
            ("no area searches everything", "t2", compare.AREA_ONLY, True, 1, "EHC needs assessments in England"),
            ("area-only leaves out England-wide passages", "t3", compare.AREA_ONLY, True, 0, "Short breaks in Testshire"),
            ("area-and-national keeps them", "t3", compare.AREA_AND_NATIONAL, True, 1, "EHC needs assessments in England"),
            ("area names compare case-insensitively", "t4", compare.AREA_ONLY, True, 1, "Testshire parent carer forum"),
            ("gold ignores case; bm25 favours the shorter passage", "t5", compare.AREA_ONLY, True, 1, "Short breaks in Otherby"),
        ]
        for name, qid, rule, answered, rank, first in cases:
            with self.subTest(name):
                o = self.search(qid, rule)
                self.assertEqual((o.answered, o.rank, o.error), (answered, rank, ""))
                self.assertEqual(o.shown[0], first)

    def test_title_weighs_in(self):
        text = "Testshire helps families with respite care at weekends."
        db = compare.build_fts5([
            {"id": "w1", "title": "Respite", "section": "", "text": text, "area": "Testshire"},
            {"id": "w2", "title": "Weekends", "section": "", "text": text, "area": "Testshire"},
        ])
        self.addCleanup(db.close)
        for word, first in [("respite", "Respite"), ("weekends", "Weekends")]:
            with self.subTest(word):
                q = compare.Question("w", word, [re.compile("respite")])
                o = compare.search_fts5(db, q, {"testshire"})
                self.assertEqual(o.shown, [first, "Respite" if first == "Weekends" else "Weekends"])

    def test_area_only_shows_only_that_area(self):
        o = self.search("t3")
        self.assertEqual(set(o.shown), {"Short breaks in Testshire"})

    def test_declines_only_with_no_hits(self):
        for qid in ["t6", "tn"]:  # only stop words; no word in the passages
            with self.subTest(qid):
                o = self.search(qid)
                self.assertEqual((o.answered, o.rank, o.shown), (False, 0, []))

    def test_unknown_area_is_an_error(self):
        o = self.search("t7")
        self.assertFalse(o.answered)
        self.assertIn('unknown area "Nowhere"', o.error)

    def test_recall_over_all_questions(self):
        fts = {q.id: compare.search_fts5(self.db, q, self.known, compare.AREA_ONLY) for q in self.questions}
        r = compare.score(self.questions, fts)
        # Area-only rule. Answerable: t1 1, t2 1, t3 -, t4 1, t5 1, t6 -, t7 error. tn declined (no hits).
        self.assertEqual(r["answerable"], 7)
        self.assertEqual(r["found_at"], [4, 4, 4, 4, 4])
        self.assertAlmostEqual(r["recall_at_3"], 4 / 7)
        self.assertAlmostEqual(r["mrr"], 4 / 7)
        # Correct: t1-t5 answered, tn declined; t6 (no words) and t7 (error) not answered.
        self.assertEqual((r["answered_correctly"], r["declined_correctly"]), (6, 1))
        self.assertAlmostEqual(r["no_answer_accuracy"], 6 / 8)


class ScoreTest(unittest.TestCase):
    def test_score_mirrors_eval_run(self):
        qs = [compare.Question("q1", "a", ["x"]), compare.Question("q2", "b", ["x"]),
              compare.Question("q3", "c", ["x"]), compare.Question("q4", "d", [], no_answer=True)]
        O = compare.Outcome
        r = compare.score(qs, {"q1": O(True, 1), "q2": O(True, 3), "q3": O(False, 0), "q4": O(True, 0)})
        self.assertEqual(r["found_at"], [1, 1, 2, 2, 2])
        self.assertAlmostEqual(r["recall_at_1"], 1 / 3)
        self.assertAlmostEqual(r["recall_at_5"], 2 / 3)
        self.assertAlmostEqual(r["mrr"], (1 + 1 / 3) / 3)
        self.assertEqual((r["answered_correctly"], r["declinable"], r["declined_correctly"]), (2, 1, 0))
        self.assertAlmostEqual(r["no_answer_accuracy"], 2 / 4)


class BadInputTest(TempDirTest):
    def assertBad(self, want, fn, *args):
        with self.assertRaises(compare.BadInput) as cm:
            fn(*args)
        self.assertIn(want, str(cm.exception))
        self.assertNotIn("\n", str(cm.exception))

    def test_questions(self):
        cases = [
            ("bad JSON names its line", '{"id": "a", "q": "x", "gold": ["y"]}\n\n# note\n{"id": "b", "q": \n',
             "line 4: not a JSON object"),
            ("no gold", '{"id": "a", "q": "x", "gold": []}\n', 'question a has no "gold" patterns'),
            ("duplicate id", '{"id": "a", "q": "x", "gold": ["y"]}\n{"id": "a", "q": "z", "gold": ["y"]}\n',
             'line 2: id "a" is also used on line 1'),
            ("bad regex", '{"id": "a", "q": "x", "gold": ["(unclosed"]}\n', "not a valid regular expression"),
            ("bad expect", '{"id": "a", "q": "x", "gold": [], "expect": "nothing"}\n', '"expect" must be "no-answer"'),
            ("no questions", "# only a comment\n\n", "no questions"),
        ]
        for name, text, want in cases:
            with self.subTest(name):
                path = self.dir / "bad.jsonl"
                path.write_text(text, encoding="utf-8")
                self.assertBad(want, compare.read_questions, path)

    def test_missing_questions_file(self):
        self.assertBad("questions file", compare.read_questions, self.dir / "none.jsonl")

    def test_bad_passages_line(self):
        path = self.dir / "bad-passages.jsonl"
        write_jsonl(path, PASSAGES[:2], extra="{not json}\n")
        self.assertBad(f"passages file {path} line 3: not a JSON object", compare.read_passages, path)

    def test_scoring_drift_is_caught(self):
        report = {"outcomes": [{"id": q.id, "answered": True, "rank": 1} for q in self.questions]}
        report.update(compare.score(self.questions, {q.id: compare.Outcome(True, 1) for q in self.questions}))
        compare.sendbot_outcomes(self.questions, report)  # consistent: no error
        report["recall_at_3"] = 0.5
        self.assertBad("no longer matches sendbot eval (recall_at_3", compare.sendbot_outcomes, self.questions, report)


FAKE_SENDBOT = """\
#!{python}
# A stand-in for sendbot: writes the passages it was given and prints a report.
import json, os, sys
args = sys.argv[1:]
if os.environ.get("FAKE_FAIL"):
    sys.stderr.write("time=now level=INFO msg=starting\\nquestions file: open nowhere.jsonl: no such file or directory\\n")
    sys.exit(1)
out = args[args.index("--passages-out") + 1]
with open(out, "w") as f:
    f.write(open({passages!r}).read())
print(open({report!r}).read())
"""


class FakeSendbotTest(TempDirTest):
    """A test with a corpus folder and a fake sendbot for compare()."""

    def setUp(self):
        super().setUp()
        self.corpus = self.dir / "corpus"
        self.corpus.mkdir()
        # The fake sendbot finds t1 at 2 and declines t2; it declines the rest,
        # apart from t4 (found at 1).
        O = compare.Outcome
        outcomes = {q.id: O() for q in self.questions}
        outcomes.update({"t1": O(True, 2, ["Short breaks in Testshire"]), "t4": O(True, 1, ["Testshire parent carer forum"])})
        report = compare.score(self.questions, outcomes)
        report["outcomes"] = [{"id": q.id, "q": q.text, "answered": outcomes[q.id].answered, "rank": outcomes[q.id].rank,
                               "correct": outcomes[q.id].answered != q.no_answer, "shown": outcomes[q.id].shown}
                              for q in self.questions]
        report_path = self.dir / "report.json"
        report_path.write_text(json.dumps(report), encoding="utf-8")
        self.sendbot = self.dir / "sendbot"
        self.sendbot.write_text(FAKE_SENDBOT.format(python=sys.executable, passages=str(self.passages_path),
                                                    report=str(report_path)), encoding="utf-8")
        self.sendbot.chmod(self.sendbot.stat().st_mode | stat.S_IXUSR)


class CompareTest(FakeSendbotTest):
    """Runs compare() whole against a fake sendbot."""

    def test_markdown(self):
        md = compare.compare(self.corpus, self.questions_path, self.sendbot, compare.AREA_ONLY)
        # Area-only rule. sendbot: t1 at 2, t4 at 1 of 7 answerable. FTS5: t1, t2, t4 and t5 at 1.
        self.assertIn("| recall@1 | 0.143 (1/7) | 0.571 (4/7) | +42.9 pts |", md)
        self.assertIn("| recall@3 | 0.286 (2/7) | 0.571 (4/7) | +28.6 pts |", md)
        self.assertIn("Recall@3: FTS5 leads by 28.6 points.", md)
        self.assertIn("answers everything", md)
        self.assertIn("| t1 | 2 | 1 | How many nights of short break can my child have? [Testshire] |", md)
        self.assertIn("| t2 | declined | 1 |", md)
        self.assertIn("| t7 | declined | error |", md)
        self.assertIn("| no-answer accuracy | 0.375 (3/8) | 0.750 (6/8; answers everything) | +37.5 pts |", md)
        self.assertNotIn("| t4 |", md)  # both found it first
        self.assertNotIn("| tn |", md)  # both declined

    def test_main_writes_out_file(self):
        out = self.dir / "out.md"
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            code = compare.main(["--corpus", str(self.corpus), "--questions", str(self.questions_path),
                                 "--sendbot", str(self.sendbot), "--out", str(out)])
        self.assertEqual(code, 0)
        self.assertEqual(out.read_text(encoding="utf-8"), stdout.getvalue())

    def test_sendbot_failure_shows_its_stderr(self):
        os.environ["FAKE_FAIL"] = "1"
        self.addCleanup(os.environ.pop, "FAKE_FAIL")
        with self.assertRaises(compare.BadInput) as cm:
            compare.compare(self.corpus, self.questions_path, self.sendbot)
        msg = str(cm.exception)
        self.assertIn("sendbot eval failed (exit 1)", msg)
        self.assertIn("questions file: open nowhere.jsonl: no such file or directory", msg)
        self.assertNotIn("\n", msg)

    def test_main_bad_input_is_one_line_and_exit_1(self):
        cases = [
            ("missing corpus", ["--corpus", "/nonexistent/corpus"], "compare.py: corpus folder /nonexistent/corpus does not exist"),
            ("missing questions", ["--questions", "/nonexistent/q.jsonl"], "compare.py: questions file /nonexistent/q.jsonl:"),
            ("missing sendbot", ["--sendbot", "/nonexistent/sendbot"], "compare.py: sendbot binary /nonexistent/sendbot does not exist"),
        ]
        for name, override, want in cases:
            with self.subTest(name):
                args = {"--corpus": str(self.corpus), "--questions": str(self.questions_path), "--sendbot": str(self.sendbot)}
                args.update(dict(zip(override[::2], override[1::2])))
                stderr = io.StringIO()
                with contextlib.redirect_stderr(stderr):
                    code = compare.main([x for kv in args.items() for x in kv])
                self.assertEqual(code, 1)
                self.assertTrue(stderr.getvalue().startswith(want), stderr.getvalue())
                self.assertEqual(stderr.getvalue().count("\n"), 1)

    def test_lunr_auto_skips_and_says_why(self):
        with mock.patch.object(compare, "lunr_dir", return_value=self.dir / "no-lunr"):
            md = compare.compare(self.corpus, self.questions_path, self.sendbot, compare.AREA_ONLY, compare.LUNR_AUTO)
        self.assertIn("Engines: sendbot and FTS5. Lunr skipped:", md)
        self.assertIn("npm ci --prefix bench/lunr", md)
        self.assertIn("| recall@1 | 0.143 (1/7) | 0.571 (4/7) | +42.9 pts |", md)  # the two-engine table


# LUNR_MISSING is why bench/lunr/search.js cannot run here, or "".
LUNR_MISSING = compare.lunr_missing()
SEARCH_JS = compare.lunr_dir() / "search.js"

# SYNTAX is a question full of characters that are operators in Lunr's query
# syntax, where idx.search(string) would throw.
SYNTAX = "what is a:b ~c ^d +e -f *g"


@unittest.skipIf(LUNR_MISSING, f"Lunr not available: {LUNR_MISSING}")
class LunrTest(TempDirTest):
    """Runs bench/lunr/search.js on the Testshire passages."""

    def lunr(self, questions=None, rule=compare.AREA_AND_NATIONAL):
        """Run Lunr on questions (dicts; default QUESTIONS) and return (questions, outcomes)."""
        path = self.questions_path
        if questions is not None:
            path = self.dir / "lunr-questions.jsonl"
            write_jsonl(path, questions)
        qs = compare.read_questions(path)
        return qs, compare.run_lunr(self.passages_path, path, qs, rule)

    def test_output_is_parsed_and_scored(self):
        qs, out = self.lunr()
        got = {qid: (o.answered, o.rank, o.error) for qid, o in out.items()}
        self.assertEqual(got, {
            "t1": (True, 1, ""),   # the area's passage first
            "t2": (True, 1, ""),   # no area: everything searched
            "t3": (True, 1, ""),   # area-and-national keeps the England-wide passage
            "t4": (True, 1, ""),   # area names compare case-insensitively
            "t5": (True, 2, ""),   # gold ignores case; Otherby's passage second
            "t6": (False, 0, ""),  # "what is it?": nothing matches
            "t7": (False, 0, 'unknown area "Nowhere"'),
            "tn": (False, 0, ""),  # no word in the passages: no hits, so not answered
        })
        self.assertEqual(out["t5"].shown, ["Short breaks in Testshire", "Short breaks in Otherby"])
        r = compare.score(qs, out)
        self.assertEqual(r["found_at"], [4, 5, 5, 5, 5])
        self.assertAlmostEqual(r["mrr"], (4 + 1 / 2) / 7)
        # Correct: t1-t5 answered, tn declined; t6 (no hits) and t7 (error) not answered.
        self.assertEqual((r["answered_correctly"], r["declined_correctly"]), (6, 1))

    def test_gold_matches_full_text_in_first_five(self):
        words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
        # Same length, one "respite" each: equal scores, so passage order decides.
        passages = [{"id": w, "title": f"T{i}", "section": "", "text": f"Testshire respite {w}.",
                     "area": "Testshire", "national": False} for i, w in enumerate(words)]
        long_text = "Short breaks. " + "Filler words. " * 100 + "The team phone number is 0100."
        passages.append({"id": "long", "title": "Team", "section": "", "text": long_text, "area": "Testshire",
                         "national": False})
        write_jsonl(self.passages_path, passages)
        qs, out = self.lunr([{"id": "e", "q": "respite", "gold": ["ECHO"]},
                             {"id": "f", "q": "respite", "gold": ["foxtrot"]},
                             {"id": "l", "q": "short breaks", "gold": ["phone number is 0100"]}])
        self.assertEqual(out["e"].shown, ["T0", "T1", "T2", "T3", "T4"])
        self.assertEqual(out["e"].rank, 5)
        self.assertEqual((out["f"].answered, out["f"].rank), (True, 0))  # sixth: not in the first five
        self.assertEqual(out["l"].rank, 1)  # gold past the first 700 characters still counts

    def test_area_filtering_matches_fts5(self):
        # Every passage holds one of these words, so the filter alone decides what is shown.
        q = {"id": "all", "q": "break school forum assessment", "gold": ["x"]}
        db = compare.build_fts5(compare.read_passages(self.passages_path))
        self.addCleanup(db.close)
        known = {"testshire", "england", "otherby"}
        cases = [
            ("area and national", compare.AREA_AND_NATIONAL, " TESTSHIRE ",
             {"Short breaks in Testshire", "School transport in Testshire", "Testshire parent carer forum",
              "EHC needs assessments in England"}),
            ("area only", compare.AREA_ONLY, "testshire",
             {"Short breaks in Testshire", "School transport in Testshire", "Testshire parent carer forum"}),
            ("no area", compare.AREA_AND_NATIONAL, "", {p["title"] for p in PASSAGES}),
        ]
        for name, rule, area, want in cases:
            with self.subTest(name):
                qs, out = self.lunr([dict(q, area=area)], rule)
                self.assertEqual(set(out["all"].shown), want)
                fts = compare.search_fts5(db, qs[0], known, rule)
                self.assertEqual(set(fts.shown), want)

    def test_area_names_are_normalised(self):
        write_jsonl(self.passages_path, [
            {"id": "x", "title": "Local", "section": "", "text": "Respite in the county.", "area": "North_Lincolnshire",
             "national": False},
            {"id": "y", "title": "Elsewhere", "section": "", "text": "Respite elsewhere.", "area": "Otherby",
             "national": False},
        ])
        qs, out = self.lunr([{"id": "n", "q": "respite", "gold": ["county"], "area": "north-lincolnshire"}])
        self.assertEqual((out["n"].shown, out["n"].rank, out["n"].error), (["Local"], 1, ""))

    def test_lunr_syntax_characters_do_not_crash(self):
        qs, out = self.lunr([
            {"id": "s1", "q": SYNTAX, "gold": ["x"]},
            {"id": "s2", "q": "how do i ask for an ehc needs assessment : ~ ^ + - (a:b)", "gold": ["writing a letter"]},
        ])
        self.assertEqual((out["s1"].answered, out["s1"].error), (False, ""))
        self.assertEqual((out["s2"].answered, out["s2"].rank, out["s2"].error), (True, 1, ""))

    def test_search_js_bad_input(self):
        bad = self.dir / "bad.jsonl"
        bad.write_text('{"id": "a", "q": "x"}\n\n{"id": "b", "q": \n', encoding="utf-8")
        bad_passages = self.dir / "bad-passages.jsonl"
        write_jsonl(bad_passages, PASSAGES[:2], extra="{not json}\n")
        cases = [
            ("missing passages", [str(self.dir / "none.jsonl"), str(self.questions_path)],
             f"search.js: passages file {self.dir / 'none.jsonl'}: no such file"),
            ("bad questions line", [str(self.passages_path), str(bad)],
             f"search.js: questions file {bad} line 3: not a JSON object"),
            ("bad passages line", [str(bad_passages), str(self.questions_path)],
             f"search.js: passages file {bad_passages} line 3: not a JSON object"),
            ("a question is not a passage", [str(bad), str(self.questions_path)],
             f'search.js: passages file {bad} line 1: not a passage (a JSON object with a "text")'),
            ("wrong arguments", [str(self.passages_path)], "search.js: usage:"),
        ]
        for name, args, want in cases:
            with self.subTest(name):
                res = subprocess.run(["node", str(SEARCH_JS), *args], capture_output=True, text=True)
                self.assertNotEqual(res.returncode, 0)
                self.assertTrue(res.stderr.startswith(want), res.stderr)
                self.assertEqual(res.stderr.count("\n"), 1, res.stderr)
                self.assertEqual(res.stdout, "")


@unittest.skipIf(LUNR_MISSING, f"Lunr not available: {LUNR_MISSING}")
class LunrCompareTest(FakeSendbotTest):
    """Runs compare() whole with Lunr, against the fake sendbot."""

    def test_compare_adds_a_lunr_column(self):
        md = compare.compare(self.corpus, self.questions_path, self.sendbot, compare.AREA_ONLY, compare.LUNR_ON)
        self.assertIn("Engines: sendbot, FTS5 and Lunr (--lunr).", md)
        self.assertIn("| | sendbot | FTS5 (bm25, porter) | Lunr 2.3.9 (defaults) | FTS5 − sendbot | Lunr − sendbot |", md)
        row = next(line for line in md.splitlines() if line.startswith("| no-answer accuracy |"))
        self.assertEqual(row.count("answers everything"), 2)
        self.assertIn("(Lunr against sendbot).", md)
        self.assertIn("| id | sendbot | FTS5 | Lunr | question |", md)
        self.assertIn("| t7 | declined | error | error |", md)


class LunrMissingTest(TempDirTest):
    """What happens when node or the lunr module is missing; needs neither."""

    def test_missing_module_gives_install_message(self):
        empty = self.dir / "lunr"
        empty.mkdir()
        with mock.patch.object(compare.shutil, "which", return_value="/usr/bin/node"):
            self.assertIn("the lunr module is not installed", compare.lunr_missing(empty))
            with self.assertRaises(compare.BadInput) as cm:
                compare.run_lunr(self.passages_path, self.questions_path, self.questions, folder=empty)
        self.assertIn("npm ci --prefix bench/lunr", str(cm.exception))
        self.assertNotIn("\n", str(cm.exception))

    def test_wrong_version_gives_install_message(self):
        pkg = self.dir / "lunr" / "node_modules" / "lunr"
        pkg.mkdir(parents=True)
        (pkg / "package.json").write_text('{"name": "lunr", "version": "2.3.8"}', encoding="utf-8")
        with mock.patch.object(compare.shutil, "which", return_value="/usr/bin/node"):
            msg = compare.lunr_missing(self.dir / "lunr")
        self.assertIn("lunr 2.3.8, not 2.3.9", msg)
        self.assertIn("npm ci --prefix bench/lunr", msg)

    def test_missing_node_gives_install_message(self):
        with mock.patch.object(compare.shutil, "which", return_value=None):
            msg = compare.lunr_missing()
        self.assertIn("node is not on PATH", msg)
        self.assertIn("npm ci --prefix bench/lunr", msg)

    def test_main_lunr_flag_fails_with_one_line(self):
        corpus = self.dir / "corpus"
        corpus.mkdir()
        stderr = io.StringIO()
        with mock.patch.object(compare, "lunr_dir", return_value=self.dir / "no-lunr"), \
                contextlib.redirect_stderr(stderr):
            code = compare.main(["--corpus", str(corpus), "--questions", str(self.questions_path),
                                 "--sendbot", sys.executable, "--lunr"])
        self.assertEqual(code, 1)
        self.assertTrue(stderr.getvalue().startswith("compare.py: --lunr: "), stderr.getvalue())
        self.assertIn("npm ci --prefix bench/lunr", stderr.getvalue())
        self.assertEqual(stderr.getvalue().count("\n"), 1)


if __name__ == "__main__":
    unittest.main()
