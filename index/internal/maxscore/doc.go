// Package maxscore finds the best k passages of a disjunction of bleve
// queries without scoring every passage the disjunction matches, with
// bleve's own scores: sendbot's retrieval (index/retrieve.go) asks for
// the best 50 of a question's many clauses.
//
// A question is a disjunction of many clauses: each of its words in each
// searchable field, their synonyms, and its pairs of words. bleve walks
// every posting of every clause, and a question with common words ("plan",
// "school", "support") spends most of its time on passages that cannot be
// among the best few. Query finds the same best passages without walking
// all of them (the MaxScore method): each clause has a ceiling, the most
// it can add to any passage's BM25 score, known before the search from
// its terms' rarity; once the searcher has found K passages, a passage
// that only the clauses with the lowest ceilings match cannot beat the
// K-th best, so only the other clauses' postings are walked, and the low
// ones are looked up only for passages that could still be among the
// best. Phrase matches a phrase as bleve's match-phrase query does,
// without bleve's map of every place of every word.
//
// Scores are bleve's own: each clause is bleve's searcher, the clauses'
// scores are summed and scaled by the share of clauses matched, as bleve's
// disjunction does, and Must's score is added, as bleve's conjunction
// does. Only the last bit of a sum can differ, because the clauses are
// summed in the query's order rather than the order bleve met them.
// Nothing here reads scorch's segments: the package uses bleve's public
// query and searcher API only.
//
// Measured for issue 25 on 100,000 synthetic passages (index's
// BenchmarkRetrieve, bleve's disjunction of the same clauses beside it,
// seven runs): p99 14.4–21.2 ms against 32.1–41.0 ms, 1.9–2.5× (median
// 2.2×), p50 about 1.7× faster; with bleve's phrase query instead of
// Phrase, 1.7–1.8×.
//
//	q := maxscore.Query{K: 50, Clauses: []maxscore.Clause{
//		maxscore.TermClause("text", "autism", 1),
//		maxscore.PhraseClause(maxscore.Phrase{Field: "text", Text: "local offer", Analyzer: "en",
//			Words: []maxscore.Word{{Term: "local", Pos: 1}, {Term: "offer", Pos: 2}}, Boost: 0.5}),
//	}}
//	q.Counts, err = maxscore.Counts(ctx, reader, q, nil) // optional: count each term once
//	res, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 50, 0, false))
//	// q.Plain() is bleve's own query for the same passages and scores.
package maxscore
