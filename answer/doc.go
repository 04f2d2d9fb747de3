// Package answer puts a search result into words for people: the
// sentences every screen says alike (why nothing answered, which words
// were corrected or are unknown, which passages may be out of date, what
// the jargon means, where to ask instead); WriteText, the plain-text
// answer `sendbot ask` prints, and SearchError, what it says when a
// search fails; and JSONLine, a result as `sendbot search --json` writes
// it for programs. Package bot renders the same sentences as Discord
// embeds, passing Marks that escape Markdown and put words in italics;
// the terminal uses Plain.
//
//	res, err := ix.Search(ctx, index.Query{Text: "what is an EHCP?"})
//	answer.WriteText(os.Stdout, res, answer.TextOptions{Now: time.Now(), MaxAge: index.DefaultMaxAge})
//	note := answer.SearchedNote(res.Corrections, answer.Plain) // "Searched for autism (you typed autisim)."
package answer
