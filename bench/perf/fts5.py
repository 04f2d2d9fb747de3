#!/usr/bin/env python3
"""Time SQLite FTS5 (bm25, porter unicode61) on the passages bench/perf
generated, with the queries it uses for sendbot, and print one JSON object.

    python3 bench/perf/fts5.py --passages P.jsonl --queries Q.json --rounds R --db FILE

The index and the queries are those of bench/fts5/compare.py (same table,
tokenizer, column weights, stop words and OR query, and the area filter
"area or national"), so the two benchmarks compare the same FTS5. Run by
`go run ./bench/perf`; not meant to be run by hand.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fts5"))
import compare  # noqa: E402  (bench/fts5/compare.py)


def build(passages_path, db_path):
    """Build the FTS5 table in the file db_path; return the connection and
    the seconds the build took (reading the JSON Lines file not included)."""
    passages = compare.read_passages(passages_path)
    if os.path.exists(db_path):
        os.remove(db_path)
    start = time.perf_counter()
    db = compare.build_fts5(passages, db_path)
    return db, time.perf_counter() - start, len(passages)


def search(db, text, area):
    """One query as compare.search_fts5 makes it, first three results
    (sendbot's DefaultK); returns how many rows came back."""
    words = compare.query_words(text)
    if not words:
        return 0
    sql = "SELECT title, section, text FROM p WHERE p MATCH ?"
    args = [compare.fts5_query(words)]
    key = compare.area_key(area)
    if key:
        sql += " AND (area = ? OR national = 1)"
        args.append(key)
    sql += " ORDER BY bm25(p, ?, ?, ?), rowid LIMIT 3"
    args += list(compare.BM25_WEIGHTS)
    return len(db.execute(sql, args).fetchall())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--passages", required=True)
    ap.add_argument("--queries", required=True, help='JSON list of {"text", "area"}')
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--db", required=True)
    a = ap.parse_args()
    db, build_s, n = build(a.passages, a.db)
    queries = json.loads(Path(a.queries).read_text(encoding="utf-8"))
    for q in queries:  # one warm-up round, as for sendbot
        search(db, q["text"], q.get("area", ""))
    lat = []
    empty = 0
    for _ in range(a.rounds):
        for q in queries:
            t = time.perf_counter()
            rows = search(db, q["text"], q.get("area", ""))
            lat.append(time.perf_counter() - t)
            empty += rows == 0
    db.close()
    json.dump({"passages": n, "build_seconds": build_s, "size_bytes": os.path.getsize(a.db),
               "latencies_seconds": lat, "empty": empty}, sys.stdout)


if __name__ == "__main__":
    main()
