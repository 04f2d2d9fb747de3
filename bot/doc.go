// Package bot adapts Discord to a Searcher: it registers /ask, /help,
// /about and /sources, and for moderators /reindex and /gaps; answers them and messages that mention the bot, and renders each
// answer as an embed of quoted passages with their sources and dates,
// marking those that may be out of date and explaining the jargon they
// use. Answers page with More results and take anonymous Helpful / Not
// helpful votes; each person has a rate limit, moderators none. When
// nothing answers, it says so and points to the area's Local Offer and
// advice service, if the documents include them.
//
//	b, err := bot.New(bot.Config{
//		Token: token, GuildID: guild, Logger: log,
//		ChannelAreas: map[string]string{channelID: "Herefordshire"}, // asked there, Herefordshire first
//		Feedback:     store,                                        // a *feedback.Store
//	}, ix)
//	if err != nil { ... }             // a bad token or an area with no documents is explained
//	err = b.Run(ctx)                  // until ctx ends
//
// The bot never reaches into bleve: it needs only the small Searcher
// interface, which *index.Index satisfies. Every message it sends has an
// empty allowed_mentions, so nothing it quotes or repeats can ping anyone.
package bot
