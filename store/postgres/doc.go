// Package postgres keeps sendbot's state in PostgreSQL, so that several
// replicas serving one bot share it: Helpful / Not helpful votes, the
// words of gaps, the moderators' audit log and the answers that More
// results pages through. Each type behaves as its file (or in-memory)
// counterpart does, and keeps no more: see docs/privacy.md.
//
// Open connects and brings the schema up to date, once, even when
// several replicas start together:
//
//	db, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"))
//	defer db.Close()
//	votes, err := db.Feedback(ctx)
//	err = votes.Vote(feedback.Vote{Voter: userID, Answer: answerID, Passage: ref, Helpful: true})
package postgres
