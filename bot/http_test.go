package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/library"
)

// startBotOverHTTP is startBotSearching with interactions over HTTP: the
// bot serves its interactions endpoint on loopback, and the fake Discord
// POSTs every interaction there, signed with its key, instead of sending
// it over the gateway. It returns the endpoint's URL too.
func startBotOverHTTP(t *testing.T, s Searcher, set func(*Config)) (*discordtest.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/interactions"
	srv := startBotSearching(t, s, func(c *Config) {
		c.Interactions, c.PublicKey = ln, discordtest.PublicKey()
		if set != nil {
			set(c)
		}
	})
	srv.SetInteractionsEndpoint(url)
	return srv, url
}

// TestPingIsAnsweredWithPong is Discord checking the Interactions
// Endpoint URL when it is saved in the Developer Portal: a signed PING
// gets PONG, an unsigned one 401.
func TestPingIsAnsweredWithPong(t *testing.T) {
	srv, url := startBotOverHTTP(t, openTestIndex(t, botCorpus), nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	status, body, err := srv.Ping(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var pong struct {
		Type discordgo.InteractionResponseType `json:"type"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &pong) != nil || pong.Type != discordgo.InteractionResponsePong {
		t.Errorf("PING: %d %s, want 200 {\"type\":1}", status, body)
	}
	status, _, err = discordtest.PostSigned(ctx, url, []byte(`{"type":1}`), "", "")
	if err != nil || status != http.StatusUnauthorized {
		t.Errorf("unsigned PING: %d %v, want 401", status, err)
	}
}

// TestUnsignedInteractionsReachNoHandler sends /ask without a valid
// signature in every way Discord never would: each gets 401 (or 413 for
// a body too big to be one), and no handler runs, which the rate limit
// of one question a minute shows: the asker's one question afterwards is
// still answered.
func TestUnsignedInteractionsReachNoHandler(t *testing.T) {
	srv, url := startBotOverHTTP(t, openTestIndex(t, botCorpus), func(c *Config) { c.RateLimit = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	i := srv.SlashCommand("ask", question("what are short breaks"))
	body, err := json.Marshal(i)
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	later := strconv.FormatInt(time.Now().Unix()+60, 10)
	old := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	var huge bytes.Buffer
	huge.WriteString(`{"type":2,"padding":"`)
	huge.Write(bytes.Repeat([]byte("x"), 2<<20))
	huge.WriteString(`"}`)
	tests := []struct {
		name       string
		body       []byte
		ts, sig    string
		wantStatus int
	}{
		{"no signature", body, ts, "", http.StatusUnauthorized},
		{"no timestamp", body, "", discordtest.Sign(ts, body), http.StatusUnauthorized},
		{"signature of another body", body, ts, discordtest.Sign(ts, []byte(`{"type":2}`)), http.StatusUnauthorized},
		{"replayed with another timestamp", body, later, discordtest.Sign(ts, body), http.StatusUnauthorized},
		{"signature not hex", body, ts, "not-a-signature", http.StatusUnauthorized},
		// Signed rightly, but an hour ago: a request kept and sent again.
		{"replayed an hour later", body, old, discordtest.Sign(old, body), http.StatusUnauthorized},
		{"a timestamp that is no time", body, "soon", discordtest.Sign("soon", body), http.StatusUnauthorized},
		{"too big", huge.Bytes(), ts, discordtest.Sign(ts, huge.Bytes()), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, resp, err := discordtest.PostSigned(ctx, url, tt.body, tt.ts, tt.sig)
			if err != nil || status != tt.wantStatus {
				t.Errorf("got %d %s (%v), want %d", status, resp, err, tt.wantStatus)
			}
		})
	}
	if srv.ResponseTo(i) != nil {
		t.Errorf("the unsigned /ask was answered")
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, i.Token) || strings.Contains(r.Path, "interactions/"+i.ID) {
			t.Errorf("the bot acted on the unsigned /ask: %s %s", r.Method, r.Path)
		}
	}
	resp := respond(t, srv, srv.SlashCommand("ask", question("what are short breaks")), 0)
	if len(resp.Message.Embeds) != 1 || !strings.Contains(resp.Message.Embeds[0].Description, "Short breaks") {
		t.Errorf("the asker's one question was not answered (a refused request used up the rate limit?): %+v", resp.Message)
	}
}

// seen is what a person sees of an interaction's reply: the kind of
// first response, the message as it ends up (whether only they see it,
// its text, embeds and buttons) or the choices offered. Buttons' custom
// IDs are left out where they name an answer, whose ID is random.
func seen(t *testing.T, r *discordtest.Response) string {
	t.Helper()
	v := struct {
		Callback discordgo.InteractionResponseType
		Private  bool
		Content  string
		Embeds   []*discordgo.MessageEmbed
		Buttons  []string
		Choices  []string
	}{Callback: r.CallbackType}
	if m := r.Message; m != nil {
		v.Private, v.Content, v.Embeds = m.Flags&discordgo.MessageFlagsEphemeral != 0, m.Content, m.Embeds
		for _, row := range m.Components {
			if ar, ok := row.(*discordgo.ActionsRow); ok {
				for _, c := range ar.Components {
					if b, ok := c.(*discordgo.Button); ok {
						id := b.CustomID
						if !strings.HasPrefix(id, sourcesPrefix+":") {
							id, _, _ = strings.Cut(id, ":")
						}
						v.Buttons = append(v.Buttons, b.Label+" "+id+" disabled="+strconv.FormatBool(b.Disabled))
					}
				}
			}
		}
	}
	for _, c := range r.Choices {
		v.Choices = append(v.Choices, c.Name)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestInteractionsAnswerAlikeOverHTTPAndTheGateway runs the same
// commands, buttons and autocomplete against a bot taking interactions
// over the gateway and one taking them over HTTP: the person sees the
// same replies, since both go through the same handlers.
func TestInteractionsAnswerAlikeOverHTTPAndTheGateway(t *testing.T) {
	type step struct {
		name string
		// do sends the interaction, given the replies of the steps
		// before, and waits for its final reply.
		do   func(t *testing.T, srv *discordtest.Server, before []*discordtest.Response) *discordtest.Response
		want string // something the reply must show, so that two failures do not pass as alike
	}
	steps := []step{
		{"/ask", func(t *testing.T, srv *discordtest.Server, _ []*discordtest.Response) *discordtest.Response {
			return respond(t, srv, srv.SlashCommand("ask", question("How long does an EHC needs assessment take?")), 0)
		}, "> A parent can write"},
		{"/ask privately", func(t *testing.T, srv *discordtest.Server, _ []*discordtest.Response) *discordtest.Response {
			return respond(t, srv, srv.SlashCommand("ask", question("what are short breaks"), discordtest.SlashOption{Name: "private", Value: true}), 0)
		}, "Short breaks"},
		{"/ask with nothing to ask", func(t *testing.T, srv *discordtest.Server, _ []*discordtest.Response) *discordtest.Response {
			return respond(t, srv, srv.SlashCommand("ask", question("   ")), 0)
		}, "?"},
		{"/help", func(t *testing.T, srv *discordtest.Server, _ []*discordtest.Response) *discordtest.Response {
			return respond(t, srv, srv.SlashCommand("help"), 0)
		}, "**How to ask**"},
		{"/about", func(t *testing.T, srv *discordtest.Server, _ []*discordtest.Response) *discordtest.Response {
			return respond(t, srv, srv.SlashCommand("about"), 0)
		}, "**sendbot** v1.2.3"},
		{"/sources", func(t *testing.T, srv *discordtest.Server, _ []*discordtest.Response) *discordtest.Response {
			return runSources(t, srv, discordtest.SlashOption{Name: "area", Value: "testshire"})
		}, "Page 1 of 3"},
		{"/sources Next", func(t *testing.T, srv *discordtest.Server, before []*discordtest.Response) *discordtest.Response {
			m := before[len(before)-1].Message
			return turnPage(t, srv, m, sourceButtons(t, m)["Next"].CustomID)
		}, "Page 2 of 3"},
		{"autocomplete of area", func(t *testing.T, srv *discordtest.Server, _ []*discordtest.Response) *discordtest.Response {
			return respond(t, srv, srv.Autocomplete("ask", question("short breaks"), discordtest.SlashOption{Name: "area", Value: "te", Focused: true}), 0)
		}, "Testshire"},
		{"/reindex, deferred and then edited", func(t *testing.T, srv *discordtest.Server, _ []*discordtest.Response) *discordtest.Response {
			return waitContent(t, srv, reindexAs(srv, discordgo.PermissionManageGuild), "Done:")
		}, "Done: I'm now answering from 12 documents (340 passages)."},
	}
	run := func(t *testing.T, srv *discordtest.Server) []string {
		var replies []*discordtest.Response
		var out []string
		for _, st := range steps {
			r := st.do(t, srv, replies)
			replies = append(replies, r)
			s := seen(t, r)
			if !strings.Contains(s, st.want) {
				t.Errorf("%s: the reply lacks %q:\n%s", st.name, st.want, s)
			}
			out = append(out, s)
		}
		return out
	}
	ix := openTestIndex(t, sourcesCorpus())
	set := func(c *Config) {
		c.Version = "v1.2.3"
		rx := &fakeReindexer{release: make(chan struct{}), report: library.Report{Documents: 12, Passages: 340, Took: 1500 * time.Millisecond}}
		close(rx.release)
		c.Reindexer = rx
	}
	var overGateway, overHTTP []string
	t.Run("gateway", func(t *testing.T) { overGateway = run(t, startBotSearching(t, ix, set)) })
	t.Run("HTTP", func(t *testing.T) {
		srv, _ := startBotOverHTTP(t, ix, set)
		overHTTP = run(t, srv)
		if d := srv.Deliveries(); len(d) != len(steps) {
			t.Errorf("%d interactions POSTed, want %d", len(d), len(steps))
		}
		for _, d := range srv.Deliveries() {
			if d.Status != http.StatusOK || d.Refused != "" {
				t.Errorf("delivery of %s: %d %s %s", d.InteractionID, d.Status, d.Refused, d.Body)
			}
		}
	})
	if len(overGateway) != len(steps) || len(overHTTP) != len(steps) {
		t.Fatal("a transport did not run every step")
	}
	for n, st := range steps {
		if overGateway[n] != overHTTP[n] {
			t.Errorf("%s: over HTTP the person sees\n%s\nbut over the gateway\n%s", st.name, overHTTP[n], overGateway[n])
		}
	}
}

// slowDocuments is a Searcher whose document lists wait until the test
// opens the gate, so that a handler misses its deadline.
type slowDocuments struct {
	Searcher
	mu   sync.Mutex
	gate chan struct{}
}

func (s *slowDocuments) Documents(area string) ([]index.DocumentInfo, error) {
	s.mu.Lock()
	gate := s.gate
	s.mu.Unlock()
	<-gate
	return s.Searcher.Documents(area)
}

// open lets the lists waiting through, and holds the next ones.
func (s *slowDocuments) open() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.gate)
	s.gate = make(chan struct{})
}

// TestALateHandlerIsDeferredOverHTTP holds /sources and its Next button
// past the deadline: the HTTP response is a deferral, only the asker
// sees, and the list then arrives as an edit of it (for the button, of
// the message it is on).
func TestALateHandlerIsDeferredOverHTTP(t *testing.T) {
	slow := &slowDocuments{Searcher: openTestIndex(t, sourcesCorpus()), gate: make(chan struct{})}
	srv, _ := startBotOverHTTP(t, slow, func(c *Config) { c.AckTimeout = time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	deferred := func(i *discordgo.Interaction) *discordtest.Response {
		t.Helper()
		var r *discordtest.Response
		if err := srv.WaitFor(ctx, func() bool { r = srv.ResponseTo(i); return r != nil }); err != nil {
			t.Fatal(err)
		}
		return r
	}

	i := srv.SlashCommand("sources", discordtest.SlashOption{Name: "area", Value: "testshire"})
	srv.SendInteraction(i)
	first := deferred(i)
	if first.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource || first.Message.Flags&discordgo.MessageFlagsEphemeral == 0 || first.Edits != 0 {
		t.Fatalf("a late /sources should be deferred privately, got %+v", first)
	}
	slow.open()
	list, err := srv.WaitResponse(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	if e := sourcesEmbed(t, list.Message); e.Footer == nil || e.Footer.Text != "Page 1 of 3 · 25 documents · 3 services" || list.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("the deferral was not edited into the list: %+v", list.Message)
	}

	next := srv.ComponentInteraction(list.Message, sourceButtons(t, list.Message)["Next"].CustomID)
	srv.SendInteraction(next)
	if r := deferred(next); r.CallbackType != discordgo.InteractionResponseDeferredMessageUpdate || r.Edits != 0 {
		t.Fatalf("a late click should be a deferred update, got %+v", r)
	}
	slow.open()
	page, err := srv.WaitResponse(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if e := sourcesEmbed(t, page.Message); e.Footer == nil || e.Footer.Text != "Page 2 of 3 · 25 documents · 3 services" {
		t.Errorf("the click's message was not edited to page 2: %+v", page.Message)
	}
	if len(srv.Followups(i))+len(srv.Followups(next)) != 0 {
		t.Errorf("follow-ups were sent: the person should see one message, edited")
	}
}

// TestShardsAreSetAndChecked connects as shard 1 of 2 and refuses shards
// that cannot be.
func TestShardsAreSetAndChecked(t *testing.T) {
	srv := startBotSearching(t, areasOnly{"Testshire"}, func(c *Config) { c.ShardID, c.ShardCount = 1, 2 })
	ids := srv.IdentifyPayloads()
	if len(ids) == 0 || ids[0].Shard == nil || *ids[0].Shard != [2]int{1, 2} {
		t.Errorf("IDENTIFY shard: %+v", ids)
	}
	for _, shard := range [][2]int{{2, 2}, {-1, 2}, {1, 0}} {
		_, err := New(Config{Token: discordtest.Token, ShardID: shard[0], ShardCount: shard[1]}, areasOnly{"Testshire"})
		if err == nil || !strings.Contains(err.Error(), "shard ID must be from 0") {
			t.Errorf("shard %d of %d: %v", shard[0], shard[1], err)
		}
	}
}
