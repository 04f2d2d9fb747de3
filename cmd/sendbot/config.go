package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/gaps"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/library"
)

// loadEnv returns a getenv that reads the process environment first and
// then the .env file at path, if there is one. A .env file never
// overrides a variable that is already set.
func loadEnv(path string, lookup func(string) (string, bool)) (func(string) string, error) {
	vars, err := godotenv.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		vars, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w (each line should look like NAME=value)", path, err)
	}
	return func(key string) string {
		if v, ok := lookup(key); ok {
			return v
		}
		return vars[key]
	}, nil
}

// envFileWarning says what to do when the .env file at path holds a
// Discord token that other users of the computer can read, or "".
// Windows keeps no such permission bits.
func envFileWarning(path string) string {
	if runtime.GOOS == "windows" {
		return ""
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm()&0o077 == 0 {
		return ""
	}
	vars, err := godotenv.Read(path)
	if err != nil || strings.TrimSpace(vars["DISCORD_TOKEN"]) == "" {
		return ""
	}
	return fmt.Sprintf("warning: %s holds your Discord token and other users of this computer can read it (permissions %s). Fix it with: chmod 600 %s",
		path, st.Mode().Perm(), path)
}

// config is every setting, from the environment, overridden by flags.
type config struct {
	// Where the library is (library.Config says what empty means):
	Corpus   string // SENDBOT_CORPUS, or --corpus
	Index    string // SENDBOT_INDEX, or --index
	DataDir  string // SENDBOT_DATA
	FetchDir string // SENDBOT_FETCH_DIR
	// FetchAllow is SENDBOT_FETCH_ALLOW as written: comma-separated
	// address ranges (CIDR) that fetch may connect to although they are
	// not public, read by fetchAllow; empty means none.
	FetchAllow string

	Token   string // DISCORD_TOKEN
	GuildID string // DISCORD_GUILD_ID
	APIURL  string // DISCORD_API_URL

	// HTTPAddr is SENDBOT_HTTP_ADDR: where serve answers /healthz and
	// /metrics; empty turns them off.
	HTTPAddr string

	LogLevel  string // LOG_LEVEL: debug, info (default), warn, error
	LogFormat string // LOG_FORMAT: text (default) or json
	// LogQuestions is LOG_QUESTIONS: "true" logs each question's text
	// (personal data, so off by default); "" or "false" does not.
	LogQuestions string
	// ModRoles is SENDBOT_MOD_ROLES: comma-separated Discord role IDs
	// whose members may use the moderators' commands.
	ModRoles string
	// ReindexEvery is SENDBOT_REINDEX_EVERY: how often serve reindexes
	// on its own, e.g. 24h; empty means never.
	ReindexEvery string
	// RateLimit is SENDBOT_RATE_LIMIT: questions one person may ask a
	// minute; empty means bot.DefaultRateLimit.
	RateLimit string

	// Area is the area questions are asked in when nothing more specific
	// is set (SENDBOT_AREA): the default for ask and search's --area, and
	// for the bot; empty means all areas.
	Area string
	// ServerAreas and ChannelAreas give the bot an area per Discord server
	// and per channel (SENDBOT_SERVER_AREAS, SENDBOT_CHANNEL_AREAS), as
	// written: comma-separated id=Area Name pairs, read by areaMap.
	ServerAreas  string
	ChannelAreas string
	// StaleAfter is how old a passage may be before answers mark it as
	// possibly out of date (SENDBOT_STALE_AFTER), as written: "2y", "18m"
	// or "90d", read by maxAge; empty means index.DefaultMaxAge.
	StaleAfter string
	// MaxUpload is the largest file /add-document accepts
	// (SENDBOT_MAX_UPLOAD), as written: bytes, or e.g. "10MB" or "512KB"
	// (MB meaning 1,048,576 bytes), read by maxUpload; empty means
	// library.DefaultMaxUploadBytes (10 MB).
	MaxUpload string
	// GapsKeep is how long the words of declined and not-helpful
	// questions are kept for /gaps (SENDBOT_GAPS_KEEP), as written: "30d",
	// "3m", "1y", or "0" for not at all; read by gapsKeep; empty means
	// defaultGapsKeep.
	GapsKeep string
}

func configFromEnv(getenv func(string) string) config {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	return config{
		Corpus:    get("SENDBOT_CORPUS"),
		Index:     get("SENDBOT_INDEX"),
		DataDir:   get("SENDBOT_DATA"),
		FetchDir:  get("SENDBOT_FETCH_DIR"),
		Token:     get("DISCORD_TOKEN"),
		GuildID:   get("DISCORD_GUILD_ID"),
		APIURL:    get("DISCORD_API_URL"),
		LogLevel:  get("LOG_LEVEL"),
		LogFormat: get("LOG_FORMAT"),
		HTTPAddr:  get("SENDBOT_HTTP_ADDR"),

		LogQuestions: get("LOG_QUESTIONS"),
		RateLimit:    get("SENDBOT_RATE_LIMIT"),
		ModRoles:     get("SENDBOT_MOD_ROLES"),
		ReindexEvery: get("SENDBOT_REINDEX_EVERY"),

		Area:         get("SENDBOT_AREA"),
		ServerAreas:  get("SENDBOT_SERVER_AREAS"),
		ChannelAreas: get("SENDBOT_CHANNEL_AREAS"),
		StaleAfter:   get("SENDBOT_STALE_AFTER"),
		GapsKeep:     get("SENDBOT_GAPS_KEEP"),
		MaxUpload:    get("SENDBOT_MAX_UPLOAD"),
		FetchAllow:   get("SENDBOT_FETCH_ALLOW"),
	}
}

// maxAge reads SENDBOT_STALE_AFTER.
func (c config) maxAge() (time.Duration, error) {
	if c.StaleAfter == "" {
		return index.DefaultMaxAge, nil
	}
	d, err := index.ParseAge(c.StaleAfter)
	if err != nil {
		return 0, fmt.Errorf("SENDBOT_STALE_AFTER: %w", err)
	}
	return d, nil
}

// maxUpload reads SENDBOT_MAX_UPLOAD: the largest file /add-document
// accepts, up to corpus.MaxFileBytes (the largest file sendbot reads).
func (c config) maxUpload() (int64, error) {
	if c.MaxUpload == "" {
		return library.DefaultMaxUploadBytes, nil
	}
	s := strings.ToLower(strings.ReplaceAll(c.MaxUpload, " ", ""))
	unit := int64(1)
	for _, u := range []struct {
		suffix string
		bytes  int64
	}{{"mib", 1 << 20}, {"mb", 1 << 20}, {"m", 1 << 20}, {"kib", 1 << 10}, {"kb", 1 << 10}, {"k", 1 << 10}, {"b", 1}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			s, unit = n, u.bytes
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > corpus.MaxFileBytes/unit {
		return 0, fmt.Errorf("SENDBOT_MAX_UPLOAD %q: write the largest file /add-document accepts, such as 10MB, 512KB or a number of bytes, at most %dMB", c.MaxUpload, corpus.MaxFileBytes>>20)
	}
	return n * unit, nil
}

// fetchAllow reads SENDBOT_FETCH_ALLOW: the private or loopback address
// ranges remote sources may be fetched from, such as a council intranet
// mirror (10.20.0.0/16) or a test site on this computer (127.0.0.0/8).
func (c config) fetchAllow() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.FetchAllow, ",") {
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

// defaultGapsKeep is how long /gaps's words are kept unless
// SENDBOT_GAPS_KEEP says otherwise.
const defaultGapsKeep = 30 * 24 * time.Hour

// gapsKeep reads SENDBOT_GAPS_KEEP; 0 turns gap recording off.
func (c config) gapsKeep() (time.Duration, error) {
	switch strings.ToLower(c.GapsKeep) {
	case "":
		return defaultGapsKeep, nil
	case "0", "0d", "off", "false", "no":
		return 0, nil
	}
	d, err := index.ParseAge(c.GapsKeep)
	if err != nil {
		return 0, fmt.Errorf("SENDBOT_GAPS_KEEP: %w, or 0 to keep nothing", err)
	}
	return d, nil
}

// openGaps opens the file that keeps the words of declined and
// not-helpful questions for the configured corpus, gaps/<corpus>/gaps.db
// under SENDBOT_DATA, as openFeedback does for votes; it keeps only the
// words vocab (the index) knows. With SENDBOT_GAPS_KEEP=0 it records
// nothing and deletes that file.
func openGaps(cfg config, lib *library.Library, vocab gaps.Vocabulary) (*gaps.Store, error) {
	keep, err := cfg.gapsKeep()
	if err != nil {
		return nil, err
	}
	path, err := lib.DataFile("gaps", "gaps.db")
	if err != nil {
		return nil, err
	}
	return gaps.Open(path, keep, vocab)
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

// newFlags makes a subcommand's flag set with the flags every subcommand
// shares: where the corpus and the index are.
func newFlags(name string, cfg *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Corpus, "corpus", cfg.Corpus, "corpus folder (default: $SENDBOT_CORPUS, else the built-in corpus)")
	fs.StringVar(&cfg.Index, "index", cfg.Index, "index folder (default: $SENDBOT_INDEX, else under the data folder)")
	return fs
}

// parseFlags parses args and turns flag errors into usage errors. Flags may
// come before or after the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageError{}
			}
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func newLogger(cfg config, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	switch strings.ToLower(cfg.LogLevel) {
	case "", "info":
		level = slog.LevelInfo
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return nil, fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", cfg.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(cfg.LogFormat) {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("LOG_FORMAT %q: use text or json", cfg.LogFormat)
}

// library is where the library of documents is kept, as the settings
// say; the subcommands that fetch or take uploads add FetchAllow and
// MaxUploadBytes.
func (c config) library(log *slog.Logger) library.Config {
	return library.Config{Corpus: c.Corpus, Index: c.Index, DataDir: c.DataDir, FetchDir: c.FetchDir, Version: versionNumber(), Logger: log}
}

// openLibrary opens the configured library, logging to stderr.
func openLibrary(cfg config, stderr io.Writer) (*library.Library, error) {
	log, err := newLogger(cfg, stderr)
	if err != nil {
		return nil, err
	}
	return library.Open(cfg.library(log))
}

// modRoles reads SENDBOT_MOD_ROLES: role IDs, comma-separated.
func (c config) modRoles() ([]string, error) {
	var out []string
	for _, f := range strings.Split(c.ModRoles, ",") {
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

// minReindexEvery is the shortest schedule SENDBOT_REINDEX_EVERY allows:
// remote sources are fetched politely, not hammered.
const minReindexEvery = 10 * time.Minute

// reindexEvery reads SENDBOT_REINDEX_EVERY: 0 when unset.
func (c config) reindexEvery() (time.Duration, error) {
	if c.ReindexEvery == "" || c.ReindexEvery == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(c.ReindexEvery)
	if err != nil || d < minReindexEvery {
		return 0, fmt.Errorf("SENDBOT_REINDEX_EVERY %q: write how often to reindex, at least every %s, such as 24h or 6h30m (or leave it empty for never)", c.ReindexEvery, minReindexEvery)
	}
	return d, nil
}
