package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/internal/discordapi"
)

// maxClockSkew is how far this computer's clock may be from Discord's
// before doctor says so: answers are dated, and "over 2 years old" and
// the schedule of reindexes go by it.
const maxClockSkew = time.Minute

// checkDiscord checks the token's form, then asks Discord who it is:
// that shows the API is reachable and the token accepted, and Discord's
// Date header shows whether this computer's clock is right.
func (d *doctor) checkDiscord(ctx context.Context) {
	token := bot.NormalizeToken(d.cfg.Token)
	if err := bot.CheckToken(token); err != nil {
		d.fix("token", "%v", err)
		d.note("discord", "not asked: there is no usable token")
		d.note("clock", "not checked: it is compared with Discord's")
		return
	}
	appID := bot.TokenAppID(token)
	d.ok("token", "has the form of a bot token (application %s)", appID)

	base := d.cfg.APIURL
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
		d.fix("discord", "DISCORD_API_URL %q is not an address: %v", d.cfg.APIURL, err)
		return
	}
	req.Header.Set("Authorization", "Bot "+token)
	req.Header.Set("User-Agent", "DiscordBot (https://github.com/sendbot/sendbot, "+d.cfg.Version+")")
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
		d.note("invite", "%s", bot.InviteURL(me.ID))
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
