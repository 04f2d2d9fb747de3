package doctor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/sendbot/sendbot/library"
)

// Config is the deployment to check, as serve would use it.
type Config struct {
	// Out receives a line per check: "ok", "FIX" (something to fix, and
	// what to do) or "note".
	Out io.Writer
	// EnvWarning is what is wrong with the .env file, or "".
	EnvWarning string
	// Settings are the mistakes in the settings serve reads, all of them;
	// none means they read without a mistake.
	Settings []error
	// Token is DISCORD_TOKEN, as serve reads it; APIURL is DISCORD_API_URL
	// ("" for Discord's own).
	Token, APIURL string
	// Library is the configured library; LibraryErr, when set instead,
	// is why it could not be found.
	Library    *library.Library
	LibraryErr error
	// DatabaseURL is DATABASE_URL; "" when state is kept in files.
	DatabaseURL string
	// Version names sendbot in the User-Agent of the request to Discord.
	Version string
	// Client sends that request; nil means one with a 15-second timeout.
	Client *http.Client
}

// doctor is one run: it prints each check's result and counts what
// needs fixing.
type doctor struct {
	cfg    Config
	fixes  int
	client *http.Client
}

// Run checks the deployment cfg describes (settings, token, Discord,
// clock, corpus, index, disk) and writes what to fix. It changes nothing
// (one empty file is made and removed to test writing), and it can run
// beside a running serve. Its error counts the things to fix.
func Run(ctx context.Context, cfg Config) error {
	d := &doctor{cfg: cfg, client: cfg.Client}
	if d.client == nil {
		d.client = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.EnvWarning != "" {
		d.fix(".env", "%s", strings.TrimPrefix(cfg.EnvWarning, "warning: "))
	}
	if len(cfg.Settings) > 0 {
		for _, err := range cfg.Settings {
			d.fix("settings", "%v", err)
		}
	} else {
		d.ok("settings", "areas, schedule, limits, logging and SENDBOT_HTTP_ADDR read without a mistake")
	}
	d.checkDiscord(ctx)
	d.checkDatabase(ctx)
	if cfg.LibraryErr != nil || cfg.Library == nil {
		d.fix("corpus", "%v", cfg.LibraryErr)
	} else {
		d.checkCorpus(cfg.Library)
		d.checkIndex(cfg.Library)
		d.checkDisk(cfg.Library)
	}
	if d.fixes > 0 {
		return fmt.Errorf("doctor: %s to fix (the lines marked FIX above)", plural(d.fixes, "thing"))
	}
	fmt.Fprintln(cfg.Out, "Everything sendbot serve needs is in order.")
	return nil
}

func (d *doctor) ok(what, detail string, args ...any) {
	fmt.Fprintf(d.cfg.Out, "ok    %-10s %s\n", what, fmt.Sprintf(detail, args...))
}

func (d *doctor) fix(what, detail string, args ...any) {
	d.fixes++
	fmt.Fprintf(d.cfg.Out, "FIX   %-10s %s\n", what, fmt.Sprintf(detail, args...))
}

func (d *doctor) note(what, detail string, args ...any) {
	fmt.Fprintf(d.cfg.Out, "note  %-10s %s\n", what, fmt.Sprintf(detail, args...))
}

// plural is "1 thing" or "3 things".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
