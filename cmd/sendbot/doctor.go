package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/discordapi"
	"github.com/sendbot/sendbot/library"
)

// Permissions is the bot permissions integer the invite URL asks for:
// View Channels (1<<10), Send Messages (1<<11), Embed Links (1<<14), Read
// Message History (1<<16, which replies to a message need) and Send
// Messages in Threads (1<<38). Nothing else: no administrator, no
// managing messages or members.
const Permissions int64 = 1<<10 | 1<<11 | 1<<14 | 1<<16 | 1<<38

// inviteURL is the address that adds the bot to a server with the
// scopes and permissions it needs.
func inviteURL(appID string) string {
	return fmt.Sprintf("https://discord.com/oauth2/authorize?client_id=%s&scope=bot+applications.commands&permissions=%d", appID, Permissions)
}

// maxClockSkew is how far this computer's clock may be from Discord's
// before doctor says so: answers are dated, and "over 2 years old" and
// the schedule of reindexes go by it.
const maxClockSkew = time.Minute

// reindexSpare is the room a reindex needs beyond a second copy of the
// index, which it writes beside the one in use.
const reindexSpare = 200 << 20

// doctor is one run of `sendbot doctor`: it prints each check's result
// and counts what needs fixing.
type doctor struct {
	env    appEnv
	fixes  int
	client *http.Client
}

func (d *doctor) ok(what, detail string, args ...any) {
	fmt.Fprintf(d.env.stdout, "ok    %-10s %s\n", what, fmt.Sprintf(detail, args...))
}

func (d *doctor) fix(what, detail string, args ...any) {
	d.fixes++
	fmt.Fprintf(d.env.stdout, "FIX   %-10s %s\n", what, fmt.Sprintf(detail, args...))
}

func (d *doctor) note(what, detail string, args ...any) {
	fmt.Fprintf(d.env.stdout, "note  %-10s %s\n", what, fmt.Sprintf(detail, args...))
}

// runDoctor checks a deployment the way serve would use it — settings,
// token, Discord, clock, corpus, index, disk — and says what to fix.
// It changes nothing (one empty file is made and removed to test
// writing), and it can run beside a running serve.
func runDoctor(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("doctor", &cfg, env.stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	d := &doctor{env: env, client: &http.Client{Timeout: 15 * time.Second}}
	if w := envFileWarning(".env"); w != "" {
		d.fix(".env", "%s", strings.TrimPrefix(w, "warning: "))
	}
	if errs := settingsProblems(cfg); len(errs) > 0 {
		for _, err := range errs {
			d.fix("settings", "%v", err)
		}
	} else {
		d.ok("settings", "areas, schedule, limits, logging and SENDBOT_HTTP_ADDR read without a mistake")
	}
	d.checkDiscord(ctx, cfg)
	lib, err := library.Open(cfg.library(nil))
	if err != nil {
		d.fix("corpus", "%v", err)
	} else {
		d.checkCorpus(lib)
		d.checkIndex(lib)
		d.checkDisk(lib)
	}
	if d.fixes > 0 {
		return fmt.Errorf("doctor: %s to fix (the lines marked FIX above)", plural(d.fixes, "thing"))
	}
	fmt.Fprintln(env.stdout, "Everything sendbot serve needs is in order.")
	return nil
}

// settingsProblems checks every setting serve reads before it connects,
// all at once, where serve stops at the first.
func settingsProblems(cfg config) []error {
	var errs []error
	if _, err := botSettings(cfg); err != nil {
		errs = append(errs, err)
	}
	if _, err := cfg.gapsKeep(); err != nil {
		errs = append(errs, err)
	}
	if _, err := newLogger(cfg, io.Discard); err != nil {
		errs = append(errs, err)
	}
	if a := cfg.HTTPAddr; a != "" {
		if _, port, err := net.SplitHostPort(a); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("SENDBOT_HTTP_ADDR %q: use host:port, such as 127.0.0.1:8089", a))
		}
	}
	return errs
}

// checkDiscord checks the token's form, then asks Discord who it is:
// that shows the API is reachable and the token accepted, and Discord's
// Date header shows whether this computer's clock is right.
func (d *doctor) checkDiscord(ctx context.Context, cfg config) {
	token := bot.NormalizeToken(cfg.Token)
	if err := bot.CheckToken(token); err != nil {
		d.fix("token", "%v", err)
		d.note("discord", "not asked: there is no usable token")
		d.note("clock", "not checked: it is compared with Discord's")
		return
	}
	appID := tokenAppID(token)
	d.ok("token", "has the form of a bot token (application %s)", appID)

	base := cfg.APIURL
	if base == "" {
		base = discordapi.Default
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"users/@me", nil)
	if err != nil {
		d.fix("discord", "DISCORD_API_URL %q is not an address: %v", cfg.APIURL, err)
		return
	}
	req.Header.Set("Authorization", "Bot "+token)
	req.Header.Set("User-Agent", "DiscordBot (https://github.com/sendbot/sendbot, "+versionNumber()+")")
	sent := time.Now()
	resp, err := d.client.Do(req)
	if err != nil {
		// The error names the address, never the token.
		d.fix("discord", "cannot reach %s: %v. Check this computer's internet connection and firewall (it needs HTTPS out to discord.com and gateway.discord.gg)", base, errors.Unwrap(err))
		d.note("clock", "not checked: Discord could not be reached")
		return
	}
	defer resp.Body.Close()
	var me struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Bot      bool   `json:"bot"`
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		d.fix("discord", "Discord refused the token (HTTP 401): it was reset or mistyped. In the developer portal open your application, Bot, Reset Token, and put the new one in DISCORD_TOKEN")
	case resp.StatusCode != http.StatusOK:
		d.fix("discord", "%s answered HTTP %d; try again later, and check DISCORD_API_URL if you set it", base, resp.StatusCode)
	case json.NewDecoder(resp.Body).Decode(&me) != nil || me.ID == "":
		d.fix("discord", "%s is not answering as Discord does; check DISCORD_API_URL", base)
	default:
		d.ok("discord", "reached %s and logged in as %s (user %s)", strings.TrimSuffix(base, "/"), me.Username, me.ID)
		if me.ID != appID && appID != "unknown" {
			d.note("discord", "the token's application %s differs from the bot user %s: use the token of the bot you invited", appID, me.ID)
		}
		d.note("invite", "%s", inviteURL(me.ID))
	}
	d.checkClock(resp.Header.Get("Date"), sent, time.Now())
}

// checkClock compares this computer's clock with the Date header of a
// response received between sent and got.
func (d *doctor) checkClock(header string, sent, got time.Time) {
	theirs, err := http.ParseTime(header)
	if err != nil {
		d.note("clock", "not checked: Discord's reply had no Date")
		return
	}
	// Date has whole seconds (cut, not rounded) and was stamped between
	// sent and got.
	theirs = theirs.Add(500 * time.Millisecond)
	mid := sent.Add(got.Sub(sent) / 2)
	skew := mid.Sub(theirs)
	if skew < 0 {
		skew = -skew
	}
	if skew > maxClockSkew+got.Sub(sent)+time.Second {
		// Said to the minute: a skew this large is more than a minute, and
		// the seconds would say no more than how long the reply took.
		d.fix("clock", "this computer's clock is %s %s Discord's: answers' ages and the reindex schedule go by it. Turn on time sync (on Linux: sudo timedatectl set-ntp true)",
			skew.Round(time.Minute), map[bool]string{true: "ahead of", false: "behind"}[mid.After(theirs)])
		return
	}
	d.ok("clock", "within %s of Discord's", maxClockSkew)
}

// tokenAppID is the application (bot user) ID a bot token starts with,
// base64-encoded, or "unknown".
func tokenAppID(token string) string {
	first, _, _ := strings.Cut(token, ".")
	id, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(first, "="))
	if err != nil || len(id) == 0 || strings.Trim(string(id), "0123456789") != "" {
		return "unknown"
	}
	return string(id)
}

// checkCorpus reads the corpus as a reindex would.
func (d *doctor) checkCorpus(lib *library.Library) {
	name := lib.Name()
	c, err := lib.Read()
	if err != nil {
		d.fix("corpus", "%s cannot be read: %v", name, err)
		return
	}
	switch errs := len(c.Errors()); {
	case len(c.Documents) == 0:
		d.fix("corpus", "%s has no documents sendbot can read; run sendbot check to see why", name)
	case errs > 0:
		d.fix("corpus", "%s: %d documents read, but %s could not be; run sendbot check to see which and why", name, len(c.Documents), plural(errs, "file"))
	default:
		d.ok("corpus", "%s: %d documents read", name, len(c.Documents))
	}
}

// checkIndex opens the index read-only, as a second reader beside a
// running serve, and asks it one question.
func (d *doctor) checkIndex(lib *library.Library) {
	dir := lib.IndexDir()
	ix, err := index.Open(dir)
	switch {
	case errors.Is(err, index.ErrNoIndex):
		d.note("index", "none yet at %s: serve builds it when it starts (or run sendbot index)", dir)
		return
	case errors.Is(err, index.ErrOldMapping):
		d.note("index", "%s was built by another version of sendbot: serve rebuilds it when it starts", dir)
		return
	case errors.Is(err, index.ErrBusy):
		d.note("index", "%s is being rebuilt right now; run doctor again when that finishes", dir)
		return
	case err != nil:
		d.fix("index", "%s cannot be read (%v): remove that folder and sendbot serve builds a new one", dir, err)
		return
	}
	defer ix.Close()
	info := ix.Info()
	if _, err := ix.Search(context.Background(), index.Query{Text: "support"}); err != nil {
		d.fix("index", "%s opens but cannot be searched (%v): remove that folder and sendbot serve builds a new one", dir, err)
		return
	}
	age := time.Since(info.BuiltAt)
	d.ok("index", "%s: %d documents, %d passages, built %s (%s ago)", dir, info.Documents, info.Passages,
		info.BuiltAt.Format("2 January 2006 15:04"), index.FormatAge(age))
	if src, err := lib.Source(); err == nil && info.Source.Fingerprint != src.Fingerprint {
		d.note("index", "the corpus has changed since it was built: serve rebuilds it when it starts, or use /reindex")
	}
}

// checkDisk checks that the disk holding the index has room for a
// reindex, which writes a new index beside the one in use, and that the
// data folder (or, before the first run, the folder it will be made in)
// can be written.
func (d *doctor) checkDisk(lib *library.Library) {
	// Nothing is created: run as root beside a service, a folder made
	// here would belong to root. The nearest folder that exists is tried.
	parent := filepath.Dir(lib.IndexDir())
	for !isDir(parent) && filepath.Dir(parent) != parent {
		parent = filepath.Dir(parent)
	}
	probe, err := os.CreateTemp(parent, ".sendbot-doctor-*")
	if err != nil {
		d.fix("disk", "cannot write in %s: %v; give the user running sendbot write access, or set SENDBOT_DATA", parent, err)
		return
	}
	probe.Close()
	os.Remove(probe.Name())
	free, err := freeSpace(parent)
	if err != nil {
		d.note("disk", "free space in %s not checked: %v", parent, err)
		return
	}
	need := uint64(dirSize(lib.IndexDir())) + reindexSpare
	if free < need {
		d.fix("disk", "%s has %s free; a reindex needs about %s (a second copy of the index while it builds). Free some space or move SENDBOT_DATA", parent, fetch.Size(int64(free)), fetch.Size(int64(need)))
		return
	}
	d.ok("disk", "%s free in %s (a reindex needs about %s)", fetch.Size(int64(free)), parent, fetch.Size(int64(need)))
}

// dirSize is the total size of the files under dir (0 if it is absent).
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if fi, err := e.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
