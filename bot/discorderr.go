package bot

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Discord's JSON error codes that the bot acts on
// (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes).
const (
	codeUnknownWebhook      = 10015 // an interaction's token is gone
	codeUnknownInteraction  = 10062 // answered after Discord's 3 seconds
	codeMissingAccess       = 50001 // the bot cannot see the channel
	codeMissingPermissions  = 50013 // it lacks a permission there
	codeInvalidWebhookToken = 50027 // an interaction's token has expired
	codeInvalidFormBody     = 50035 // Discord refused a field of what was sent
)

// discordCode is the JSON error code Discord answered a failed call
// with, or 0 when there is none (a network error, a 5xx without a body).
func discordCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

// cannotPost reports whether Discord refused a message because the bot
// may not post it in that channel: it lacks Send Messages, Embed Links
// or Read Message History there (50013), or cannot see it (50001).
func cannotPost(err error) bool {
	c := discordCode(err)
	return c == codeMissingPermissions || c == codeMissingAccess
}

// tokenGone reports whether Discord no longer takes an interaction's
// token, as happens 15 minutes after the interaction: its reply can no
// longer be edited, nor follow-ups sent.
func tokenGone(err error) bool {
	c := discordCode(err)
	return c == codeUnknownWebhook || c == codeInvalidWebhookToken
}

// invalidFields lists the fields a 400 Invalid Form Body (50035) names,
// as "data.embeds.0.description: BASE_TYPE_MAX_LENGTH (Must be 4096 or
// fewer in length.)", sorted; nil for any other error. discordgo keeps
// only the code and message of an error, so the "errors" tree is read
// from the response body.
func invalidFields(err error) []string {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil || re.Message.Code != codeInvalidFormBody {
		return nil
	}
	var body struct {
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(re.ResponseBody, &body) != nil || len(body.Errors) == 0 {
		return nil
	}
	var out []string
	walkFormErrors("", body.Errors, &out)
	sort.Strings(out)
	return out
}

// walkFormErrors collects the "_errors" lists of Discord's nested errors
// object, each under the dotted path of the field it is about.
func walkFormErrors(path string, raw json.RawMessage, out *[]string) {
	var node map[string]json.RawMessage
	if json.Unmarshal(raw, &node) != nil {
		return
	}
	for key, v := range node {
		if key != "_errors" {
			p := key
			if path != "" {
				p = path + "." + key
			}
			walkFormErrors(p, v, out)
			continue
		}
		var errs []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(v, &errs)
		field := path
		if field == "" {
			field = "(body)"
		}
		for _, e := range errs {
			*out = append(*out, field+": "+e.Code+" ("+e.Message+")")
		}
	}
}

// logDiscordError logs a Discord call that failed with what Discord said:
// the HTTP status, its JSON error code and message, what the code means
// for the bot, and for an invalid form body the fields it names. The
// request itself, which may hold a parent's question, is never logged.
func (b *Bot) logDiscordError(what string, err error, args ...any) {
	var late *lateAckError
	var rl *discordgo.RateLimitError
	var re *discordgo.RESTError
	switch {
	case errors.As(err, &late):
		// Said plainly: this is why someone saw "The application did
		// not respond".
		args = append(args, "gave_up", late.Error(),
			"meaning", "Discord forgets an interaction not answered within 3 seconds, so the bot did not wait; the user saw \"The application did not respond\" and can try again")
		if late.wait > 0 {
			args = append(args, "retry_after", late.wait)
		}
	case errors.As(err, &rl):
		args = append(args, "status", 429, "retry_after", rl.RetryAfter)
	case errors.As(err, &re):
		if re.Response != nil {
			args = append(args, "status", re.Response.StatusCode)
		}
		if re.Message != nil {
			args = append(args, "code", re.Message.Code, "discord_says", re.Message.Message)
			if m := codeMeaning(re.Message.Code); m != "" {
				args = append(args, "meaning", m)
			}
		}
		if fields := invalidFields(err); len(fields) > 0 {
			args = append(args, "fields", strings.Join(fields, "; "))
		}
	default:
		args = append(args, "err", err)
	}
	b.log.Error(what, args...)
}

// codeMeaning says what an error code means for whoever runs the bot.
func codeMeaning(code int) string {
	switch code {
	case codeUnknownWebhook, codeInvalidWebhookToken:
		return "the interaction's token has expired (Discord keeps it 15 minutes)"
	case codeUnknownInteraction:
		return "Discord forgot the interaction: it was not answered within 3 seconds"
	case codeMissingAccess:
		return "the bot cannot see that channel (View Channel)"
	case codeMissingPermissions:
		return "the bot lacks a permission in that channel (Send Messages, Embed Links or Read Message History)"
	case codeInvalidFormBody:
		return "Discord refused a field of the message: see fields"
	}
	return ""
}
