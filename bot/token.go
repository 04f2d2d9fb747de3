package bot

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
)

// tokenHelp says where a bot token comes from; it ends every token error.
const tokenHelp = "Get one at https://discord.com/developers/applications: choose your application, open Bot, " +
	"press Reset Token, and put it in .env as DISCORD_TOKEN=<token>."

// A bot token is three base64url parts joined by dots: the bot's user ID,
// a timestamp and an HMAC.
var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$`)

// ErrNoToken and ErrBadToken say what is wrong with DISCORD_TOKEN. Their
// text never includes the token itself.
var (
	ErrNoToken  = errors.New("DISCORD_TOKEN is not set. " + tokenHelp)
	ErrBadToken = errors.New("DISCORD_TOKEN does not look like a bot token (three parts separated by dots, with no spaces or quotes). " + tokenHelp)
)

// CheckToken reports whether token looks like a Discord bot token. It
// checks the shape only; Discord itself decides whether the token is valid.
func CheckToken(token string) error {
	token = strings.TrimSpace(token)
	switch {
	case token == "":
		return ErrNoToken
	case !tokenShape.MatchString(token):
		return ErrBadToken
	}
	return nil
}

// NormalizeToken trims space and a "Bot " prefix pasted along with a token.
func NormalizeToken(token string) string {
	token = strings.TrimSpace(token)
	if len(token) > 4 && strings.EqualFold(token[:4], "bot ") {
		token = strings.TrimSpace(token[4:])
	}
	return token
}

// TokenAppID is the application (bot user) ID a bot token starts with,
// base64-encoded, or "unknown".
func TokenAppID(token string) string {
	first, _, _ := strings.Cut(token, ".")
	id, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(first, "="))
	if err != nil || len(id) == 0 || strings.Trim(string(id), "0123456789") != "" {
		return "unknown"
	}
	return string(id)
}
