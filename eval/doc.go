// Package eval measures how well sendbot answers: it asks a list of
// questions with known good answers and reports recall@1, @3 and @5, MRR
// and how often the bot declined exactly when it should.
//
//	qs, err := eval.ReadQuestions(f)
//	rep, err := eval.Run(ctx, ix, qs)
//	rep.WriteText(os.Stdout)
//
// A question is answered at k when one of its gold regular expressions
// (case-insensitive) matches the text shown for one of the first k
// passages of an answer the bot gives. A declined question shows no
// passages, so it is answered at no k.
package eval
