// Package eval measures how well sendbot answers: it asks a list of
// questions with known good answers and reports recall@1, @3 and @5, MRR
// and how often the bot declined exactly when it should. It also learns
// the model the search stages use: Learn fits it on traced questions
// (fit.go), cross-validates it in folds (cv.go) and measures what each
// component is worth (ablation.go). `sendbot eval` is its command line.
//
//	qs, err := eval.ReadQuestionFiles([]string{"dev-questions.jsonl"})
//	rep, err := eval.Run(ctx, ix, qs)
//	rep.WriteText(os.Stdout)
//	err = rep.Check(eval.Floors{Recall3: 0.8})
//	err = eval.Learn(ctx, os.Stdout, ix, qs, nil, eval.Options{Folds: 5})
//	// or both as sendbot eval does, as its flags say:
//	err = eval.Evaluate(ctx, os.Stdout, ix, qs, nil, eval.Options{Floors: eval.Floors{Recall3: 0.8}})
//
// A question is answered at k when one of its gold regular expressions
// (case-insensitive) matches the text shown for one of the first k
// passages of an answer the bot gives. A declined question shows no
// passages, so it is answered at no k.
package eval
