// Package bot adapts Discord to a Searcher: it registers the /ask command,
// answers it and messages that mention the bot, and renders each answer as
// an embed of quoted passages with their sources.
//
//	b, err := bot.New(bot.Config{Token: token, GuildID: guild, Logger: log}, ix)
//	if err != nil { ... }             // a missing or malformed token is explained
//	err = b.Run(ctx)                  // until ctx ends
//
// The bot never reaches into bleve: it needs only the two-method Searcher,
// which *index.Index satisfies. Every message it sends has an empty
// allowed_mentions, so nothing it quotes or repeats can ping anyone.
package bot
