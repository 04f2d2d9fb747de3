package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// PostedMessage is a message the bot created through the REST API: a
// channel message (POST channels/{id}/messages) or an interaction follow-up
// (POST webhooks/{app}/{token}). Treat it as read-only.
type PostedMessage struct {
	// ID is the message id the Server assigned.
	ID string
	// ChannelID is the channel the message was created in.
	ChannelID string
	// Message is the request payload decoded into a MessageSend, message
	// components included. Files is always nil; see Files below.
	Message *discordgo.MessageSend
	// Raw is the JSON payload exactly as sent (the payload_json part of a
	// multipart request).
	Raw json.RawMessage
	// Files are the uploaded files of a multipart request.
	Files []PostedFile
	// At is when the request arrived.
	At time.Time
}

// PostedFile is a file uploaded with a message.
type PostedFile struct {
	// Field is the multipart form field name, e.g. "files[0]".
	Field string
	// Name is the file name.
	Name string
	// ContentType is the part's Content-Type.
	ContentType string
	// Data is the file content.
	Data []byte
}

// msgState is the current state of a message the Server knows about.
type msgState struct {
	id        string
	channelID string
	guildID   string
	msgType   discordgo.MessageType
	webhookID string
	author    *discordgo.User
	fields    map[string]json.RawMessage
	created   time.Time
	edited    time.Time
}

// payloadFields are the message payload fields that make up the visible
// message; others (allowed_mentions, nonce, ...) only steer the request.
var payloadFields = map[string]bool{
	"content":           true,
	"embeds":            true,
	"components":        true,
	"flags":             true,
	"tts":               true,
	"message_reference": true,
	"poll":              true,
}

// listFields are rendered as [] rather than null.
var listFields = []string{"embeds", "components", "attachments", "mentions", "mention_roles", "sticker_items"}

// newMsgState returns an empty message authored by the bot.
func newMsgState(id, channelID, guildID string, typ discordgo.MessageType) *msgState {
	return &msgState{
		id:        id,
		channelID: channelID,
		guildID:   guildID,
		msgType:   typ,
		author:    botUser(),
		fields:    make(map[string]json.RawMessage),
		created:   time.Now(),
	}
}

// msgStateFromJSON loads the state of an existing message (all fields).
func msgStateFromJSON(raw json.RawMessage) (*msgState, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	var head struct {
		ID        string                `json:"id"`
		ChannelID string                `json:"channel_id"`
		GuildID   string                `json:"guild_id"`
		Type      discordgo.MessageType `json:"type"`
		WebhookID string                `json:"webhook_id"`
		Author    *discordgo.User       `json:"author"`
		Timestamp time.Time             `json:"timestamp"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, err
	}
	for _, k := range []string{"id", "channel_id", "guild_id", "type", "webhook_id", "author", "timestamp", "edited_timestamp"} {
		delete(fields, k)
	}
	st := &msgState{
		id: head.ID, channelID: head.ChannelID, guildID: head.GuildID, msgType: head.Type,
		webhookID: head.WebhookID, author: head.Author, fields: fields, created: head.Timestamp,
	}
	if st.created.IsZero() {
		st.created = time.Now()
	}
	return st, nil
}

// merge overwrites the visible fields present in payload.
func (m *msgState) merge(payload map[string]json.RawMessage) {
	for k, v := range payload {
		if payloadFields[k] {
			m.fields[k] = v
		}
	}
}

// render returns the message as Discord would return it.
func (m *msgState) render() json.RawMessage {
	out := map[string]any{
		"content":          "",
		"tts":              false,
		"mention_everyone": false,
		"pinned":           false,
		"flags":            0,
	}
	for k, v := range m.fields {
		out[k] = v
	}
	for _, k := range listFields {
		if v, ok := out[k].(json.RawMessage); !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			out[k] = []any{}
		}
	}
	out["id"] = m.id
	out["channel_id"] = m.channelID
	if m.guildID != "" {
		out["guild_id"] = m.guildID
	}
	out["type"] = m.msgType
	if m.author != nil {
		out["author"] = m.author
	}
	if m.webhookID != "" {
		out["webhook_id"] = m.webhookID
		out["application_id"] = ApplicationID
	}
	out["timestamp"] = m.created.UTC().Format(time.RFC3339Nano)
	if m.edited.IsZero() {
		out["edited_timestamp"] = nil
	} else {
		out["edited_timestamp"] = m.edited.UTC().Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic(fmt.Sprintf("discordtest: rendering message: %v", err))
	}
	return b
}

// message returns the message as a *discordgo.Message.
func (m *msgState) message() *discordgo.Message {
	var msg discordgo.Message
	if err := json.Unmarshal(m.render(), &msg); err != nil {
		panic(fmt.Sprintf("discordtest: decoding rendered message: %v", err))
	}
	return &msg
}

// decodePayload extracts the JSON payload (and files) of a message-creating
// request, which is either plain JSON or multipart/form-data with a
// payload_json part.
func decodePayload(req *Request) (json.RawMessage, []PostedFile, error) {
	mt, params, _ := mime.ParseMediaType(req.ContentType)
	if mt != "multipart/form-data" {
		if len(bytes.TrimSpace(req.Body)) == 0 {
			return json.RawMessage("{}"), nil, nil
		}
		if !json.Valid(req.Body) {
			return nil, nil, fmt.Errorf("invalid JSON body")
		}
		return json.RawMessage(req.Body), nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(req.Body), params["boundary"])
	var payload json.RawMessage
	var files []PostedFile
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading multipart body: %w", err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, fmt.Errorf("reading multipart part: %w", err)
		}
		if p.FormName() == "payload_json" {
			if !json.Valid(data) {
				return nil, nil, fmt.Errorf("invalid payload_json")
			}
			payload = data
			continue
		}
		files = append(files, PostedFile{
			Field: p.FormName(), Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data,
		})
	}
	if payload == nil {
		payload = json.RawMessage("{}")
	}
	return payload, files, nil
}

// decodeMessageSend decodes a message payload into a MessageSend, including
// its components (which MessageSend cannot unmarshal by itself).
func decodeMessageSend(raw json.RawMessage) (*discordgo.MessageSend, error) {
	type plain discordgo.MessageSend
	var v struct {
		*plain
		Components []json.RawMessage `json:"components"`
	}
	v.plain = new(plain)
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	ms := (*discordgo.MessageSend)(v.plain)
	ms.Components = nil
	for _, c := range v.Components {
		mc, err := discordgo.MessageComponentFromJSON(c)
		if err != nil {
			return nil, fmt.Errorf("decoding component: %w", err)
		}
		ms.Components = append(ms.Components, mc)
	}
	return ms, nil
}

// marshalMessage encodes m like Discord would, including its components
// (discordgo.Message does not marshal them).
func marshalMessage(m *discordgo.Message) (json.RawMessage, error) {
	b, err := json.Marshal(m)
	if err != nil || len(m.Components) == 0 {
		return b, err
	}
	comps, err := json.Marshal(m.Components)
	if err != nil {
		return nil, err
	}
	return setField(b, "components", comps)
}

// marshalInteraction encodes i including the components of i.Message.
func marshalInteraction(i *discordgo.Interaction) (json.RawMessage, error) {
	b, err := json.Marshal(i)
	if err != nil || i.Message == nil || len(i.Message.Components) == 0 {
		return b, err
	}
	m, err := marshalMessage(i.Message)
	if err != nil {
		return nil, err
	}
	return setField(b, "message", m)
}

// setField sets key in the JSON object obj to value.
func setField(obj []byte, key string, value json.RawMessage) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(obj, &fields); err != nil {
		return nil, err
	}
	fields[key] = value
	return json.Marshal(fields)
}

// encodeEvent encodes a Dispatch payload.
func encodeEvent(data any) (json.RawMessage, error) {
	switch v := data.(type) {
	case json.RawMessage:
		if !json.Valid(v) {
			return nil, fmt.Errorf("invalid JSON")
		}
		return v, nil
	case *discordgo.Message:
		return marshalMessage(v)
	case discordgo.Message:
		return marshalMessage(&v)
	case discordgo.Interaction:
		return marshalInteraction(&v)
	case *discordgo.MessageCreate:
		return marshalMessage(v.Message)
	case *discordgo.Interaction:
		return marshalInteraction(v)
	case *discordgo.InteractionCreate:
		return marshalInteraction(v.Interaction)
	default:
		return json.Marshal(data)
	}
}

// Message limits enforced like Discord does.
const (
	maxContent          = 2000
	maxEmbeds           = 10
	maxEmbedTotal       = 6000
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooter           = 2048
	maxAuthorName       = 256
	maxActionRows       = 5
)

// validateMessage checks a message payload against Discord's limits. When
// nonEmpty, a message without content, embeds, components, files, stickers
// or poll is rejected like Discord does (code 50006).
func validateMessage(fields map[string]json.RawMessage, nFiles int, nonEmpty bool) *apiError {
	var content string
	if raw, ok := fields["content"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &content); err != nil {
			return invalidForm("content", "BASE_TYPE_STRING", "Must be a string.")
		}
	}
	if n := utf8.RuneCountInString(content); n > maxContent {
		return invalidForm("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
	}
	var embeds []*discordgo.MessageEmbed
	if raw, ok := fields["embeds"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &embeds); err != nil {
			return invalidForm("embeds", "BASE_TYPE_ARRAY", "Must be an array of embeds.")
		}
	}
	if len(embeds) > maxEmbeds {
		return invalidForm("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
	}
	total := 0
	for i, e := range embeds {
		if e == nil {
			continue
		}
		at := "embeds." + strconv.Itoa(i)
		n := utf8.RuneCountInString
		if n(e.Title) > maxEmbedTitle {
			return invalidForm(at+".title", "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")
		}
		if n(e.Description) > maxEmbedDescription {
			return invalidForm(at+".description", "BASE_TYPE_MAX_LENGTH", "Must be 4096 or fewer in length.")
		}
		if len(e.Fields) > maxEmbedFields {
			return invalidForm(at+".fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
		total += n(e.Title) + n(e.Description)
		for j, f := range e.Fields {
			if f == nil {
				continue
			}
			if f.Name == "" || n(f.Name) > maxFieldName {
				return invalidForm(at+".fields."+strconv.Itoa(j)+".name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 256 in length.")
			}
			if f.Value == "" || n(f.Value) > maxFieldValue {
				return invalidForm(at+".fields."+strconv.Itoa(j)+".value", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 1024 in length.")
			}
			total += n(f.Name) + n(f.Value)
		}
		if e.Footer != nil {
			if n(e.Footer.Text) > maxFooter {
				return invalidForm(at+".footer.text", "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length.")
			}
			total += n(e.Footer.Text)
		}
		if e.Author != nil {
			if n(e.Author.Name) > maxAuthorName {
				return invalidForm(at+".author.name", "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")
			}
			total += n(e.Author.Name)
		}
	}
	if total > maxEmbedTotal {
		return invalidForm("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
	}
	var components []json.RawMessage
	if raw, ok := fields["components"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &components); err != nil {
			return invalidForm("components", "BASE_TYPE_ARRAY", "Must be an array of components.")
		}
	}
	for i, c := range components {
		if _, err := discordgo.MessageComponentFromJSON(c); err != nil {
			return invalidForm("components."+strconv.Itoa(i), "COMPONENT_INVALID", err.Error())
		}
	}
	var flags discordgo.MessageFlags
	if raw, ok := fields["flags"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &flags); err != nil {
			return invalidForm("flags", "NUMBER_TYPE_COERCE", "Value is not int.")
		}
	}
	if flags&discordgo.MessageFlagsIsComponentsV2 == 0 && len(components) > maxActionRows {
		return invalidForm("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
	}
	if nonEmpty && strings.TrimSpace(content) == "" && len(embeds) == 0 && len(components) == 0 && nFiles == 0 &&
		!present(fields, "sticker_ids") && !present(fields, "poll") {
		return &apiError{status: 400, code: 50006, message: "Cannot send an empty message"}
	}
	return nil
}

// present reports whether key is set to a non-null, non-empty value.
func present(fields map[string]json.RawMessage, key string) bool {
	raw, ok := fields[key]
	if !ok || isNull(raw) {
		return false
	}
	s := string(bytes.TrimSpace(raw))
	return s != "[]" && s != `""` && s != "{}"
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// attachmentsJSON describes uploaded files as message attachments.
func (s *Server) attachmentsJSON(channelID string, files []PostedFile) json.RawMessage {
	out := make([]map[string]any, 0, len(files))
	for _, f := range files {
		id := s.nextID()
		out = append(out, map[string]any{
			"id":           id,
			"filename":     f.Name,
			"size":         len(f.Data),
			"content_type": f.ContentType,
			"url":          "https://cdn.discordapp.com/attachments/" + channelID + "/" + id + "/" + f.Name,
			"proxy_url":    "https://media.discordapp.net/attachments/" + channelID + "/" + id + "/" + f.Name,
		})
	}
	b, _ := json.Marshal(out)
	return b
}

// SendMessage dispatches MESSAGE_CREATE for m to every connected client.
// Empty ID, Timestamp, ChannelID (ChannelID), GuildID (GuildID, unless the
// channel is a DM channel) and Author (the default member) are filled in on
// m itself before sending. The message is remembered, so the bot can fetch
// or reply to it.
func (s *Server) SendMessage(m *discordgo.Message) {
	if m.ID == "" {
		m.ID = s.nextID()
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = time.Now().UTC()
	}
	if m.ChannelID == "" {
		m.ChannelID = ChannelID
	}
	s.mu.Lock()
	_, dm := s.dmChannels[m.ChannelID]
	s.mu.Unlock()
	if m.GuildID == "" && !dm {
		m.GuildID = GuildID
	}
	if m.Author == nil {
		m.Author = defaultUser()
	}
	raw, err := marshalMessage(m)
	if err != nil {
		s.t.Errorf("discordtest: SendMessage: encoding message: %v", err)
		return
	}
	if st, err := msgStateFromJSON(raw); err == nil {
		s.mu.Lock()
		s.messages[st.id] = st
		s.mu.Unlock()
	}
	s.Dispatch("MESSAGE_CREATE", json.RawMessage(raw))
}

// UserMessage builds (does not send) a MESSAGE_CREATE message from the
// default member in ChannelID with a fresh id. When mentionBot is true the
// bot user is in Mentions and, unless content already mentions the bot,
// "<@BotUserID> " is prepended to content.
func (s *Server) UserMessage(content string, mentionBot bool) *discordgo.Message {
	m := &discordgo.Message{
		ID:           s.nextID(),
		ChannelID:    ChannelID,
		GuildID:      GuildID,
		Content:      content,
		Timestamp:    time.Now().UTC(),
		Author:       defaultUser(),
		Member:       &discordgo.Member{JoinedAt: memberJoined, Roles: []string{}},
		Type:         discordgo.MessageTypeDefault,
		Mentions:     []*discordgo.User{},
		MentionRoles: []string{},
		Attachments:  []*discordgo.MessageAttachment{},
		Embeds:       []*discordgo.MessageEmbed{},
	}
	if mentionBot {
		if !strings.Contains(content, "<@"+BotUserID+">") && !strings.Contains(content, "<@!"+BotUserID+">") {
			m.Content = "<@" + BotUserID + "> " + content
		}
		m.Mentions = []*discordgo.User{botUser()}
	}
	return m
}

// WaitChannelMessage returns the next message the bot POSTed to
// channels/{channelID}/messages. Messages are returned in the order they
// were created, each once.
func (s *Server) WaitChannelMessage(ctx context.Context, channelID string) (*PostedMessage, error) {
	var out *PostedMessage
	err := s.waitLocked(ctx, "a message in channel "+channelID, func() bool {
		next := s.channelNext[channelID]
		if next >= len(s.channelMsgs[channelID]) {
			return false
		}
		out = s.channelMsgs[channelID][next]
		s.channelNext[channelID] = next + 1
		return true
	})
	return out, err
}

// ChannelMessages returns every message the bot POSTed to channelID so
// far, whether or not WaitChannelMessage already returned it.
func (s *Server) ChannelMessages(channelID string) []*PostedMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*PostedMessage(nil), s.channelMsgs[channelID]...)
}

// ChannelMessage returns the current state of a channel message the Server
// knows (one the bot created, possibly edited since, or one sent with
// SendMessage), or nil if it is unknown or was deleted.
func (s *Server) ChannelMessage(messageID string) *discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.messages[messageID]
	if st == nil {
		return nil
	}
	return st.message()
}
