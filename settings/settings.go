package settings

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/store/postgres"
)

// Settings are sendbot's settings, each as written in the environment
// with the spaces around it trimmed; "" is a setting left unset. The
// ones used as written are fields. The others are read by the method
// named after the setting, which returns its default when it is unset.
type Settings struct {
	// Where the library is (library.Config says what empty means). A
	// command's --corpus and --index flags override Corpus and Index.
	Corpus   string // SENDBOT_CORPUS
	Index    string // SENDBOT_INDEX
	DataDir  string // SENDBOT_DATA
	FetchDir string // SENDBOT_FETCH_DIR
	// BuiltinEngland is SENDBOT_BUILTIN_ENGLAND: "off" leaves the
	// built-in documents about England out of an index of a corpus
	// folder; read by Library.
	BuiltinEngland string

	Token   string // DISCORD_TOKEN
	GuildID string // DISCORD_GUILD_ID
	APIURL  string // DISCORD_API_URL

	// HTTPAddr is SENDBOT_HTTP_ADDR: where serve answers /healthz and
	// /metrics, as host:port; empty turns them off.
	HTTPAddr string
	// InteractionsAddr is SENDBOT_INTERACTIONS_ADDR: where serve takes
	// Discord's interactions over HTTP, as host:port (or :port); empty
	// takes them over the gateway. Checked by Interactions.
	InteractionsAddr string
	// Area is SENDBOT_AREA: the area questions are asked in when nothing
	// more specific is set, the default of ask's and search's --area and
	// the bot's; empty means all areas.
	Area string
	// Role is SENDBOT_ROLE, which serve's --role overrides: what this
	// serve does with the index. Checked by ServeRole.
	Role string

	publicKey    string // DISCORD_PUBLIC_KEY, read by PublicKey
	shardID      string // SENDBOT_SHARD_ID, read by Shard
	shardCount   string // SENDBOT_SHARD_COUNT, read by Shard
	fetchAllow   string // SENDBOT_FETCH_ALLOW, read by FetchAllow
	serverAreas  string // SENDBOT_SERVER_AREAS, read by ServerAreas
	channelAreas string // SENDBOT_CHANNEL_AREAS, read by ChannelAreas
	staleAfter   string // SENDBOT_STALE_AFTER, read by StaleAfter
	gapsKeep     string // SENDBOT_GAPS_KEEP, read by GapsKeep
	databaseURL  string // DATABASE_URL, read by DatabaseURL
	maxUpload    string // SENDBOT_MAX_UPLOAD, read by MaxUpload
	modRoles     string // SENDBOT_MOD_ROLES, read by ModRoles
	rateLimit    string // SENDBOT_RATE_LIMIT, read by RateLimit
	reindexEvery string // SENDBOT_REINDEX_EVERY, read by ReindexEvery
	logQuestions string // LOG_QUESTIONS, read by LogQuestions
	logLevel     string // LOG_LEVEL, read by Logger
	logFormat    string // LOG_FORMAT, read by Logger
}

// Read takes every setting from getenv, such as os.Getenv. It never
// fails: a value is read, and its mistake told, when a command uses it.
func Read(getenv func(string) string) Settings {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	return Settings{
		Corpus:         get("SENDBOT_CORPUS"),
		Index:          get("SENDBOT_INDEX"),
		DataDir:        get("SENDBOT_DATA"),
		FetchDir:       get("SENDBOT_FETCH_DIR"),
		BuiltinEngland: get("SENDBOT_BUILTIN_ENGLAND"),
		Token:          get("DISCORD_TOKEN"),
		GuildID:        get("DISCORD_GUILD_ID"),
		APIURL:         get("DISCORD_API_URL"),
		HTTPAddr:       get("SENDBOT_HTTP_ADDR"),
		Area:           get("SENDBOT_AREA"),
		Role:           get("SENDBOT_ROLE"),

		InteractionsAddr: get("SENDBOT_INTERACTIONS_ADDR"),
		publicKey:        get("DISCORD_PUBLIC_KEY"),
		shardID:          get("SENDBOT_SHARD_ID"),
		shardCount:       get("SENDBOT_SHARD_COUNT"),

		fetchAllow:   get("SENDBOT_FETCH_ALLOW"),
		serverAreas:  get("SENDBOT_SERVER_AREAS"),
		channelAreas: get("SENDBOT_CHANNEL_AREAS"),
		staleAfter:   get("SENDBOT_STALE_AFTER"),
		gapsKeep:     get("SENDBOT_GAPS_KEEP"),
		databaseURL:  get("DATABASE_URL"),
		maxUpload:    get("SENDBOT_MAX_UPLOAD"),
		modRoles:     get("SENDBOT_MOD_ROLES"),
		rateLimit:    get("SENDBOT_RATE_LIMIT"),
		reindexEvery: get("SENDBOT_REINDEX_EVERY"),
		logQuestions: get("LOG_QUESTIONS"),
		logLevel:     get("LOG_LEVEL"),
		logFormat:    get("LOG_FORMAT"),
	}
}

// PublicKey reads DISCORD_PUBLIC_KEY: the application's public key, 64
// hex digits as the Developer Portal shows it under General Information,
// that interactions over HTTP are signed with; unset, nil.
func (s Settings) PublicKey() (ed25519.PublicKey, error) {
	if s.publicKey == "" {
		return nil, nil
	}
	const where = "copy the Public Key from the Developer Portal: your application → General Information"
	key, err := hex.DecodeString(s.publicKey)
	if err != nil {
		return nil, fmt.Errorf("DISCORD_PUBLIC_KEY: %q is not hexadecimal (digits and a–f only); %s", s.publicKey, where)
	}
	if len(key) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("DISCORD_PUBLIC_KEY is %d hex digits long, but a public key has %d; %s (not the token or the client secret)", len(s.publicKey), 2*ed25519.PublicKeySize, where)
	}
	return key, nil
}

// Interactions checks SENDBOT_INTERACTIONS_ADDR, which needs a port and
// DISCORD_PUBLIC_KEY, and returns the key; unset, nil.
func (s Settings) Interactions() (ed25519.PublicKey, error) {
	key, err := s.PublicKey()
	if err != nil || s.InteractionsAddr == "" {
		return key, err
	}
	if _, port, err := net.SplitHostPort(s.InteractionsAddr); err != nil || port == "" {
		return nil, fmt.Errorf("SENDBOT_INTERACTIONS_ADDR %q: use host:port or :port, such as :8090, where Discord's interactions arrive (behind your HTTPS proxy)", s.InteractionsAddr)
	}
	if key == nil {
		return nil, errors.New("SENDBOT_INTERACTIONS_ADDR is set but DISCORD_PUBLIC_KEY is not: set it to the Public Key from the Developer Portal (your application → General Information), which every interaction is signed with")
	}
	return key, nil
}

// Shard reads SENDBOT_SHARD_ID and SENDBOT_SHARD_COUNT, set both or
// neither: this process connects to the gateway as shard id of count,
// 0 <= id < count; unset, 0 and 0 (one shard for everything).
func (s Settings) Shard() (id, count int, err error) {
	if s.shardID == "" && s.shardCount == "" {
		return 0, 0, nil
	}
	const how = "set SENDBOT_SHARD_COUNT to how many processes share the gateway and SENDBOT_SHARD_ID to this one's number, from 0 to the count less one (or neither)"
	if s.shardID == "" || s.shardCount == "" {
		return 0, 0, fmt.Errorf("SENDBOT_SHARD_ID and SENDBOT_SHARD_COUNT go together, but only one is set; %s", how)
	}
	count, err = strconv.Atoi(s.shardCount)
	if err != nil || count < 1 {
		return 0, 0, fmt.Errorf("SENDBOT_SHARD_COUNT %q: not a whole number of 1 or more; %s", s.shardCount, how)
	}
	id, err = strconv.Atoi(s.shardID)
	if err != nil || id < 0 || id >= count {
		return 0, 0, fmt.Errorf("SENDBOT_SHARD_ID %q: with SENDBOT_SHARD_COUNT=%d it must be a whole number from 0 to %d", s.shardID, count, count-1)
	}
	return id, count, nil
}

// StaleAfter reads SENDBOT_STALE_AFTER: how old a passage may be before
// answers mark it as possibly out of date, written "2y", "18m" or "90d";
// unset, index.DefaultMaxAge.
func (s Settings) StaleAfter() (time.Duration, error) {
	if s.staleAfter == "" {
		return index.DefaultMaxAge, nil
	}
	d, err := index.ParseAge(s.staleAfter)
	if err != nil {
		return 0, fmt.Errorf("SENDBOT_STALE_AFTER: %w", err)
	}
	return d, nil
}

// MaxUpload reads SENDBOT_MAX_UPLOAD: the largest file /add-document
// accepts, in bytes or written as "10MB" or "512KB" (MB meaning 1,048,576
// bytes), up to corpus.MaxFileBytes (the largest file sendbot reads);
// unset, library.DefaultMaxUploadBytes.
func (s Settings) MaxUpload() (int64, error) {
	if s.maxUpload == "" {
		return library.DefaultMaxUploadBytes, nil
	}
	v := strings.ToLower(strings.ReplaceAll(s.maxUpload, " ", ""))
	unit := int64(1)
	for _, u := range []struct {
		suffix string
		bytes  int64
	}{{"mib", 1 << 20}, {"mb", 1 << 20}, {"m", 1 << 20}, {"kib", 1 << 10}, {"kb", 1 << 10}, {"k", 1 << 10}, {"b", 1}} {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
			v, unit = n, u.bytes
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > corpus.MaxFileBytes/unit {
		return 0, fmt.Errorf("SENDBOT_MAX_UPLOAD %q: write the largest file /add-document accepts, such as 10MB, 512KB or a number of bytes, at most %dMB", s.maxUpload, corpus.MaxFileBytes>>20)
	}
	return n * unit, nil
}

// FetchAllow reads SENDBOT_FETCH_ALLOW: the private or loopback address
// ranges remote sources may be fetched from although they are not
// public, comma-separated in CIDR form, such as a council intranet mirror
// (10.20.0.0/16) or a test site on this computer (127.0.0.0/8); unset,
// none.
func (s Settings) FetchAllow() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s.fetchAllow, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			hint := "write address ranges in CIDR form, comma-separated, such as 10.20.0.0/16 or 127.0.0.0/8"
			if ip, err := netip.ParseAddr(f); err == nil {
				hint = fmt.Sprintf("write %s/%d for that one address", ip.WithZone(""), ip.BitLen())
			}
			return nil, fmt.Errorf("SENDBOT_FETCH_ALLOW: %q is not an address range; %s", f, hint)
		}
		out = append(out, p)
	}
	return out, nil
}

// DefaultGapsKeep is how long the words /gaps shows are kept when
// SENDBOT_GAPS_KEEP is unset.
const DefaultGapsKeep = 30 * 24 * time.Hour

// GapsKeep reads SENDBOT_GAPS_KEEP: how long the words of declined and
// not-helpful questions are kept for /gaps, written "30d", "3m" or "1y";
// 0 (or "off") keeps nothing and turns gap recording off. Unset,
// DefaultGapsKeep.
func (s Settings) GapsKeep() (time.Duration, error) {
	switch strings.ToLower(s.gapsKeep) {
	case "":
		return DefaultGapsKeep, nil
	case "0", "0d", "off", "false", "no":
		return 0, nil
	}
	d, err := index.ParseAge(s.gapsKeep)
	if err != nil {
		return 0, fmt.Errorf("SENDBOT_GAPS_KEEP: %w, or 0 to keep nothing", err)
	}
	return d, nil
}

// DatabaseURL reads DATABASE_URL: the PostgreSQL database that replicas
// of one bot share their state in (votes, gaps, the audit log, answers'
// pages), a postgres:// URL; empty keeps it all in files under
// SENDBOT_DATA (and the pages in memory). Its mistakes never show the
// password.
func (s Settings) DatabaseURL() (string, error) {
	if s.databaseURL == "" {
		return "", nil
	}
	if err := postgres.CheckURL(s.databaseURL); err != nil {
		return "", fmt.Errorf("DATABASE_URL %s: %w", postgres.Redact(s.databaseURL), err)
	}
	return s.databaseURL, nil
}

// ServerAreas reads SENDBOT_SERVER_AREAS: the area of each Discord
// server, by server ID, written as comma-separated "id=Area Name" pairs;
// unset, none.
func (s Settings) ServerAreas() (map[string]string, error) {
	return areaMap("SENDBOT_SERVER_AREAS", s.serverAreas)
}

// ChannelAreas reads SENDBOT_CHANNEL_AREAS: the area of each channel, by
// channel ID, written as ServerAreas are; unset, none.
func (s Settings) ChannelAreas() (map[string]string, error) {
	return areaMap("SENDBOT_CHANNEL_AREAS", s.channelAreas)
}

// areaMap reads a setting of comma-separated "id=Area Name" pairs, such
// as SENDBOT_CHANNEL_AREAS=123456789012345678=Herefordshire, into ID ->
// area. An ID is a Discord server or channel ID: digits only.
func areaMap(setting, value string) (map[string]string, error) {
	const format = "write comma-separated id=Area Name pairs, e.g. 123456789012345678=Herefordshire,234567890123456789=North Lincolnshire " +
		"(Discord: Settings -> Advanced -> Developer Mode, then right-click a server or channel -> Copy ID)"
	out := map[string]string{}
	for _, pair := range strings.Split(value, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, area, ok := strings.Cut(pair, "=")
		id, area = strings.TrimSpace(id), strings.TrimSpace(area)
		switch {
		case !ok || id == "" || area == "":
			return nil, fmt.Errorf("%s: %q is not an id=Area Name pair; %s", setting, pair, format)
		case strings.Trim(id, "0123456789") != "":
			return nil, fmt.Errorf("%s: %q: %q is not a Discord ID (IDs are digits only); %s", setting, pair, id, format)
		case out[id] != "":
			return nil, fmt.Errorf("%s: ID %s is given twice (%s and %s)", setting, id, out[id], area)
		}
		out[id] = area
	}
	return out, nil
}

// ModRoles reads SENDBOT_MOD_ROLES: the IDs of the Discord roles whose
// members may use the moderators' commands, comma-separated; unset, none.
func (s Settings) ModRoles() ([]string, error) {
	var out []string
	for _, f := range strings.Split(s.modRoles, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Trim(f, "0123456789") != "" || len(f) < 15 {
			return nil, fmt.Errorf("SENDBOT_MOD_ROLES: %q is not a role ID; write the IDs of the moderator roles, comma-separated (Discord: Server Settings → Roles, right-click a role → Copy Role ID)", f)
		}
		out = append(out, f)
	}
	return out, nil
}

// RateLimit reads SENDBOT_RATE_LIMIT: how many questions one person may
// ask a minute, from 1 to 1000; unset, bot.DefaultRateLimit.
func (s Settings) RateLimit() (int, error) {
	if s.rateLimit == "" {
		return bot.DefaultRateLimit, nil
	}
	n, err := strconv.Atoi(s.rateLimit)
	if err != nil || n < 1 || n > 1000 {
		return 0, fmt.Errorf("SENDBOT_RATE_LIMIT %q: write how many questions one person may ask a minute, a whole number from 1 to 1000 (default %d)", s.rateLimit, bot.DefaultRateLimit)
	}
	return n, nil
}

// Role is what a serve process does with the index.
type Role string

const (
	// RoleAll builds the index, keeps it current and answers from it:
	// one process on its own.
	RoleAll Role = "all"
	// RoleBuilder does all RoleAll does, and publishes each index it
	// builds in a shared folder for replicas.
	RoleBuilder Role = "builder"
	// RoleReplica only reads the index a builder publishes in the shared
	// folder, switching to each new one; it never builds or fetches.
	RoleReplica Role = "replica"
)

// ServeRole reads SENDBOT_ROLE (or serve's --role): all, builder or
// replica; unset, all.
func (s Settings) ServeRole() (Role, error) {
	switch r := Role(strings.ToLower(s.Role)); r {
	case "":
		return RoleAll, nil
	case RoleAll, RoleBuilder, RoleReplica:
		return r, nil
	}
	return "", fmt.Errorf("SENDBOT_ROLE %q: use all (the default: build the index and answer), builder (build the index in the shared SENDBOT_INDEX folder for replicas, and answer) or replica (only answer, from the index the builder publishes there)", s.Role)
}

// minReindexEvery is the shortest schedule SENDBOT_REINDEX_EVERY allows:
// remote sources are fetched politely, not hammered.
const minReindexEvery = 10 * time.Minute

// ReindexEvery reads SENDBOT_REINDEX_EVERY: how often serve reindexes on
// its own, such as 24h, at least every 10 minutes; unset or "0", 0 for
// never.
func (s Settings) ReindexEvery() (time.Duration, error) {
	if s.reindexEvery == "" || s.reindexEvery == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s.reindexEvery)
	if err != nil || d < minReindexEvery {
		return 0, fmt.Errorf("SENDBOT_REINDEX_EVERY %q: write how often to reindex, at least every %s, such as 24h or 6h30m (or leave it empty for never)", s.reindexEvery, minReindexEvery)
	}
	return d, nil
}

// LogQuestions reads LOG_QUESTIONS: true logs the text of each question,
// which is personal data; unset, false.
func (s Settings) LogQuestions() (bool, error) {
	switch strings.ToLower(s.logQuestions) {
	case "", "false", "no", "0":
		return false, nil
	case "true", "yes", "1":
		return true, nil
	}
	return false, fmt.Errorf("LOG_QUESTIONS %q: use true to log parents' questions (personal data) or false (the default)", s.logQuestions)
}

// Logger returns the logger LOG_LEVEL (debug, info, warn or error;
// unset, info) and LOG_FORMAT (text or json; unset, text) ask for,
// writing to w.
func (s Settings) Logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	switch strings.ToLower(s.logLevel) {
	case "", "info":
		level = slog.LevelInfo
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return nil, fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", s.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(s.logFormat) {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("LOG_FORMAT %q: use text or json", s.logFormat)
}

// Library is where the library of documents is kept, logging to log;
// a builder (SENDBOT_ROLE) keeps the index it replaces ReplacedGrace.
// The commands that fetch add FetchAllow, and serve MaxUploadBytes; the
// caller adds sendbot's Version.
func (s Settings) Library(log *slog.Logger) (library.Config, error) {
	lc := library.Config{Corpus: s.Corpus, Index: s.Index, DataDir: s.DataDir, FetchDir: s.FetchDir, Logger: log}
	if role, err := s.ServeRole(); err == nil && role == RoleBuilder {
		// Replicas may read the index it replaces from another machine.
		lc.KeepReplaced = library.ReplacedGrace
	}
	switch strings.ToLower(s.BuiltinEngland) {
	case "", "on", "true", "yes", "1":
	case "off", "false", "no", "0":
		lc.NoBuiltinEngland = true
	default:
		return lc, fmt.Errorf("SENDBOT_BUILTIN_ENGLAND %q: use off to leave the built-in documents about England out of your corpus's index, or on (the default)", s.BuiltinEngland)
	}
	return lc, nil
}

// Bot reads the settings of the bot serve runs, all but the ones serve
// wires itself (Logger, Version, and the stores and monitor it opens).
// Interactions (SENDBOT_INTERACTIONS_ADDR) is checked, with its key, but
// left for serve to listen on. It also checks SENDBOT_REINDEX_EVERY,
// SENDBOT_ROLE and SENDBOT_FETCH_ALLOW, which serve's reindexes read,
// SENDBOT_GAPS_KEEP and DATABASE_URL, which its stores read, so that a
// mistake in any of them is told before serve builds the index or
// connects; it stops at the first.
func (s Settings) Bot() (bot.Config, error) {
	for _, check := range s.botChecks() {
		if err := check(); err != nil {
			return bot.Config{}, err
		}
	}
	// Checked above: the errors here are nil.
	bc := bot.Config{Token: s.Token, GuildID: s.GuildID, APIURL: s.APIURL, DefaultArea: s.Area}
	bc.MaxAge, _ = s.StaleAfter()
	bc.ServerAreas, _ = s.ServerAreas()
	bc.ChannelAreas, _ = s.ChannelAreas()
	bc.LogQuestions, _ = s.LogQuestions()
	bc.RateLimit, _ = s.RateLimit()
	bc.ModRoles, _ = s.ModRoles()
	role, _ := s.ServeRole()
	bc.Replica = role == RoleReplica
	bc.MaxUploadBytes, _ = s.MaxUpload()
	bc.PublicKey, _ = s.Interactions()
	bc.ShardID, bc.ShardCount, _ = s.Shard()
	return bc, nil
}

// botChecks are the checks of the settings Bot reads or checks, in the
// order it makes them.
func (s Settings) botChecks() []func() error {
	return []func() error{
		func() error { _, err := s.StaleAfter(); return err },
		func() error { _, err := s.ServerAreas(); return err },
		func() error { _, err := s.ChannelAreas(); return err },
		func() error { _, err := s.LogQuestions(); return err },
		func() error { _, err := s.RateLimit(); return err },
		func() error { _, err := s.ModRoles(); return err },
		func() error { _, err := s.ReindexEvery(); return err },
		func() error { _, err := s.ServeRole(); return err },
		func() error { _, err := s.FetchAllow(); return err },
		func() error { _, err := s.GapsKeep(); return err },
		func() error { _, err := s.DatabaseURL(); return err },
		func() error { _, err := s.MaxUpload(); return err },
		func() error { _, err := s.Interactions(); return err },
		func() error { _, _, err := s.Shard(); return err },
	}
}

// Problems are all the mistakes in the settings serve reads before it
// connects, for sendbot doctor to list at once where serve stops at the
// first: those Bot checks, in its order, then the library's, the
// logger's and SENDBOT_HTTP_ADDR's.
func (s Settings) Problems() []error {
	checks := append(s.botChecks(),
		func() error { _, err := s.Library(nil); return err },
		func() error { _, err := s.Logger(io.Discard); return err },
		func() error {
			if a := s.HTTPAddr; a != "" {
				if _, port, err := net.SplitHostPort(a); err != nil || port == "" {
					return fmt.Errorf("SENDBOT_HTTP_ADDR %q: use host:port, such as 127.0.0.1:8089", a)
				}
			}
			return nil
		},
	)
	var errs []error
	for _, check := range checks {
		if err := check(); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// AreaError names the setting of an area the index has no documents for,
// when err is a *bot.AreaError, and lists the areas it has; any other
// error it returns as it is.
func AreaError(err error) error {
	var ae *bot.AreaError
	if !errors.As(err, &ae) {
		return err
	}
	setting := "SENDBOT_AREA"
	switch ae.Where {
	case "server":
		setting = "SENDBOT_SERVER_AREAS (" + ae.ID + ")"
	case "channel":
		setting = "SENDBOT_CHANNEL_AREAS (" + ae.ID + ")"
	}
	return fmt.Errorf("%s: there are no documents for the area %q; the areas are %s", setting, ae.Area, strings.Join(ae.Known, ", "))
}
