package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Commands returns a copy of the application commands registered for
// guildID, or the global commands when guildID is "", in registration
// order.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyCommands(s.commands[guildID])
}

// WaitCommands waits until at least n commands are registered for guildID
// ("" = global) and returns a copy of them.
func (s *Server) WaitCommands(ctx context.Context, guildID string, n int) ([]*discordgo.ApplicationCommand, error) {
	var out []*discordgo.ApplicationCommand
	err := s.waitLocked(ctx, fmt.Sprintf("%d commands in %q", n, guildID), func() bool {
		if len(s.commands[guildID]) < n {
			return false
		}
		out = copyCommands(s.commands[guildID])
		return true
	})
	return out, err
}

// SlashOption is an option value of a built interaction.
type SlashOption struct {
	// Name is the option name.
	Name string
	// Value is the option value: string, bool, an integer type or a float
	// type; or []SlashOption for a sub-command (or sub-command group),
	// whose Name is then the sub-command's name. If the command is
	// registered, the option type is taken from its definition (so a
	// string can be a user, channel, role or mentionable id); otherwise it
	// is inferred from the Go type.
	Value any
	// Focused marks the option the user is typing in; meaningful for
	// Autocomplete interactions only.
	Focused bool
}

// SlashCommand builds (does not send) an APPLICATION_COMMAND interaction
// for the chat-input command name with the given options, invoked in
// GuildID/ChannelID by the default member (UserID), with a fresh unique ID
// and token. If the command is registered for GuildID or globally, its id
// and option types are used. The interaction is known to the Server from
// now on, so the bot can answer it once it is sent with SendInteraction.
func (s *Server) SlashCommand(name string, opts ...SlashOption) *discordgo.Interaction {
	return s.commandInteraction(discordgo.InteractionApplicationCommand, name, opts)
}

// Autocomplete builds (does not send) an APPLICATION_COMMAND_AUTOCOMPLETE
// interaction like SlashCommand; mark the option being typed with Focused.
func (s *Server) Autocomplete(name string, opts ...SlashOption) *discordgo.Interaction {
	return s.commandInteraction(discordgo.InteractionApplicationCommandAutocomplete, name, opts)
}

// ComponentInteraction builds (does not send) a MESSAGE_COMPONENT
// interaction: the default member clicking the button customID on msg
// (typically Response.Message of an earlier interaction), or, when values
// are given, choosing them in the string select menu customID.
func (s *Server) ComponentInteraction(msg *discordgo.Message, customID string, values ...string) *discordgo.Interaction {
	data := discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}
	if values != nil {
		data.ComponentType = discordgo.SelectMenuComponent
		data.Values = values
	}
	i := s.baseInteraction(discordgo.InteractionMessageComponent, data)
	i.Message = msg
	if msg != nil && msg.ChannelID != "" {
		i.ChannelID = msg.ChannelID
	}
	s.register(i)
	return i
}

func (s *Server) commandInteraction(typ discordgo.InteractionType, name string, opts []SlashOption) *discordgo.Interaction {
	s.mu.Lock()
	var cmd *discordgo.ApplicationCommand
	for _, g := range []string{GuildID, ""} {
		for _, c := range s.commands[g] {
			if c.Name == name && c.Type == discordgo.ChatApplicationCommand && cmd == nil {
				cmd = copyCommands([]*discordgo.ApplicationCommand{c})[0]
			}
		}
	}
	s.mu.Unlock()
	data := discordgo.ApplicationCommandInteractionData{
		Name:        name,
		CommandType: discordgo.ChatApplicationCommand,
	}
	var defs []*discordgo.ApplicationCommandOption
	if cmd != nil {
		data.ID = cmd.ID
		defs = cmd.Options
	} else {
		data.ID = s.nextID()
	}
	data.Options = buildOptions(opts, defs)
	i := s.baseInteraction(typ, data)
	s.register(i)
	return i
}

// buildOptions converts SlashOptions to interaction data options, typed by
// the registered definitions where known.
func buildOptions(opts []SlashOption, defs []*discordgo.ApplicationCommandOption) []*discordgo.ApplicationCommandInteractionDataOption {
	out := make([]*discordgo.ApplicationCommandInteractionDataOption, 0, len(opts))
	for _, o := range opts {
		var def *discordgo.ApplicationCommandOption
		for _, d := range defs {
			if d != nil && d.Name == o.Name {
				def = d
			}
		}
		opt := &discordgo.ApplicationCommandInteractionDataOption{Name: o.Name, Focused: o.Focused}
		switch v := o.Value.(type) {
		case []SlashOption:
			opt.Type = discordgo.ApplicationCommandOptionSubCommand
			var sub []*discordgo.ApplicationCommandOption
			if def != nil {
				opt.Type = def.Type
				sub = def.Options
			}
			opt.Options = buildOptions(v, sub)
		case string:
			opt.Type, opt.Value = discordgo.ApplicationCommandOptionString, v
		case bool:
			opt.Type, opt.Value = discordgo.ApplicationCommandOptionBoolean, v
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
			opt.Type, opt.Value = discordgo.ApplicationCommandOptionInteger, v
		case float32, float64:
			opt.Type, opt.Value = discordgo.ApplicationCommandOptionNumber, v
		default:
			opt.Type, opt.Value = discordgo.ApplicationCommandOptionString, fmt.Sprint(v)
		}
		if def != nil && opt.Options == nil {
			opt.Type = def.Type
		}
		out = append(out, opt)
	}
	return out
}

// baseInteraction returns an interaction of typ from the default member in
// GuildID/ChannelID with a fresh id and token.
func (s *Server) baseInteraction(typ discordgo.InteractionType, data discordgo.InteractionData) *discordgo.Interaction {
	id := s.nextID()
	locale := discordgo.EnglishGB
	return &discordgo.Interaction{
		ID:             id,
		AppID:          ApplicationID,
		Type:           typ,
		Data:           data,
		GuildID:        GuildID,
		ChannelID:      ChannelID,
		AppPermissions: everyonePermissions,
		Member:         defaultMember(),
		Locale:         locale,
		GuildLocale:    &locale,
		Context:        discordgo.InteractionContextGuild,
		Token:          "aW50ZXJhY3Rpb246" + id + ":" + randomHex(32),
		Version:        1,
	}
}

// interactionRecord is the Server's view of one interaction.
type interactionRecord struct {
	id        string
	token     string
	itype     discordgo.InteractionType
	channelID string
	guildID   string
	orig      json.RawMessage // the message a component interaction is on
	sentAt    time.Time
	acked     bool
	expired   bool     // its token ended: see ExpireInteractionToken
	overHTTP  bool     // delivered to an interactions endpoint (see SetInteractionsEndpoint)
	posting   bool     // its delivery's HTTP response has not been read yet
	resp      Response // Message unused; see msg
	msg       *msgState
	followups []*followup
	nextFU    int
}

type followup struct {
	posted *PostedMessage
	msg    *msgState
}

// register makes i known to the Server (idempotent).
func (s *Server) register(i *discordgo.Interaction) *interactionRecord {
	var orig json.RawMessage
	if i.Message != nil {
		orig, _ = marshalMessage(i.Message)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec := s.interactions[i.ID]; rec != nil {
		return rec
	}
	rec := &interactionRecord{
		id: i.ID, token: i.Token, itype: i.Type, channelID: i.ChannelID, guildID: i.GuildID, orig: orig,
	}
	s.interactions[i.ID] = rec
	s.tokens[i.Token] = rec
	return rec
}

// SendInteraction dispatches INTERACTION_CREATE for i (registering it if it
// was not built by the Server) and starts its response deadline (see
// SetInteractionDeadline); once SetInteractionsEndpoint has named an
// endpoint, it POSTs i there instead.
func (s *Server) SendInteraction(i *discordgo.Interaction) {
	if i.ID == "" {
		i.ID = s.nextID()
	}
	if i.Token == "" {
		i.Token = "aW50ZXJhY3Rpb246" + i.ID + ":" + randomHex(32)
	}
	rec := s.register(i)
	s.mu.Lock()
	if rec.sentAt.IsZero() {
		rec.sentAt = time.Now()
	}
	if i.ChannelID != "" {
		rec.channelID = i.ChannelID // a test may have moved it to another channel
	}
	url := s.endpoint
	overHTTP := url != "" && !s.closed
	if overHTTP {
		rec.overHTTP, rec.posting = true, true
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if overHTTP {
		go s.deliver(url, i, rec)
		return
	}
	s.Dispatch("INTERACTION_CREATE", i)
}

// Response is what the bot answered to an interaction.
type Response struct {
	// CallbackType is the type of the initial interaction callback.
	CallbackType discordgo.InteractionResponseType
	// CallbackAt is when the callback arrived.
	CallbackAt time.Time
	// EditedAt is when the first edit of the original response arrived
	// (zero if none).
	EditedAt time.Time
	// Message is the visible original response message: content, embeds,
	// components and flags from the callback data (or, for callback types
	// 6 and 7, the message the component was on), overwritten field by
	// field by later edits. Nil for callback types without a message
	// (autocomplete result, modal).
	Message *discordgo.Message
	// Raw holds the raw JSON bodies: the callback first, then each edit of
	// the original response, in order.
	Raw []json.RawMessage
	// Edits counts the edits of the original response.
	Edits int
	// Deleted reports whether the bot deleted the original response.
	Deleted bool
	// Choices are the autocomplete choices of a callback of type 8.
	Choices []*discordgo.ApplicationCommandOptionChoice
}

// snapshotLocked returns a copy of rec's response. s.mu must be held.
func snapshotLocked(rec *interactionRecord) *Response {
	r := rec.resp
	r.Raw = slices.Clone(rec.resp.Raw)
	r.Choices = slices.Clone(rec.resp.Choices)
	if rec.msg != nil {
		r.Message = rec.msg.message()
	}
	return &r
}

// completeLocked reports whether rec has a final response: a callback, and
// for deferred callbacks (types 5 and 6) also an edit or deletion of the
// original response.
func completeLocked(rec *interactionRecord) bool {
	if !rec.acked {
		return false
	}
	switch rec.resp.CallbackType {
	case discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate:
		return rec.resp.Edits > 0 || rec.resp.Deleted
	}
	return true
}

// WaitResponse waits for the bot's reply to i: an immediate callback (type
// 4, 7, 8, 9), or a deferred callback (type 5 or 6) followed by an edit of
// webhooks/{app}/{token}/messages/@original, in which case it waits for
// that edit. The Response is a snapshot; later edits are not reflected.
func (s *Server) WaitResponse(ctx context.Context, i *discordgo.Interaction) (*Response, error) {
	return s.waitResponse(ctx, i, "the response to interaction "+i.ID, completeLocked)
}

// WaitResponseEdits waits until the bot made at least n edits of the
// original response to i and returns a snapshot.
func (s *Server) WaitResponseEdits(ctx context.Context, i *discordgo.Interaction, n int) (*Response, error) {
	return s.waitResponse(ctx, i, fmt.Sprintf("%d edits of the response to interaction %s", n, i.ID),
		func(rec *interactionRecord) bool { return rec.acked && rec.resp.Edits >= n })
}

func (s *Server) waitResponse(ctx context.Context, i *discordgo.Interaction, what string, done func(*interactionRecord) bool) (*Response, error) {
	var out *Response
	err := s.waitLocked(ctx, what, func() bool {
		rec := s.interactions[i.ID]
		if rec == nil || !done(rec) {
			return false
		}
		out = snapshotLocked(rec)
		return true
	})
	return out, err
}

// ResponseTo returns a snapshot of the bot's reply to i so far, or nil if
// it has not acknowledged i.
func (s *Server) ResponseTo(i *discordgo.Interaction) *Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.interactions[i.ID]
	if rec == nil || !rec.acked {
		return nil
	}
	return snapshotLocked(rec)
}

// WaitFollowup returns the next follow-up message (POST
// webhooks/{app}/{token}) the bot sent for i, in order, each once.
func (s *Server) WaitFollowup(ctx context.Context, i *discordgo.Interaction) (*PostedMessage, error) {
	var out *PostedMessage
	err := s.waitLocked(ctx, "a follow-up to interaction "+i.ID, func() bool {
		rec := s.interactions[i.ID]
		if rec == nil || rec.nextFU >= len(rec.followups) {
			return false
		}
		out = rec.followups[rec.nextFU].posted
		rec.nextFU++
		return true
	})
	return out, err
}

// Followups returns all follow-up messages the bot sent for i so far.
func (s *Server) Followups(i *discordgo.Interaction) []*PostedMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.interactions[i.ID]
	if rec == nil {
		return nil
	}
	out := make([]*PostedMessage, len(rec.followups))
	for k, f := range rec.followups {
		out[k] = f.posted
	}
	return out
}

// callbackAllowed reports whether a callback of type ct may answer an
// interaction of type it.
func callbackAllowed(it discordgo.InteractionType, ct discordgo.InteractionResponseType) bool {
	switch ct {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		return it != discordgo.InteractionApplicationCommandAutocomplete
	case discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage:
		return it == discordgo.InteractionMessageComponent || it == discordgo.InteractionModalSubmit
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		return it == discordgo.InteractionApplicationCommandAutocomplete
	case discordgo.InteractionResponseModal:
		return it == discordgo.InteractionApplicationCommand || it == discordgo.InteractionMessageComponent
	}
	return false
}

// interactionCallback handles POST interactions/{id}/{token}/callback.
func (s *Server) interactionCallback(w http.ResponseWriter, req *Request, id, token string) {
	payload, files, err := decodePayload(req)
	var cb struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if err == nil {
		err = json.Unmarshal(payload, &cb)
	}
	if err != nil {
		writeError(w, errInvalidJSON)
		return
	}
	var data map[string]json.RawMessage
	if !isNull(cb.Data) {
		if err := json.Unmarshal(cb.Data, &data); err != nil {
			writeError(w, errInvalidJSON)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.interactions[id]
	if rec == nil || rec.token != token || rec.expired || rec.overHTTP {
		// An interaction delivered over HTTP is answered in the HTTP
		// response, not by this endpoint.
		writeError(w, errUnknownInteract)
		return
	}
	if e := s.acceptCallbackLocked(rec, cb.Type, cb.Data, data, payload, len(files), req.At); e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// acceptCallbackLocked checks an interaction's first response (its
// callback) as Discord does and records it, whether it came to the
// callback endpoint or as the body of the response to an HTTP delivery.
// s.mu must be held.
func (s *Server) acceptCallbackLocked(rec *interactionRecord, cbType discordgo.InteractionResponseType, cbData json.RawMessage,
	data map[string]json.RawMessage, payload json.RawMessage, files int, at time.Time) *apiError {
	if rec.acked {
		return errAlreadyAcked
	}
	if !rec.sentAt.IsZero() && s.interactionTimeout > 0 && at.Sub(rec.sentAt) > s.interactionTimeout {
		return errUnknownInteract
	}
	if !callbackAllowed(rec.itype, cbType) {
		return invalidForm("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type")
	}
	switch cbType {
	case discordgo.InteractionResponseChannelMessageWithSource:
		if e := validateMessage(data, files, true); e != nil {
			e.errors = map[string]any{"data": e.errors}
			return e
		}
	case discordgo.InteractionResponseUpdateMessage, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		if e := validateMessage(data, files, false); e != nil {
			e.errors = map[string]any{"data": e.errors}
			return e
		}
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if e := validateChoices(data); e != nil {
			return e
		}
	}

	rec.acked = true
	rec.resp.CallbackType = cbType
	rec.resp.CallbackAt = at
	rec.resp.Raw = append(rec.resp.Raw, payload)
	switch cbType {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		typ := discordgo.MessageTypeDefault
		if rec.itype == discordgo.InteractionApplicationCommand {
			typ = discordgo.MessageTypeChatInputCommand
		}
		rec.msg = newMsgState(s.nextID(), rec.channelID, rec.guildID, typ)
		rec.msg.webhookID = ApplicationID
		rec.msg.created = at
		if cbType == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			// Only the flags (ephemeral) of a deferred response matter.
			if f, ok := data["flags"]; ok {
				rec.msg.fields["flags"] = f
			}
		} else {
			rec.msg.merge(data)
		}
	case discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage:
		if rec.orig != nil {
			rec.msg, _ = msgStateFromJSON(rec.orig)
		}
		if rec.msg == nil {
			rec.msg = newMsgState(s.nextID(), rec.channelID, rec.guildID, discordgo.MessageTypeDefault)
		}
		if cbType == discordgo.InteractionResponseUpdateMessage {
			rec.msg.merge(data)
			rec.msg.edited = at
		}
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		var d struct {
			Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
		}
		_ = json.Unmarshal(cbData, &d)
		rec.resp.Choices = d.Choices
	}
	s.notifyLocked()
	return nil
}

// maxChoices is how many choices an autocomplete result may offer.
const maxChoices = 25

// validateChoices checks the data of an autocomplete result (callback
// type 8) against Discord's documentation, which lists "choices" as
// required: an array, empty when nothing matches, of at most 25 choices.
// (Discord's OpenAPI spec is laxer and allows null; the fake holds bots to
// the documented shape.)
func validateChoices(data map[string]json.RawMessage) *apiError {
	raw, ok := data["choices"]
	if !ok || isNull(raw) {
		return invalidForm("data.choices", "BASE_TYPE_REQUIRED", "This field is required")
	}
	var choices []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &choices); err != nil {
		return invalidForm("data.choices", "BASE_TYPE_ARRAY", "Must be an array.")
	}
	if len(choices) > maxChoices {
		return invalidForm("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	for n, c := range choices {
		var name string
		if err := json.Unmarshal(c["name"], &name); err != nil || name == "" || len([]rune(name)) > 100 {
			return invalidForm(fmt.Sprintf("data.choices.%d.name", n), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		if _, ok := c["value"]; !ok {
			return invalidForm(fmt.Sprintf("data.choices.%d.value", n), "BASE_TYPE_REQUIRED", "This field is required")
		}
	}
	return nil
}

// webhookRecord finds the interaction behind an interaction webhook.
// s.mu must be held.
func (s *Server) webhookRecordLocked(app, token string) *interactionRecord {
	if app != ApplicationID {
		return nil
	}
	return s.tokens[token]
}

// webhookExecute handles POST webhooks/{app}/{token} (follow-ups).
func (s *Server) webhookExecute(w http.ResponseWriter, req *Request, app, token string) {
	payload, files, err := decodePayload(req)
	var fields map[string]json.RawMessage
	if err == nil {
		err = json.Unmarshal(payload, &fields)
	}
	if err != nil {
		writeError(w, errInvalidJSON)
		return
	}
	ms, err := decodeMessageSend(payload)
	if err != nil {
		writeError(w, invalidForm("components", "COMPONENT_INVALID", err.Error()))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.webhookRecordLocked(app, token)
	s.awaitDeliveryLocked(rec)
	if rec != nil && rec.expired {
		writeError(w, errInvalidWHToken)
		return
	}
	if rec == nil || !rec.acked {
		writeError(w, errUnknownWebhook)
		return
	}
	if e := validateMessage(fields, len(files), true); e != nil {
		writeError(w, e)
		return
	}
	st := newMsgState(s.nextID(), rec.channelID, rec.guildID, discordgo.MessageTypeDefault)
	st.webhookID = ApplicationID
	st.created = req.At
	st.merge(fields)
	if len(files) > 0 {
		st.fields["attachments"] = s.attachmentsJSON(rec.channelID, files)
	}
	pm := &PostedMessage{ID: st.id, ChannelID: rec.channelID, Message: ms, Raw: payload, Files: files, At: req.At}
	rec.followups = append(rec.followups, &followup{posted: pm, msg: st})
	s.notifyLocked()
	writeJSON(w, 200, st.render())
}

// webhookMessage handles GET/PATCH/DELETE
// webhooks/{app}/{token}/messages/{id|@original}.
func (s *Server) webhookMessage(w http.ResponseWriter, req *Request, app, token, msgID string) {
	var payload json.RawMessage
	var fields map[string]json.RawMessage
	if req.Method == "PATCH" {
		var ok bool
		if payload, fields, ok = decodeMessageEdit(w, req); !ok {
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.webhookRecordLocked(app, token)
	s.awaitDeliveryLocked(rec)
	if rec == nil {
		writeError(w, errUnknownWebhook)
		return
	}
	if rec.expired {
		writeError(w, errInvalidWHToken)
		return
	}
	var st *msgState
	original := false
	switch {
	case rec.msg != nil && !rec.resp.Deleted && (msgID == "@original" || msgID == rec.msg.id):
		st, original = rec.msg, true
	default:
		for _, f := range rec.followups {
			if f.msg != nil && f.msg.id == msgID {
				st = f.msg
			}
		}
	}
	if st == nil {
		writeError(w, errUnknownMessage)
		return
	}
	switch req.Method {
	case "GET":
		writeJSON(w, 200, st.render())
	case "PATCH":
		st.merge(fields)
		st.edited = req.At
		if original {
			rec.resp.Edits++
			if rec.resp.EditedAt.IsZero() {
				rec.resp.EditedAt = req.At
			}
			rec.resp.Raw = append(rec.resp.Raw, payload)
		}
		s.notifyLocked()
		writeJSON(w, 200, st.render())
	case "DELETE":
		if original {
			rec.resp.Deleted = true
		} else {
			for _, f := range rec.followups {
				if f.msg == st {
					f.msg = nil
				}
			}
		}
		s.notifyLocked()
		w.WriteHeader(http.StatusNoContent)
	}
}
