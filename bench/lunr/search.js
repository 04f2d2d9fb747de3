#!/usr/bin/env node
// An untuned Lunr 2.3.9 baseline for bench/fts5/compare.py.
//
//   node bench/lunr/search.js [--area-rule area-and-national|area-only] PASSAGES QUESTIONS
//
// PASSAGES is the JSON Lines file `sendbot eval --passages-out` writes (id,
// document, title, section, text, area, national, kind); QUESTIONS is a
// sendbot eval questions file (JSON Lines with id, q and area; blank lines
// and lines starting with # are skipped). It builds a Lunr index with Lunr's
// defaults (pipeline trimmer, stop word filter, stemmer; search pipeline
// stemmer; fields title, section and text with no boosts; ref = the passage's
// position in the file) and prints, for each question in order, one line:
//
//   {"id": "...", "results": [{"title": "...", "text": "..."}, ... at most 5]}
//
// plus "error" when the question's area is not in the passages. A question
// with an area keeps passages of that area and England-wide ones (national),
// with area names compared as compare.py's area_key does. Bad input stops it
// with one line on stderr and exit code 1.

'use strict';

const fs = require('fs');

// DEPTH is how many results are printed per question, as in eval/eval.go.
const DEPTH = 5;
const AREA_ONLY = 'area-only';
const AREA_AND_NATIONAL = 'area-and-national';

class BadInput extends Error {}

// areaKey normalises an area name as compare.py's area_key (and
// corpus.AreaKey) do: lower case, spaces, hyphens, underscores and tabs as one
// space, trimmed.
function areaKey(area) {
  return String(area || '').toLowerCase().split(/[ \-_\t]+/).filter(Boolean).join(' ');
}

// readLines returns the lines of a UTF-8 file, or throws BadInput.
function readLines(kind, path) {
  let data;
  try {
    data = fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInput(`${kind} file ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  return data.split(/\r?\n/);
}

// parseLine parses one JSON Lines line into an object, or throws BadInput
// naming the file and line number.
function parseLine(kind, path, n, line) {
  let obj;
  try {
    obj = JSON.parse(line);
  } catch (e) {
    throw new BadInput(`${kind} file ${path} line ${n}: not a JSON object: ${e.message}`);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new BadInput(`${kind} file ${path} line ${n}: not a JSON object`);
  }
  return obj;
}

function readPassages(path) {
  const passages = [];
  readLines('passages', path).forEach((line, i) => {
    if (!line.trim()) return;
    const p = parseLine('passages', path, i + 1, line);
    if (typeof p.text !== 'string') {
      throw new BadInput(`passages file ${path} line ${i + 1}: not a passage (a JSON object with a "text")`);
    }
    passages.push(p);
  });
  if (passages.length === 0) throw new BadInput(`passages file ${path}: no passages`);
  return passages;
}

function readQuestions(path) {
  const questions = [];
  readLines('questions', path).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `questions file ${path} line ${i + 1}`;
    const q = parseLine('questions', path, i + 1, line);
    for (const key of ['id', 'q', 'area']) {
      if (q[key] != null && typeof q[key] !== 'string') throw new BadInput(`${where}: "${key}" must be a string`);
    }
    const id = (q.id || '').trim();
    if (!id) throw new BadInput(`${where}: no "id"`);
    if (!(q.q || '').trim()) throw new BadInput(`${where}: question ${id} has no "q" (the question text)`);
    questions.push({ id, text: q.q.trim(), area: (q.area || '').trim() });
  });
  if (questions.length === 0) throw new BadInput(`questions file ${path}: no questions`);
  return questions;
}

function loadLunr() {
  try {
    return require('lunr');
  } catch (e) {
    throw new BadInput('the lunr module is not installed: run `npm ci --prefix bench/lunr` from the repository root');
  }
}

// buildIndex indexes the passages with Lunr's defaults: the builder's
// default pipeline (trimmer, stop word filter, stemmer) and search pipeline
// (stemmer), and three fields with no boosts.
function buildIndex(lunr, passages) {
  return lunr(function () {
    this.ref('ref');
    this.field('title');
    this.field('section');
    this.field('text');
    passages.forEach((p, i) => {
      this.add({ ref: String(i), title: p.title || '', section: p.section || '', text: p.text });
    });
  });
}

// search asks the index one question. The question is split with
// lunr.tokenizer and each token becomes an optional term (Lunr's default
// presence), as idx.search would do for plain words, but without Lunr's
// query syntax, so ":", "~", "^", "+", "-" and "*" in a question are not
// operators (a "*" inside a token is still a wildcard to Lunr's token set).
// Results keep Lunr's score order; ties are broken by passage order.
function search(lunr, idx, passages, knownAreas, question, areaRule) {
  const key = areaKey(question.area);
  if (key && !knownAreas.has(key)) {
    return { id: question.id, results: [], error: `unknown area "${question.area}"` };
  }
  const tokens = lunr.tokenizer(question.text);
  const hits = tokens.length === 0 ? [] : idx.query((q) => { q.term(tokens, {}); });
  const ranked = hits.map((h) => ({ i: Number(h.ref), score: h.score }))
    .sort((a, b) => b.score - a.score || a.i - b.i);
  const results = [];
  for (const h of ranked) {
    const p = passages[h.i];
    if (key) {
      const inArea = areaKey(p.area) === key;
      if (!(inArea || (areaRule === AREA_AND_NATIONAL && p.national))) continue;
    }
    results.push({ title: p.title || '', text: p.text });
    if (results.length === DEPTH) break;
  }
  return { id: question.id, results };
}

function main(argv) {
  const args = argv.slice();
  let areaRule = AREA_AND_NATIONAL;
  const at = args.indexOf('--area-rule');
  if (at >= 0) {
    areaRule = args[at + 1];
    if (areaRule !== AREA_ONLY && areaRule !== AREA_AND_NATIONAL) {
      throw new BadInput(`--area-rule must be ${AREA_AND_NATIONAL} or ${AREA_ONLY}, not "${areaRule || ''}"`);
    }
    args.splice(at, 2);
  }
  if (args.length !== 2) {
    throw new BadInput('usage: node search.js [--area-rule area-and-national|area-only] PASSAGES QUESTIONS');
  }
  const passages = readPassages(args[0]);
  const questions = readQuestions(args[1]);
  const lunr = loadLunr();
  const idx = buildIndex(lunr, passages);
  const knownAreas = new Set(passages.map((p) => areaKey(p.area)).filter(Boolean));
  const out = questions.map((q) => JSON.stringify(search(lunr, idx, passages, knownAreas, q, areaRule)));
  process.stdout.write(out.join('\n') + '\n');
}

try {
  main(process.argv.slice(2));
} catch (e) {
  const msg = e instanceof BadInput ? e.message : `unexpected error: ${e && e.stack ? e.stack.split('\n')[0] : e}`;
  process.stderr.write(`search.js: ${msg}\n`);
  process.exitCode = 1;
}
