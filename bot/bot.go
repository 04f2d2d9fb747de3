package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/feedback"
	"github.com/sendbot/sendbot/gaps"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/discordapi"
	"github.com/sendbot/sendbot/library"
)

// Searcher answers questions. *index.Index is one.
type Searcher interface {
	Search(ctx context.Context, q index.Query) (index.Result, error)
	// Areas lists the areas there are documents for, as shown to parents.
	Areas() []string
	// Info says when the index was built and what it holds, for /about.
	Info() index.Info
	// Documents lists an area's documents ("" for all), for /sources.
	Documents(area string) ([]index.DocumentInfo, error)
}

// Config holds what the bot needs to connect. The zero value of each
// optional field gives the default named in its comment.
// Monitor is told what the bot does (see Config.Monitor).
type Monitor interface {
	// Question is one question searched: answered, declined (neither)
	// or failed (refused or an error), and the time to its answer.
	Question(answered, failed bool, took time.Duration)
	// Vote is one Helpful (true) or Not helpful (false) vote recorded.
	Vote(helpful bool)
	// Gateway is the Discord gateway session becoming ready (true) or
	// dropping (false).
	Gateway(up bool)
}

type noMonitor struct{}

func (noMonitor) Question(bool, bool, time.Duration) {}
func (noMonitor) Vote(bool)                          {}
func (noMonitor) Gateway(bool)                       {}

type Config struct {
	// Token is the bot token from the Discord developer portal, without
	// the "Bot " prefix. Required.
	Token string
	// GuildID, when set, registers the commands in that one server, where
	// they appear at once; when empty they are registered globally.
	GuildID string
	// APIURL, when set, replaces Discord's REST API base (including its
	// version path, e.g. http://127.0.0.1:8080/api/v9/) for every REST call
	// and so for the gateway: a REST proxy, or a local test server.
	APIURL string
	// Logger receives operational logs. Default: discard.
	Logger *slog.Logger
	// LogQuestions logs each question's text. Parents' questions are
	// personal data, so this is for a moderator looking into a problem,
	// and off by default.
	LogQuestions bool
	// Version is shown by /about. Default: "unknown".
	Version string
	// Feedback records Helpful / Not helpful votes; nil turns the buttons'
	// votes off (they say so). A *feedback.Store.
	Feedback interface{ Vote(feedback.Vote) error }
	// Uploads keeps documents added with /add-document; nil says adding
	// documents from Discord is off.
	Uploads Uploader
	// MaxUploadBytes is the largest file /add-document takes. Default:
	// library.DefaultMaxUploadBytes (10 MiB).
	MaxUploadBytes int64
	// Reindexer runs /reindex; nil says reindexing from Discord is off.
	Reindexer Reindexer
	// Audit records every moderator action; nil records nothing.
	Audit Auditor
	// Gaps keeps the words of questions declined or marked Not helpful,
	// for moderators' /gaps; nil turns that off. A *gaps.Store.
	Gaps GapStore
	// ModRoles are role IDs whose members may use the moderators'
	// commands, besides members with Manage Server. Default: none.
	ModRoles []string
	// RateLimit is how many questions one person may ask a minute; server
	// moderators (Manage Messages or Manage Server) are exempt. Default:
	// DefaultRateLimit.
	RateLimit int
	// SearchTimeout bounds one search. Default: 10 seconds.
	SearchTimeout time.Duration
	// Monitor is told each question's outcome and how long it took, each
	// vote and each gateway connection and drop, for /healthz and
	// /metrics; never a question's text. nil tells nothing. A
	// *health.Monitor.
	Monitor Monitor
	// ShutdownTimeout bounds how long Run waits, after its context ends,
	// for answers in flight. Default: 10 seconds.
	ShutdownTimeout time.Duration
	// AckTimeout is how long after an interaction arrives the bot still
	// tries to send its first response; a rate limit that would keep it
	// waiting longer is given up on and logged. Discord forgets an
	// interaction not answered within 3 seconds, so it may be no more
	// than that. Default: DefaultAckTimeout (2.5 seconds).
	AckTimeout time.Duration

	// DefaultArea is the area questions are asked in when nothing more
	// specific is set: they are answered from its documents and national
	// ones, never another area's. Default: "" (all areas alike).
	DefaultArea string
	// ServerAreas sets the area for questions asked in a server, by
	// server (guild) ID; it overrides DefaultArea. Default: none.
	ServerAreas map[string]string
	// ChannelAreas sets the area for questions asked in a channel, by
	// channel ID; it overrides the server's area. The /ask command's area
	// option overrides them all. Direct messages use DefaultArea only.
	// Default: none.
	ChannelAreas map[string]string
	// MaxAge is how old a passage may be before answers mark it as
	// possibly out of date. Default: index.DefaultMaxAge (two years).
	MaxAge time.Duration
	// Now is the clock answers are dated against. Default: time.Now.
	Now func() time.Time
}

// checkAreas makes sure every configured area is one the searcher has
// documents for, and writes each as the searcher shows it.
func (c *Config) checkAreas(known []string) error {
	shown := map[string]string{}
	for _, a := range known {
		shown[corpus.AreaKey(a)] = a
	}
	canonical := func(what, area string) (string, error) {
		if strings.TrimSpace(area) == "" {
			return "", nil
		}
		if s, ok := shown[corpus.AreaKey(area)]; ok {
			return s, nil
		}
		return "", fmt.Errorf("bot: %s is %q, but there are no documents for that area; the areas are %s", what, area, strings.Join(known, ", "))
	}
	var err error
	if c.DefaultArea, err = canonical("the default area", c.DefaultArea); err != nil {
		return err
	}
	for _, m := range []struct {
		what  string
		areas *map[string]string
	}{{"server", &c.ServerAreas}, {"channel", &c.ChannelAreas}} {
		out := make(map[string]string, len(*m.areas))
		for id, area := range *m.areas {
			if out[id], err = canonical("the area of "+m.what+" "+id, area); err != nil {
				return err
			}
		}
		*m.areas = out
	}
	return nil
}

// Bot answers parents' questions in Discord: the /ask command, and
// messages that mention it or are sent to it directly.
type Bot struct {
	cfg        Config
	searcher   Searcher
	log        *slog.Logger
	inFlight   work
	limits     *limiter
	answers    *answerCache
	modRoles   map[string]bool
	reindexing reindexGuard
	arrivals   arrivals
	ctx        context.Context // ends when Run is told to stop
}

// New checks cfg and returns a Bot that answers from searcher.
func New(cfg Config, searcher Searcher) (*Bot, error) {
	if searcher == nil {
		return nil, errors.New("bot: no searcher")
	}
	if err := CheckToken(cfg.Token); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SearchTimeout <= 0 {
		cfg.SearchTimeout = 10 * time.Second
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	switch {
	case cfg.AckTimeout <= 0:
		cfg.AckTimeout = DefaultAckTimeout
	case cfg.AckTimeout > maxAckTimeout:
		return nil, fmt.Errorf("bot: AckTimeout is %v, but Discord forgets an interaction not answered within %v; use %v or less", cfg.AckTimeout, maxAckTimeout, maxAckTimeout)
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = index.DefaultMaxAge
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = library.DefaultMaxUploadBytes
	}
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if strings.TrimSpace(cfg.Version) == "" {
		cfg.Version = "unknown"
	}
	if cfg.Monitor == nil {
		cfg.Monitor = noMonitor{}
	}
	if err := cfg.checkAreas(searcher.Areas()); err != nil {
		return nil, err
	}
	return &Bot{cfg: cfg, searcher: searcher, log: cfg.Logger.With("component", "bot"), limits: newLimiter(cfg.RateLimit), answers: newAnswerCache(), modRoles: roleSet(cfg.ModRoles)}, nil
}

// Run connects to Discord, registers the commands and answers until ctx
// ends; then it waits for answers in flight and disconnects.
func (b *Bot) Run(ctx context.Context) error {
	if b.cfg.APIURL != "" {
		if err := discordapi.PointAt(b.cfg.APIURL); err != nil {
			return err
		}
	}
	routeDiscordgoLogs(b.log)
	s, err := discordgo.New("Bot " + b.cfg.Token)
	if err != nil {
		return fmt.Errorf("create Discord session: %w", err)
	}
	// No privileged intents: messages that mention the bot, and direct
	// messages, carry their text without the Message Content intent.
	// Guilds (not privileged either) keeps servers' roles and channels in
	// discordgo's state, so a moderator's mentions skip the rate limit.
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	s.ShouldReconnectOnError = true
	// A 429 is waited out (its retry_after) and the request sent again.
	s.ShouldRetryOnRateLimit = true

	// Searches outlive ctx by up to ShutdownTimeout: see the end of Run.
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	b.ctx = runCtx
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	s.AddHandler(func(*discordgo.Session, *discordgo.Ready) { b.cfg.Monitor.Gateway(true) })
	s.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { b.cfg.Monitor.Gateway(true) })
	s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { b.cfg.Monitor.Gateway(false) })

	if err := s.Open(); err != nil {
		return fmt.Errorf("connect to Discord: %w (if this says 4004 or 401, DISCORD_TOKEN is wrong: reset it in the developer portal)", err)
	}
	defer func() {
		// discordgo's heartbeat can see the socket Close shuts and start a
		// reconnect loop that outlives the session: stop it first.
		s.ShouldReconnectOnError = false
		s.Close()
	}()
	// A READY after a reconnect rewrites the state under its lock.
	s.State.RLock()
	appID, username := s.State.User.ID, s.State.User.Username
	if s.State.Application != nil && s.State.Application.ID != "" {
		appID = s.State.Application.ID
	}
	s.State.RUnlock()
	if _, err := s.ApplicationCommandBulkOverwrite(appID, b.cfg.GuildID, commands()); err != nil {
		return fmt.Errorf("register slash commands: %w", err)
	}
	scope := "globally (they can take up to an hour to appear)"
	if b.cfg.GuildID != "" {
		scope = "in server " + b.cfg.GuildID
	}
	b.log.Info("connected to Discord", "user", username, "commands", scope)

	<-ctx.Done()
	// New questions now get "I'm restarting, ask again"; those in flight
	// have ShutdownTimeout to finish. Past it their searches are cut
	// short, and each asker is told to ask again: nobody is left waiting.
	b.log.Info("stopping: finishing the answers in flight")
	done := b.inFlight.close()
	select {
	case <-done:
	case <-time.After(b.cfg.ShutdownTimeout):
		b.log.Warn("answers still in flight at the shutdown deadline: their askers are told to ask again")
		stop()
		select {
		case <-done:
		case <-time.After(restartNoticeTimeout):
			b.log.Warn("stopped before every asker was told")
		}
	}
	b.log.Info("disconnecting from Discord")
	return nil
}

// restartNoticeTimeout bounds how long a shutdown waits, past
// ShutdownTimeout, for the askers whose searches it cut short to be told.
const restartNoticeTimeout = 3 * time.Second

// refuseWhileStopping tells someone who used the bot as it shuts down to
// try again in a minute, so that nothing they sent goes unanswered.
func (b *Bot) refuseWhileStopping(s *discordgo.Session, i *discordgo.Interaction) {
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		b.suggest(s, i, nil) // suggestions: none while restarting
		return
	}
	b.replyNow(s, i, msgRestarting)
}

// onInteraction answers /ask: it acknowledges at once (Discord allows three
// seconds), searches, then edits the acknowledgement into the answer.
func (b *Bot) onInteraction(s *discordgo.Session, i *discordgo.InteractionCreate) {
	b.arrivals.arrive(i.ID, time.Now())
	defer b.arrivals.done(i.ID)
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.suggestAreas(s, i.Interaction)
		return
	case discordgo.InteractionMessageComponent:
		if !b.inFlight.begin() {
			b.refuseWhileStopping(s, i.Interaction)
			return
		}
		defer b.inFlight.end()
		defer b.survive(b.tellInteraction(s, i.Interaction))
		b.onComponent(s, i.Interaction)
		return
	default:
		return
	}
	if !b.inFlight.begin() {
		b.refuseWhileStopping(s, i.Interaction)
		return
	}
	defer b.inFlight.end()
	defer b.survive(b.tellInteraction(s, i.Interaction))
	data := i.ApplicationCommandData()
	switch data.Name {
	case cmdAsk:
	case cmdHelp:
		b.replyNow(s, i.Interaction, helpText(b.searcher.Areas()))
		return
	case cmdAbout:
		text := aboutText(b.cfg.Version, b.searcher.Info())
		if b.canModerate(i.Interaction) {
			text += "\n\n" + channelReport(s, i.GuildID)
		}
		b.replyNow(s, i.Interaction, answer.Shorten(text, maxContent))
		return
	case cmdReindex:
		b.onReindex(s, i.Interaction)
		return
	case cmdAdd:
		b.onAddDocument(s, i.Interaction)
		return
	case cmdRemove:
		b.onRemoveDocument(s, i.Interaction)
		return
	case cmdSources:
		b.listSources(s, i.Interaction, optionString(data, optArea))
		return
	case cmdGaps:
		b.showGaps(s, i.Interaction, data)
		return
	default:
		b.replyNow(s, i.Interaction, "I don't know that command. Try `/ask`, `/help`, `/about` or `/sources`; moderators also have `/reindex`, `/gaps`, `/add-document` and `/remove-document`.")
		return
	}
	var question, area string
	private := i.GuildID == "" // a direct message is private anyway
	for _, o := range data.Options {
		switch o.Name {
		case optQuestion:
			question = o.StringValue()
		case optArea:
			area = o.StringValue()
		case optPrivate:
			private = private || o.BoolValue()
		}
	}
	question = strings.TrimSpace(question)
	switch {
	case question == "":
		b.replyNow(s, i.Interaction, msgEmpty)
		return
	case utf8.RuneCountInString(question) > index.MaxQueryRunes:
		b.replyNow(s, i.Interaction, fmt.Sprintf(msgTooLong, index.MaxQueryRunes))
		return
	}
	if ok, wait := b.mayAsk(i.Interaction); !ok {
		b.replyNow(s, i.Interaction, slowDown(wait))
		return
	}
	ack := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if private {
		// The answer that replaces the acknowledgement keeps its flags:
		// only the asker sees either.
		ack.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	err := b.respond(s, i.Interaction, ack)
	if err != nil {
		b.logDiscordError("acknowledge /ask", err)
		if cannotPost(err) {
			// No acknowledgement, so no follow-up either: the answer
			// goes by direct message.
			r := b.answer(question, b.areaFor(area, i.GuildID, i.ChannelID), "slash")
			b.tellPrivately(s, nil, userID(i.Interaction), i.ChannelID, r)
		}
		return
	}
	r := b.answer(question, b.areaFor(area, i.GuildID, i.ChannelID), "slash")
	if r.failed && !private {
		// Errors are for the asker only: the public "thinking…" message
		// gives way to a private one.
		if err := s.InteractionResponseDelete(i.Interaction); err != nil {
			b.logDiscordError("remove /ask acknowledgement", err)
		}
		_, err = s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{
			Content: r.content, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
		})
		if err != nil {
			b.logDiscordError("send /ask error", err)
			if cannotPost(err) {
				b.tellPrivately(s, nil, userID(i.Interaction), i.ChannelID, r)
			}
		}
		return
	}
	_, err = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{
		Content:         &r.content,
		Embeds:          &r.embeds,
		Components:      &r.components,
		AllowedMentions: noMentions(),
	})
	if err == nil {
		return
	}
	b.logDiscordError("send /ask answer", err)
	if cannotPost(err) {
		// The parent gets the answer privately, and the "thinking…"
		// message nobody can fill in goes.
		if b.tellPrivately(s, i.Interaction, userID(i.Interaction), i.ChannelID, r) {
			if err := s.InteractionResponseDelete(i.Interaction); err != nil {
				b.logDiscordError("remove /ask acknowledgement", err)
			}
		}
		return
	}
	if discordCode(err) == codeInvalidFormBody {
		// Discord refused the answer as rendered: say so rather than
		// leave the parent looking at "thinking…".
		text, none, noRows := msgNotShown, []*discordgo.MessageEmbed{}, []discordgo.MessageComponent{}
		if _, err := s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{
			Content: &text, Embeds: &none, Components: &noRows, AllowedMentions: noMentions(),
		}); err != nil {
			b.logDiscordError("send /ask notice", err)
		}
	}
}

// onComponent answers a button click, routed by the prefix of the
// button's custom ID ("prefix:rest"). Custom IDs carry everything a click
// needs that is not personal data, so buttons go on working after a
// restart; one the bot no longer knows is answered as expired.
func (b *Bot) onComponent(s *discordgo.Session, i *discordgo.Interaction) {
	prefix, rest, _ := strings.Cut(i.MessageComponentData().CustomID, ":")
	switch prefix {
	case "more":
		b.onMore(s, i, rest)
	case "fb":
		b.onFeedback(s, i, rest)
	case sourcesPrefix:
		b.turnSourcesPage(s, i, rest)
	default:
		b.replyNow(s, i, msgExpired)
	}
}

// moderatorPermissions are the permissions that exempt someone from the
// rate limit.
const moderatorPermissions = discordgo.PermissionManageMessages | discordgo.PermissionManageGuild | discordgo.PermissionAdministrator

// isModerator reports whether a message's author moderates its server,
// from the roles discordgo's state holds; in a DM, or if the state does
// not know the server, nobody is.
func isModerator(s *discordgo.Session, m *discordgo.Message) bool {
	if m.GuildID == "" || s.State == nil {
		return false
	}
	perms, err := s.State.MessagePermissions(m)
	return err == nil && perms&moderatorPermissions != 0
}

func roleSet(ids []string) map[string]bool {
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// mayAsk applies the rate limit to an interaction's asker; moderators
// are exempt.
func (b *Bot) mayAsk(i *discordgo.Interaction) (bool, time.Duration) {
	if i.Member != nil && i.Member.Permissions&moderatorPermissions != 0 {
		return true, 0
	}
	return b.limits.allow(userID(i), b.cfg.Now())
}

// suggestAreas answers the autocomplete of the area option, of /ask and
// /sources alike, with the areas matching what has been typed.
func (b *Bot) suggestAreas(s *discordgo.Session, i *discordgo.Interaction) {
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, o := range i.ApplicationCommandData().Options {
		switch {
		case o.Focused && o.Name == optArea:
			choices = areaChoices(b.searcher.Areas(), o.StringValue())
		case o.Focused && o.Name == optDocument && b.canModerate(i):
			choices = b.uploadedChoices(o.StringValue())
		}
	}
	b.suggest(s, i, choices)
}

// autocompleteResult is the body of an autocomplete answer (callback type
// 8) as Discord documents it: "choices" is required, so it is sent even
// when empty. discordgo's InteractionResponseData drops an empty list
// (omitempty), which is why the bot sends this one itself.
type autocompleteResult struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	} `json:"data"`
}

// suggest answers an autocomplete interaction with choices, [] for none,
// sent through respond like every first response.
func (b *Bot) suggest(s *discordgo.Session, i *discordgo.Interaction, choices []*discordgo.ApplicationCommandOptionChoice) {
	r := autocompleteResult{Type: discordgo.InteractionApplicationCommandAutocompleteResult}
	r.Data.Choices = choices
	if r.Data.Choices == nil {
		r.Data.Choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	if err := b.respond(s, i, r); err != nil {
		b.logDiscordError("suggest choices", err)
	}
}

// replyNow answers an interaction immediately, visible only to the asker.
func (b *Bot) replyNow(s *discordgo.Session, i *discordgo.Interaction, content string) {
	err := b.respond(s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         content,
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions(),
		},
	})
	if err != nil {
		b.logDiscordError("reply to interaction", err)
		if cannotPost(err) {
			b.tellPrivately(s, nil, userID(i), i.ChannelID, reply{content: content})
		}
	}
}

// selfID is the bot's user ID, read under the state's lock: a READY after
// a reconnect may be rewriting it.
func selfID(s *discordgo.Session) string {
	if s.State == nil {
		return ""
	}
	s.State.RLock()
	defer s.State.RUnlock()
	if s.State.User == nil {
		return ""
	}
	return s.State.User.ID
}

// onMessage answers a message that mentions the bot, or any direct message.
func (b *Bot) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	me := selfID(s)
	if m.Author == nil || m.Author.Bot || me == "" {
		return
	}
	direct := m.GuildID == ""
	if !direct && !mentions(m.Message, me) {
		return
	}
	question := stripMentions(m.Content, me)
	send := &discordgo.MessageSend{
		Reference:       m.Reference(),
		AllowedMentions: noMentions(),
	}
	// tell replies with text alone: "restarting", or "something went wrong".
	tell := func(text string) {
		send.Content, send.Embeds, send.Components = text, nil, nil
		if _, err := s.ChannelMessageSendComplex(m.ChannelID, send); err != nil {
			b.logDiscordError("send notice to mention", err)
			if cannotPost(err) {
				b.tellPrivately(s, nil, m.Author.ID, m.ChannelID, reply{content: text})
			}
		}
	}
	if !b.inFlight.begin() {
		tell(msgRestarting)
		return
	}
	defer b.inFlight.end()
	defer b.survive(tell)
	switch {
	case question == "":
		send.Content = msgMentionQ
	case utf8.RuneCountInString(question) > index.MaxQueryRunes:
		send.Content = fmt.Sprintf(msgTooLong, index.MaxQueryRunes)
	default:
		if ok, wait := b.limits.allow(m.Author.ID, b.cfg.Now()); !ok && !isModerator(s, m.Message) {
			if !b.limits.shouldWarn(m.Author.ID, b.cfg.Now()) {
				return
			}
			send.Content = slowDown(wait)
			break
		}
		if err := s.ChannelTyping(m.ChannelID); err != nil {
			b.log.Debug("typing indicator", "err", err)
		}
		r := b.answer(question, b.areaFor("", m.GuildID, m.ChannelID), "mention")
		send.Content, send.Embeds, send.Components = r.content, r.embeds, r.components
	}
	_, err := s.ChannelMessageSendComplex(m.ChannelID, send)
	if err == nil {
		return
	}
	b.logDiscordError("send answer to mention", err)
	switch {
	case cannotPost(err):
		b.tellPrivately(s, nil, m.Author.ID, m.ChannelID, reply{content: send.Content, embeds: send.Embeds, components: send.Components})
	case discordCode(err) == codeInvalidFormBody:
		tell(msgNotShown)
	}
}

// areaFor is the area a question is asked in: the one the parent chose,
// else the channel's, else the server's, else the default. A direct
// message (no server) uses the default only.
func (b *Bot) areaFor(chosen, guildID, channelID string) string {
	if chosen = strings.TrimSpace(chosen); chosen != "" {
		return chosen
	}
	if guildID != "" {
		if a := b.cfg.ChannelAreas[channelID]; a != "" {
			return a
		}
		if a := b.cfg.ServerAreas[guildID]; a != "" {
			return a
		}
	}
	return b.cfg.DefaultArea
}

// reply is what the bot sends for a question.
type reply struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	// failed is set when the question could not be searched: such replies
	// are shown to the asker only.
	failed bool
}

// answer searches and renders the first page of the reply, keeping the
// passages for More results. It logs counts and timings, and the question
// only when LogQuestions is set.
func (b *Bot) answer(question, area, via string) reply {
	start := time.Now()
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.SearchTimeout)
	defer cancel()
	now := b.cfg.Now()
	if b.cfg.LogQuestions {
		b.log.Info("question", "via", via, "area", area, "text", question)
	}
	res, err := b.searcher.Search(ctx, index.Query{Text: question, Area: area, K: maxPassages})
	if err != nil {
		switch {
		case b.ctx.Err() != nil:
			// The shutdown deadline passed before the search ended.
			b.log.Info("question not searched", "via", via, "reason", "shutting down")
			b.cfg.Monitor.Question(false, true, time.Since(start))
			return reply{content: msgRestarting, failed: true}
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
			err = errTimeout
		}
		if reason := reasonOf(err); reason != "" {
			b.log.Info("question not searched", "via", via, "reason", reason)
		} else {
			b.log.Error("search failed", "via", via, "err", err)
		}
		b.cfg.Monitor.Question(false, true, time.Since(start))
		return reply{content: errorReply(err, b.searcher.Areas()), failed: true}
	}
	b.log.Info("answered", "via", via, "area", area, "answered", res.Answered, "confidence", res.Confidence, "uncovered", res.Uncovered,
		"hits", len(res.Hits), "took_ms", res.Took.Milliseconds())
	gap := b.questionGap(question)
	if !res.Answered {
		b.recordGap(gaps.Declined, gap, now)
	}
	a := &shownAnswer{id: newAnswerID(), res: res, d: dating{now: now, maxAge: b.cfg.MaxAge}, created: now, gap: gap}
	if res.Answered && len(res.Hits) > 0 {
		b.answers.put(a)
	}
	var r reply
	r.content, r.embeds, r.components = a.render(0, b.searcher.Areas())
	b.cfg.Monitor.Question(res.Answered, false, time.Since(start))
	return r
}

// reasonOf names the ways a question can be refused without anything
// going wrong, or returns "" for a real failure.
func reasonOf(err error) string {
	switch {
	case errors.Is(err, index.ErrNoWords):
		return "no words"
	case errors.Is(err, index.ErrTooLong):
		return "too long"
	case errors.Is(err, index.ErrUnknownArea):
		return "unknown area"
	}
	return ""
}

func mentions(m *discordgo.Message, userID string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == userID {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+userID+">") || strings.Contains(m.Content, "<@!"+userID+">")
}

func stripMentions(content, userID string) string {
	content = strings.NewReplacer("<@"+userID+">", " ", "<@!"+userID+">", " ").Replace(content)
	return strings.TrimSpace(content)
}

// routeDiscordgoLogs sends discordgo's own log lines to the logger instead
// of the standard library's.
func routeDiscordgoLogs(log *slog.Logger) {
	l := log.With("component", "discordgo")
	discordgo.Logger = func(level, caller int, format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		switch level {
		case discordgo.LogError:
			l.Error(msg)
		case discordgo.LogWarning:
			l.Warn(msg)
		case discordgo.LogInformational:
			l.Info(msg)
		default:
			l.Debug(msg)
		}
	}
}
