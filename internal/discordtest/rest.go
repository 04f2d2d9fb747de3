package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Request is one REST request the Server received, recorded after it was
// answered.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path relative to the API root, without a leading
	// slash, e.g. "channels/3000000000000000001/messages". Paths outside
	// /api/v{N}/ are recorded as they are (with a leading slash).
	Path string
	// Query is the raw URL query, e.g. "wait=true".
	Query string
	// Body is the raw request body.
	Body []byte
	// ContentType is the Content-Type header.
	ContentType string
	// Auth is the Authorization header.
	Auth string
	// Status is the HTTP status the Server answered with.
	Status int
	// At is when the request arrived.
	At time.Time
}

// Requests returns every REST request received so far, in the order they
// were answered.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Body = slices.Clone(r.Body)
		out[i] = r
	}
	return out
}

// failure is a pending injection.
type failure struct {
	method string
	prefix string
	f      Failure
}

// Failure is an error response to inject with FailNextWith: an HTTP
// status with Discord's JSON error body {"message", "code", "errors"} or,
// for 429, its rate-limit body and headers. MissingPermissions,
// MissingAccess, UnknownWebhook, InvalidWebhookToken, RateLimited and
// InvalidFormBody make the ones Discord sends most.
type Failure struct {
	// Status is the HTTP status, e.g. 403.
	Status int
	// Code is Discord's JSON error code, e.g. 50013; 0 (Discord's
	// "general error") when unset.
	Code int
	// Message is the error body's message. Default: "<status>: <status
	// text>", as Discord words errors without a code.
	Message string
	// Errors is the nested "errors" object of a 400 Invalid Form Body
	// (code 50035), naming the fields that are wrong; nil for none.
	Errors any
	// RetryAfter is a 429's retry_after (also sent as the Retry-After and
	// X-RateLimit-Reset-After headers).
	RetryAfter time.Duration
	// Global marks a 429 as the global rate limit (X-RateLimit-Global),
	// which holds back every request, not only this route's.
	Global bool
}

// MissingPermissions is Discord's 403 Missing Permissions (code 50013):
// the bot lacks a permission the request needs in that channel, such as
// Send Messages or Embed Links.
func MissingPermissions() Failure {
	return Failure{Status: http.StatusForbidden, Code: 50013, Message: "Missing Permissions"}
}

// MissingAccess is Discord's 403 Missing Access (code 50001): the bot
// cannot see the channel at all.
func MissingAccess() Failure {
	return Failure{Status: http.StatusForbidden, Code: 50001, Message: "Missing Access"}
}

// UnknownWebhook is Discord's 404 Unknown Webhook (code 10015), which an
// interaction's follow-ups and edits get once Discord forgets its token.
func UnknownWebhook() Failure {
	return Failure{Status: http.StatusNotFound, Code: 10015, Message: "Unknown Webhook"}
}

// InvalidWebhookToken is Discord's 401 Invalid Webhook Token (code
// 50027), which an interaction's follow-ups and edits get once its token
// has expired, 15 minutes after the interaction.
func InvalidWebhookToken() Failure {
	return Failure{Status: http.StatusUnauthorized, Code: 50027, Message: "Invalid Webhook Token"}
}

// RateLimited is Discord's 429 for one route, to be retried after
// retryAfter.
func RateLimited(retryAfter time.Duration) Failure {
	return Failure{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// InvalidFormBody is Discord's 400 Invalid Form Body (code 50035) naming
// one wrong field by its dotted path, e.g. ("data.embeds.0.description",
// "BASE_TYPE_MAX_LENGTH", "Must be 4096 or fewer in length.").
func InvalidFormBody(field, code, message string) Failure {
	e := invalidForm(field, code, message)
	return Failure{Status: e.status, Code: e.code, Message: e.message, Errors: e.errors}
}

// FailNext makes the next REST request whose method equals method ("" for
// any; case-insensitive) and whose Path (see Request) starts with
// pathPrefix fail with status. Injections queue up and each is used once.
// pathPrefix may also be given with a leading "/api/v9/" or "/".
//
// A 429 gets Discord's rate-limit body {"message":"You are being rate
// limited.","retry_after":<seconds>,"global":false} plus Retry-After and
// X-RateLimit-* headers derived from retryAfter; other statuses get
// {"message":"<status>: <text>","code":0}. The failed request has no
// effect. FailNextWith injects Discord's other errors.
func (s *Server) FailNext(method, pathPrefix string, status int, retryAfter time.Duration) {
	s.FailNextWith(method, pathPrefix, Failure{Status: status, RetryAfter: retryAfter})
}

// FailNextWith is FailNext with a whole Failure: Discord's error code and
// message, the fields of an invalid form body, a global rate limit.
func (s *Server) FailNextWith(method, pathPrefix string, f Failure) {
	if rel, ok := apiPath(pathPrefix); ok {
		pathPrefix = rel
	}
	pathPrefix = strings.TrimPrefix(pathPrefix, "/")
	s.mu.Lock()
	s.failures = append(s.failures, failure{method: strings.ToUpper(method), prefix: pathPrefix, f: f})
	s.mu.Unlock()
}

// takeFailure removes and returns the first injection matching the request.
func (s *Server) takeFailure(method, path string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.failures {
		if (f.method == "" || f.method == method) && strings.HasPrefix(path, f.prefix) {
			s.failures = slices.Delete(s.failures, i, i+1)
			return f.f, true
		}
	}
	return Failure{}, false
}

func (f Failure) write(w http.ResponseWriter) {
	if f.Status != http.StatusTooManyRequests {
		msg := f.Message
		if msg == "" {
			msg = fmt.Sprintf("%d: %s", f.Status, http.StatusText(f.Status))
		}
		writeError(w, &apiError{status: f.Status, code: f.Code, message: msg, errors: f.Errors})
		return
	}
	secs := f.RetryAfter.Seconds()
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(f.RetryAfter).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", "fakebucket0000000000000000000000")
	scope := "user"
	if f.Global {
		h.Set("X-RateLimit-Global", "true")
		scope = "global"
	}
	h.Set("X-RateLimit-Scope", scope)
	msg := f.Message
	if msg == "" {
		msg = "You are being rate limited."
	}
	body := map[string]any{"message": msg, "retry_after": secs, "global": f.Global}
	if f.Code != 0 {
		body["code"] = f.Code
	}
	writeJSON(w, http.StatusTooManyRequests, body)
}

// apiError is a Discord JSON error response.
type apiError struct {
	status  int
	code    int
	message string
	errors  any
}

func invalidForm(path, code, msg string) *apiError {
	// Discord nests errors by path: {"content":{"_errors":[...]}}.
	var tree any = map[string]any{"_errors": []map[string]string{{"code": code, "message": msg}}}
	parts := strings.Split(path, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		tree = map[string]any{parts[i]: tree}
	}
	return &apiError{status: http.StatusBadRequest, code: 50035, message: "Invalid Form Body", errors: tree}
}

var (
	errUnauthorized     = &apiError{status: 401, code: 0, message: "401: Unauthorized"}
	errNotFound         = &apiError{status: 404, code: 0, message: "404: Not Found"}
	errMethodNotAllowed = &apiError{status: 405, code: 0, message: "405: Method Not Allowed"}
	errInvalidJSON      = &apiError{status: 400, code: 50109, message: "The request body contains invalid JSON."}
	errMissingAccess    = &apiError{status: 403, code: 50001, message: "Missing Access"}
	errUnknownUser      = &apiError{status: 404, code: 10013, message: "Unknown User"}
	errUnknownMessage   = &apiError{status: 404, code: 10008, message: "Unknown Message"}
	errUnknownWebhook   = &apiError{status: 404, code: 10015, message: "Unknown Webhook"}
	errUnknownCommand   = &apiError{status: 404, code: 10063, message: "Unknown application command"}
	errUnknownInteract  = &apiError{status: 404, code: 10062, message: "Unknown interaction"}
	errAlreadyAcked     = &apiError{status: 400, code: 40060, message: "Interaction has already been acknowledged."}
	errMissingPerms     = &apiError{status: 403, code: 50013, message: "Missing Permissions"}
	errInvalidWHToken   = &apiError{status: 401, code: 50027, message: "Invalid Webhook Token"}
)

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"message": e.message, "code": e.code}
	if e.errors != nil {
		body["errors"] = e.errors
	}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b []byte
	switch v := v.(type) {
	case json.RawMessage:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

var apiPrefix = regexp.MustCompile(`^/api/v[0-9]+/`)

// apiPath strips the /api/v{N}/ prefix.
func apiPath(p string) (string, bool) {
	if loc := apiPrefix.FindStringIndex(p); loc != nil {
		return p[loc[1]:], true
	}
	return p, false
}

// serveHTTP is the root handler: the gateway websocket and the REST API.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway" || r.URL.Path == "/gateway/" {
		s.serveGateway(w, r)
		return
	}
	at := time.Now()
	body, _ := io.ReadAll(r.Body)
	rel, isAPI := apiPath(r.URL.Path)
	req := &Request{
		Method:      r.Method,
		Path:        rel,
		Query:       r.URL.RawQuery,
		Body:        body,
		ContentType: r.Header.Get("Content-Type"),
		Auth:        r.Header.Get("Authorization"),
		At:          at,
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	switch {
	case !isAPI:
		s.logf("REST %s %s: not under /api/v{N}/", r.Method, r.URL.Path)
		writeError(sw, errNotFound)
	case req.Auth != "Bot "+Token:
		writeError(sw, errUnauthorized)
	default:
		if f, ok := s.takeFailure(r.Method, rel); ok {
			f.write(sw)
		} else {
			s.route(sw, r, req)
		}
	}
	req.Status = sw.status
	s.mu.Lock()
	s.requests = append(s.requests, *req)
	s.notifyLocked()
	s.mu.Unlock()
}

// match matches path segments against a pattern where "*" matches any
// single non-empty segment; it returns the segments matched by "*".
func match(seg []string, pattern ...string) ([]string, bool) {
	if len(seg) != len(pattern) {
		return nil, false
	}
	var caps []string
	for i, p := range pattern {
		switch {
		case p == "*" && seg[i] != "":
			caps = append(caps, seg[i])
		case p != seg[i]:
			return nil, false
		}
	}
	return caps, true
}

// route dispatches an authenticated API request.
func (s *Server) route(w http.ResponseWriter, r *http.Request, req *Request) {
	seg := strings.Split(strings.Trim(req.Path, "/"), "/")
	m := r.Method
	methods := func(allowed ...string) bool {
		if slices.Contains(allowed, m) {
			return true
		}
		writeError(w, errMethodNotAllowed)
		return false
	}
	_, gw := match(seg, "gateway")
	_, gwBot := match(seg, "gateway", "bot")
	if gw || gwBot {
		if methods("GET") {
			writeJSON(w, 200, map[string]any{
				"url":    s.wsURL,
				"shards": 1,
				"session_start_limit": map[string]any{
					"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
				},
			})
		}
		return
	}
	if _, ok := match(seg, "users", "@me"); ok {
		if methods("GET") {
			writeJSON(w, 200, botUser())
		}
		return
	}
	if _, ok := match(seg, "users", "@me", "channels"); ok {
		if methods("POST") {
			s.createDM(w, req)
		}
		return
	}
	if c, ok := match(seg, "users", "*"); ok {
		if methods("GET") {
			switch c[0] {
			case BotUserID:
				writeJSON(w, 200, botUser())
			case UserID:
				writeJSON(w, 200, defaultUser())
			default:
				writeError(w, errUnknownUser)
			}
		}
		return
	}
	_, appMe := match(seg, "applications", "@me")
	_, oauthMe := match(seg, "oauth2", "applications", "@me")
	if appMe || oauthMe {
		if methods("GET") {
			writeJSON(w, 200, map[string]any{
				"id": ApplicationID, "name": BotUsername, "icon": nil, "description": "",
				"bot_public": false, "bot_require_code_grant": false, "flags": 0,
				"bot": botUser(), "owner": defaultUser(), "verify_key": strings.Repeat("0", 64),
			})
		}
		return
	}
	if c, ok := match(seg, "applications", "*", "commands"); ok {
		s.commandsRoute(w, req, c[0], "", "")
		return
	}
	if c, ok := match(seg, "applications", "*", "commands", "*"); ok {
		s.commandsRoute(w, req, c[0], "", c[1])
		return
	}
	if c, ok := match(seg, "applications", "*", "guilds", "*", "commands"); ok {
		s.commandsRoute(w, req, c[0], c[1], "")
		return
	}
	if c, ok := match(seg, "applications", "*", "guilds", "*", "commands", "*"); ok {
		s.commandsRoute(w, req, c[0], c[1], c[2])
		return
	}
	if c, ok := match(seg, "interactions", "*", "*", "callback"); ok {
		if methods("POST") {
			s.interactionCallback(w, req, c[0], c[1])
		}
		return
	}
	if c, ok := match(seg, "webhooks", "*", "*"); ok {
		if methods("POST") {
			s.webhookExecute(w, req, c[0], c[1])
		}
		return
	}
	if c, ok := match(seg, "webhooks", "*", "*", "messages", "*"); ok {
		if methods("GET", "PATCH", "DELETE") {
			s.webhookMessage(w, req, c[0], c[1], c[2])
		}
		return
	}
	if c, ok := match(seg, "channels", "*"); ok {
		if methods("GET") {
			writeJSON(w, 200, s.channelJSON(c[0]))
		}
		return
	}
	if c, ok := match(seg, "channels", "*", "messages"); ok {
		if methods("POST") {
			s.createChannelMessage(w, req, c[0])
		}
		return
	}
	if c, ok := match(seg, "channels", "*", "messages", "*"); ok {
		if methods("GET", "PATCH", "DELETE") {
			s.channelMessage(w, req, c[0], c[1])
		}
		return
	}
	if _, ok := match(seg, "channels", "*", "typing"); ok {
		if methods("POST") {
			w.WriteHeader(http.StatusNoContent)
		}
		return
	}
	s.logf("REST %s %s: no such route in the fake", m, req.Path)
	writeError(w, errNotFound)
}

// createDM handles POST users/@me/channels.
func (s *Server) createDM(w http.ResponseWriter, req *Request) {
	var p struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.Unmarshal(req.Body, &p); err != nil {
		writeError(w, errInvalidJSON)
		return
	}
	if p.RecipientID == "" {
		writeError(w, invalidForm("recipient_id", "BASE_TYPE_REQUIRED", "This field is required"))
		return
	}
	s.mu.Lock()
	id := ""
	for ch, rcpt := range s.dmChannels {
		if rcpt == p.RecipientID {
			id = ch
		}
	}
	if id == "" {
		id = s.nextID()
		s.dmChannels[id] = p.RecipientID
	}
	s.mu.Unlock()
	writeJSON(w, 200, s.channelJSON(id))
}

// createChannelMessage handles POST channels/{id}/messages.
func (s *Server) createChannelMessage(w http.ResponseWriter, req *Request, channelID string) {
	payload, files, err := decodePayload(req)
	if err != nil {
		writeError(w, errInvalidJSON)
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil {
		writeError(w, errInvalidJSON)
		return
	}
	if e := validateMessage(fields, len(files), true); e != nil {
		writeError(w, e)
		return
	}
	if e := s.mayPost(channelID, fields); e != nil {
		writeError(w, e)
		return
	}
	ms, err := decodeMessageSend(payload)
	if err != nil {
		writeError(w, invalidForm("components", "COMPONENT_INVALID", err.Error()))
		return
	}
	s.mu.Lock()
	_, dm := s.dmChannels[channelID]
	s.mu.Unlock()
	guild := GuildID
	if dm {
		guild = ""
	}
	typ := discordgo.MessageTypeDefault
	if present(fields, "message_reference") {
		typ = discordgo.MessageTypeReply
	}
	st := newMsgState(s.nextID(), channelID, guild, typ)
	st.created = req.At
	st.merge(fields)
	if len(files) > 0 {
		st.fields["attachments"] = s.attachmentsJSON(channelID, files)
	}
	pm := &PostedMessage{ID: st.id, ChannelID: channelID, Message: ms, Raw: payload, Files: files, At: req.At}
	s.mu.Lock()
	s.messages[st.id] = st
	s.channelMsgs[channelID] = append(s.channelMsgs[channelID], pm)
	out := st.render()
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, 200, out)
}

// decodeMessageEdit reads and checks the body of a message PATCH. When it
// returns false it has already written Discord's error response.
func decodeMessageEdit(w http.ResponseWriter, req *Request) (json.RawMessage, map[string]json.RawMessage, bool) {
	payload, files, err := decodePayload(req)
	var fields map[string]json.RawMessage
	if err == nil {
		err = json.Unmarshal(payload, &fields)
	}
	if err != nil {
		writeError(w, errInvalidJSON)
		return nil, nil, false
	}
	if e := validateMessage(fields, len(files), false); e != nil {
		writeError(w, e)
		return nil, nil, false
	}
	return payload, fields, true
}

// channelMessage handles GET/PATCH/DELETE channels/{id}/messages/{id}.
func (s *Server) channelMessage(w http.ResponseWriter, req *Request, channelID, messageID string) {
	var fields map[string]json.RawMessage
	if req.Method == "PATCH" {
		var ok bool
		if _, fields, ok = decodeMessageEdit(w, req); !ok {
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.messages[messageID]
	if st == nil || st.channelID != channelID {
		writeError(w, errUnknownMessage)
		return
	}
	switch req.Method {
	case "GET":
		writeJSON(w, 200, st.render())
	case "PATCH":
		st.merge(fields)
		st.edited = req.At
		s.notifyLocked()
		writeJSON(w, 200, st.render())
	case "DELETE":
		delete(s.messages, messageID)
		s.notifyLocked()
		w.WriteHeader(http.StatusNoContent)
	}
}

// Command name rules for CHAT_INPUT commands and options.
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// validateCommand checks a command like Discord does; it returns nil or a
// 400 Invalid Form Body error.
func validateCommand(c *discordgo.ApplicationCommand) *apiError {
	switch c.Type {
	case discordgo.ChatApplicationCommand:
		if !commandName.MatchString(c.Name) || strings.ToLower(c.Name) != c.Name {
			return invalidForm("name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		}
		if n := len([]rune(c.Description)); n < 1 || n > 100 {
			return invalidForm("description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		return validateOptions("options", c.Options)
	case discordgo.UserApplicationCommand, discordgo.MessageApplicationCommand:
		if n := len([]rune(c.Name)); n < 1 || n > 32 {
			return invalidForm("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
		}
		if c.Description != "" || len(c.Options) > 0 {
			return invalidForm("description", "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Context menu commands cannot have description or options")
		}
		return nil
	default:
		return invalidForm("type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.")
	}
}

func validateOptions(at string, opts []*discordgo.ApplicationCommandOption) *apiError {
	if len(opts) > 25 {
		return invalidForm(at, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	seen := map[string]bool{}
	optional := false
	for i, o := range opts {
		p := at + "." + strconv.Itoa(i)
		if o == nil {
			return invalidForm(p, "BASE_TYPE_REQUIRED", "This field is required")
		}
		if !commandName.MatchString(o.Name) || strings.ToLower(o.Name) != o.Name {
			return invalidForm(p+".name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		}
		if seen[o.Name] {
			return invalidForm(p+".name", "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
		}
		seen[o.Name] = true
		if n := len([]rune(o.Description)); n < 1 || n > 100 {
			return invalidForm(p+".description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		if o.Type < discordgo.ApplicationCommandOptionSubCommand || o.Type > discordgo.ApplicationCommandOptionAttachment {
			return invalidForm(p+".type", "BASE_TYPE_CHOICES", "Value must be one of {1, ..., 11}.")
		}
		if len(o.Choices) > 25 {
			return invalidForm(p+".choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
		if o.Autocomplete && len(o.Choices) > 0 {
			return invalidForm(p+".autocomplete", "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID", "Autocomplete cannot be set with choices")
		}
		switch o.Type {
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			if e := validateOptions(p+".options", o.Options); e != nil {
				return e
			}
		default:
			if o.Required && optional {
				return invalidForm(p+".required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options")
			}
			if !o.Required {
				optional = true
			}
		}
	}
	return nil
}

// commandsRoute handles applications/{app}[/guilds/{guild}]/commands[/{id}].
func (s *Server) commandsRoute(w http.ResponseWriter, req *Request, app, guild, id string) {
	if app != ApplicationID || (guild != "" && guild != GuildID) {
		writeError(w, errMissingAccess)
		return
	}
	decodeOne := func() (*discordgo.ApplicationCommand, bool) {
		var c discordgo.ApplicationCommand
		if err := json.Unmarshal(req.Body, &c); err != nil {
			writeError(w, errInvalidJSON)
			return nil, false
		}
		if c.Type == 0 {
			c.Type = discordgo.ChatApplicationCommand
		}
		if e := validateCommand(&c); e != nil {
			writeError(w, e)
			return nil, false
		}
		return &c, true
	}

	if id == "" {
		switch req.Method {
		case "GET":
			s.mu.Lock()
			out := copyCommands(s.commands[guild])
			s.mu.Unlock()
			writeJSON(w, 200, out)
		case "PUT":
			var cmds []*discordgo.ApplicationCommand
			if err := json.Unmarshal(req.Body, &cmds); err != nil {
				writeError(w, errInvalidJSON)
				return
			}
			if len(cmds) > 100 {
				writeError(w, invalidForm("_", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."))
				return
			}
			seen := map[string]bool{}
			for i, c := range cmds {
				if c == nil {
					writeError(w, invalidForm(strconv.Itoa(i), "BASE_TYPE_REQUIRED", "This field is required"))
					return
				}
				if c.Type == 0 {
					c.Type = discordgo.ChatApplicationCommand
				}
				if e := validateCommand(c); e != nil {
					e.errors = map[string]any{strconv.Itoa(i): e.errors}
					writeError(w, e)
					return
				}
				key := strconv.Itoa(int(c.Type)) + "/" + c.Name
				if seen[key] {
					writeError(w, invalidForm(strconv.Itoa(i)+".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"))
					return
				}
				seen[key] = true
			}
			s.mu.Lock()
			old := s.commands[guild]
			for _, c := range cmds {
				s.assignCommand(c, guild, old)
			}
			s.commands[guild] = cmds
			out := copyCommands(cmds)
			s.notifyLocked()
			s.mu.Unlock()
			writeJSON(w, 200, out)
		case "POST":
			c, ok := decodeOne()
			if !ok {
				return
			}
			s.mu.Lock()
			list := s.commands[guild]
			s.assignCommand(c, guild, list)
			status := http.StatusCreated
			if i := slices.IndexFunc(list, func(o *discordgo.ApplicationCommand) bool { return o.ID == c.ID }); i >= 0 {
				list[i] = c
				status = http.StatusOK
			} else {
				s.commands[guild] = append(list, c)
			}
			out := copyCommands([]*discordgo.ApplicationCommand{c})[0]
			s.notifyLocked()
			s.mu.Unlock()
			writeJSON(w, status, out)
		default:
			writeError(w, errMethodNotAllowed)
		}
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.commands[guild]
	i := slices.IndexFunc(list, func(o *discordgo.ApplicationCommand) bool { return o.ID == id })
	if i < 0 {
		if req.Method == "GET" || req.Method == "PATCH" || req.Method == "DELETE" {
			writeError(w, errUnknownCommand)
		} else {
			writeError(w, errMethodNotAllowed)
		}
		return
	}
	switch req.Method {
	case "GET":
		writeJSON(w, 200, copyCommands(list[i : i+1])[0])
	case "PATCH":
		c := copyCommands(list[i : i+1])[0]
		if err := json.Unmarshal(req.Body, c); err != nil {
			writeError(w, errInvalidJSON)
			return
		}
		c.ID, c.ApplicationID = id, ApplicationID
		if guild != "" {
			c.GuildID = guild
		}
		if e := validateCommand(c); e != nil {
			writeError(w, e)
			return
		}
		c.Version = s.nextID()
		list[i] = c
		s.notifyLocked()
		writeJSON(w, 200, copyCommands(list[i : i+1])[0])
	case "DELETE":
		s.commands[guild] = slices.Delete(slices.Clone(list), i, i+1)
		s.notifyLocked()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, errMethodNotAllowed)
	}
}

// assignCommand sets the server-owned fields of c, keeping the id of an
// existing command with the same type and name like Discord does.
func (s *Server) assignCommand(c *discordgo.ApplicationCommand, guild string, existing []*discordgo.ApplicationCommand) {
	c.ID = ""
	for _, o := range existing {
		if o.Name == c.Name && o.Type == c.Type {
			c.ID = o.ID
		}
	}
	if c.ID == "" {
		c.ID = s.nextID()
	}
	c.ApplicationID = ApplicationID
	c.GuildID = guild
	c.Version = s.nextID()
}

// copyCommands deep-copies commands (never returns nil).
func copyCommands(in []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
	out := []*discordgo.ApplicationCommand{}
	if len(in) == 0 {
		return out
	}
	b, err := json.Marshal(in)
	if err != nil {
		panic(fmt.Sprintf("discordtest: copying commands: %v", err))
	}
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("discordtest: copying commands: %v", err))
	}
	return out
}
