// Package bot adapts Discord to a Searcher. It registers /ask, /help,
// /about and /sources, and for moderators /reindex, /add-document,
// /remove-document, /add-source, /remove-source and /gaps; it answers
// them and messages that mention the bot or are sent to it directly, and
// renders each answer as an embed of quoted passages with their sources and dates, marking those that may
// be out of date and explaining the jargon they use. Answers page with
// More results and take anonymous Helpful / Not helpful votes; each person
// has a rate limit, moderators none. When nothing answers, it says so and
// points to the area's Local Offer and advice service, if the documents
// include them.
//
//	b, err := bot.New(bot.Config{
//		Token: token, GuildID: guild, Logger: log,
//		ChannelAreas: map[string]string{channelID: "Herefordshire"}, // asked there, Herefordshire first
//		Feedback:     store,                                        // a *feedback.Store
//		Reindexer:    lib.Reindexer(live),                          // a *library.Reindexer
//		Uploads:      uploads,                                      // a *library.Uploads
//		Sites:        lib.OpenSites(live),                          // a *library.Sites
//	}, live)
//	if err != nil { ... }             // a bad token or an area with no documents is explained
//	err = b.Run(ctx)                  // until ctx ends
//
// Each command is answered in the file named after it (ask.go, help.go,
// about.go, sources.go, reindex.go, add_document.go, remove_document.go,
// add_source.go, remove_source.go, gaps.go; sources_sites.go for the
// websites /sources lists; mention.go for mentions, pages.go and
// feedback.go for the buttons). What every interaction needs is in interaction.go: routing
// commands and buttons to their handlers, replying privately at once
// (replyNow), acknowledging first (deferPrivately), who the user is
// (userID), autocomplete, and telling the person when a handler panics;
// respond.go and http.go send the first response by either transport.
// moderation.go holds who may moderate, the audit log and a moderator's
// long-running reply; answer.go turns a search result into an embed
// (pure), with the sentences it shares with the terminal from package
// answer.
//
// The moderators' commands word what package library returns: a
// reindex's Progress and Report, an upload's UploadResult, a site's
// Proposal and crawl (the reindex's fetch.SiteResult), and a
// *library.Refusal, whose Why becomes a sentence saying what is wrong and
// what to do (library.ErrNotSwitched, a change saved and indexed but not
// yet answered from, is said as that, not as a refusal).
//
// When Discord refuses something, the person is still told. A reply the
// bot may not post in a channel (403, 50013 or 50001) reaches the parent
// privately, as a follow-up only they see or by direct message, with a
// note to ask a moderator (private.go); /about shows moderators which
// channels lack which permissions. A /reindex, /add-document or
// /remove-document (or /add-source, /remove-source) that outlives its
// interaction token (15 minutes)
// posts its result in the channel it was asked in, or by DM. First
// responses keep to Discord's 3 seconds (Config.AckTimeout, respond.go):
// a rate limit that would pass them is given up on and logged, not
// waited out. Refusals are logged with Discord's code and, for 50035, the
// fields it names (discorderr.go).
//
// Interactions come over the gateway, or, with Config.Interactions and
// Config.PublicKey, over HTTP from Discord's Interactions Endpoint URL
// (http.go), while mentions and direct messages still come over the
// gateway. One code path, two transports: a handler never knows which
// way its interaction came. Every first response goes through respond,
// which POSTs it to Discord for a gateway interaction and hands it to
// the waiting HTTP handler, as the response body, for one that came
// over HTTP; follow-ups and edits go over REST either way. The HTTP
// handler checks every request's Ed25519 signature (401 otherwise),
// answers PING, and defers an interaction its handler has not answered
// by AckTimeout, whose answer then follows as an edit.
//
// The bot never reaches into bleve: it needs only the small Searcher
// interface, which *index.Index and *index.Live satisfy. Every message it
// sends has an allowed_mentions that pings nobody (except the moderator a
// late result is for), so nothing it quotes or repeats can ping anyone.
package bot
