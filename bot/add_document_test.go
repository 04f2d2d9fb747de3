package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/library"
)

// fakeUploads records what it is given.
type fakeUploads struct {
	mu    sync.Mutex
	added []library.Upload
	docs  []library.UploadedDoc
	// unswitched is the error Add and Remove return after doing their
	// work, as a library whose serving index would not reload does.
	unswitched error
}

func (f *fakeUploads) Add(_ context.Context, u library.Upload) (library.UploadResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.Contains(string(u.Data), "no text") {
		return library.UploadResult{}, &library.Refusal{Why: library.NoText, Problems: []corpus.Problem{{Path: "0a1b2c3d4e5f.pdf", Reason: "PDF has no text layer: it may be a scan"}}}
	}
	f.added = append(f.added, u)
	f.docs = append(f.docs, library.UploadedDoc{ID: "a1b2c3d4e5f6", Title: u.Title, Area: u.Area, Added: testNow})
	return library.UploadResult{ID: "a1b2c3d4e5f6", Title: u.Title, Area: u.Area, Format: "markdown", Documents: 1, Passages: 2}, f.unswitched
}

func (f *fakeUploads) Remove(_ context.Context, id string) (library.UploadResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for n, d := range f.docs {
		if d.ID == id {
			f.docs = append(f.docs[:n], f.docs[n+1:]...)
			return library.UploadResult{ID: id, Title: d.Title, Area: d.Area}, f.unswitched
		}
	}
	if len(f.docs) == 0 {
		return library.UploadResult{}, &library.Refusal{Why: library.NothingUploaded, ID: id}
	}
	return library.UploadResult{}, errors.New("the uploads folder cannot be read")
}

func (f *fakeUploads) Uploaded() []library.UploadedDoc {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]library.UploadedDoc(nil), f.docs...)
}

// fileServer serves attachments on loopback, counting downloads.
type fileServer struct {
	*httptest.Server
	mu    sync.Mutex
	gets  int
	files map[string]string
}

func newFileServer(t *testing.T, files map[string]string) *fileServer {
	fs := &fileServer{files: files}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.gets++
		body, ok := fs.files[r.URL.Path]
		fs.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fileServer) downloads() int { fs.mu.Lock(); defer fs.mu.Unlock(); return fs.gets }

// addDocument sends /add-document with an attachment as Discord resolves it.
func addDocument(srv *discordtest.Server, perms int64, att *discordgo.MessageAttachment, opts ...discordtest.SlashOption) *discordgo.Interaction {
	att.ID = "5000000000000000001"
	i := srv.SlashCommand("add-document", append([]discordtest.SlashOption{{Name: "file", Value: att.ID}}, opts...)...)
	data := i.Data.(discordgo.ApplicationCommandInteractionData)
	for _, o := range data.Options {
		if o.Name == "file" {
			o.Type = discordgo.ApplicationCommandOptionAttachment
		}
	}
	data.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{att.ID: att}}
	i.Data = data
	i.Member.User.ID = moderatorID
	i.Member.Permissions = perms
	srv.SendInteraction(i)
	return i
}

// finalReply waits for a sent interaction's reply: an immediate one, or
// the edit of a deferred one.
func finalReply(t *testing.T, srv *discordtest.Server, i *discordgo.Interaction) *discordgo.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := srv.WaitResponse(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Message
}

func TestAddDocument(t *testing.T) {
	files := newFileServer(t, map[string]string{
		"/attachments/1/2/guide.md": "# Guide\n\nA guide to short breaks in Testshire.\n",
		"/attachments/1/2/big.md":   strings.Repeat("word ", 400),
		"/attachments/1/2/scan.pdf": "no text",
	})
	up := &fakeUploads{}
	audit := &auditLog{}
	srv, _ := startBotWith(t, func(c *Config) { c.Uploads, c.Audit, c.MaxUploadBytes = up, audit, 1000 })

	t.Run("not a moderator", func(t *testing.T) {
		m := finalReply(t, srv, addDocument(srv, discordgo.PermissionSendMessages, &discordgo.MessageAttachment{Filename: "guide.md", Size: 40, URL: files.URL + "/attachments/1/2/guide.md"}))
		if !strings.Contains(m.Content, "only the group's moderators") || m.Flags&discordgo.MessageFlagsEphemeral == 0 || len(up.added) != 0 {
			t.Errorf("reply %+v, added %d", m, len(up.added))
		}
	})
	t.Run("hostile name, saved by the store under its own name", func(t *testing.T) {
		m := finalReply(t, srv, addDocument(srv, discordgo.PermissionManageGuild,
			&discordgo.MessageAttachment{Filename: "../../etc/passwd.md", Size: 40, URL: files.URL + "/attachments/1/2/guide.md"},
			discordtest.SlashOption{Name: "title", Value: "Short breaks **guide** @everyone"}, discordtest.SlashOption{Name: "area", Value: "Testshire"}))
		for _, want := range []string{"Added **Short breaks \\*\\*guide\\*\\* @\u200beveryone** (Testshire, markdown): 2 passages. Parents can ask about it now.", "`a1b2c3d4e5f6`", "/remove-document"} {
			if !strings.Contains(m.Content, want) {
				t.Errorf("reply lacks %q:\n%s", want, m.Content)
			}
		}
		if len(up.added) != 1 || up.added[0].Filename != "../../etc/passwd.md" || up.added[0].By != moderatorID || !strings.HasPrefix(string(up.added[0].Data), "# Guide") {
			t.Errorf("store got %+v", up.added)
		}
	})
	t.Run("over the size limit: refused before downloading", func(t *testing.T) {
		before := files.downloads()
		m := finalReply(t, srv, addDocument(srv, discordgo.PermissionManageGuild, &discordgo.MessageAttachment{Filename: "big.md", Size: 2000, URL: files.URL + "/attachments/1/2/big.md"}))
		if !strings.Contains(m.Content, "That file is 2 KB; the most I take is 1000 bytes") || files.downloads() != before {
			t.Errorf("reply %q, downloads %d→%d", m.Content, before, files.downloads())
		}
	})
	t.Run("bigger than it said", func(t *testing.T) {
		m := finalReply(t, srv, addDocument(srv, discordgo.PermissionManageGuild, &discordgo.MessageAttachment{Filename: "big.md", Size: 10, URL: files.URL + "/attachments/1/2/big.md"}))
		if !strings.Contains(m.Content, "the file is over 1000 bytes, the most I take") {
			t.Errorf("reply %q", m.Content)
		}
	})
	t.Run("not on Discord's file server", func(t *testing.T) {
		before := files.downloads()
		m := finalReply(t, srv, addDocument(srv, discordgo.PermissionManageGuild, &discordgo.MessageAttachment{Filename: "guide.md", Size: 40, URL: "https://evil.example/guide.md"}))
		if !strings.Contains(m.Content, "not on Discord's file server") || files.downloads() != before {
			t.Errorf("reply %q", m.Content)
		}
	})
	t.Run("refused by the store", func(t *testing.T) {
		m := finalReply(t, srv, addDocument(srv, discordgo.PermissionManageGuild, &discordgo.MessageAttachment{Filename: "scan.pdf", Size: 7, URL: files.URL + "/attachments/1/2/scan.pdf"}))
		if !strings.Contains(m.Content, "I couldn't add that file: sendbot could not read any text in this file: PDF has no text layer: it may be a scan.") {
			t.Errorf("reply %q", m.Content)
		}
	})
	t.Run("saved and indexed, but the bot could not switch to it", func(t *testing.T) {
		up.mu.Lock()
		up.unswitched = fmt.Errorf("%w: open index: disk full", library.ErrNotSwitched)
		up.mu.Unlock()
		defer func() { up.mu.Lock(); up.unswitched = nil; up.mu.Unlock() }()
		m := finalReply(t, srv, addDocument(srv, discordgo.PermissionManageGuild,
			&discordgo.MessageAttachment{Filename: "guide.md", Size: 40, URL: files.URL + "/attachments/1/2/guide.md"},
			discordtest.SlashOption{Name: "title", Value: "Guide"}, discordtest.SlashOption{Name: "area", Value: "Testshire"}))
		for _, want := range []string{"Added **Guide** (Testshire, markdown): 2 passages. It is saved and indexed, but I couldn't switch to the updated index, so parents will get answers from it after the next `/reindex` or a restart.", "`a1b2c3d4e5f6`"} {
			if !strings.Contains(m.Content, want) {
				t.Errorf("reply lacks %q:\n%s", want, m.Content)
			}
		}
		if strings.Contains(m.Content, "couldn't add") || strings.Contains(m.Content, "ask about it now") {
			t.Errorf("reply says it failed, or that it is served:\n%s", m.Content)
		}
	})
	results := map[string]int{}
	for _, e := range audit.all() {
		if e.Action == "add-document" {
			results[strings.SplitN(e.Result, ":", 2)[0]]++
			if strings.Contains(e.Result, "not yet served") && !strings.Contains(e.Result, "disk full") {
				t.Errorf("audit %q lacks why", e.Result)
			}
		}
	}
	if results["ok"] != 2 || results["refused"] != 5 {
		t.Errorf("audit results %v", results)
	}
}

// TestUploadRefusalsSayWhatToDo adds files a real library refuses, and
// checks what the moderator is told: what is wrong and what to do.
func TestUploadRefusalsSayWhatToDo(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"testshire/breaks.md": "# Short breaks in Testshire\n\nShort breaks give families a rest.\n",
		"otherton/waits.md":   "# Otherton waiting times\n\nChildren in Otherton wait a long time for an autism assessment.\n",
	} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lib, err := library.Open(library.Config{Corpus: dir, DataDir: t.TempDir(), MaxUploadBytes: 1 << 20, NoBuiltinEngland: true})
	if err != nil {
		t.Fatal(err)
	}
	live, err := lib.OpenLive(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	store, err := lib.OpenUploads(live)
	if err != nil {
		t.Fatal(err)
	}
	pdf := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("..", "corpus", "testdata", "pdf", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	guide := []byte("---\ntitle: Hydrotherapy in Testshire\n---\n# Hydrotherapy\n\nThe warm water pool runs hydrotherapy sessions on weekday mornings.\n")
	tests := []struct {
		name   string
		upload library.Upload
		want   string
	}{
		{"a Word file", library.Upload{Filename: "plan.docx", Data: []byte("PK..."), Area: "Testshire"},
			"sendbot reads PDF (.pdf), Markdown (.md), web pages (.html, .htm), plain text (.txt) and Open Referral UK service feeds (.json); this file is .docx. Save it as one of those (a PDF, say) and add it again."},
		{"no extension", library.Upload{Filename: "README", Data: guide, Area: "Testshire"}, "; this file has no extension."},
		{"an odd extension is not echoed", library.Upload{Filename: "x.<@everyone>", Data: guide, Area: "Testshire"}, "; this file is not one of them."},
		{"empty", library.Upload{Filename: "empty.txt", Data: []byte(" \n\t"), Area: "Testshire"}, "The file is empty."},
		{"too big", library.Upload{Filename: "big.txt", Data: []byte(strings.Repeat("Testshire ", 120000)), Area: "Testshire"},
			"The file is 1.1 MB; the largest sendbot accepts is 1 MB."},
		{"a scanned PDF", library.Upload{Filename: "scan.pdf", Data: pdf("no-text-layer.pdf"), Area: "Testshire"},
			"sendbot could not read any text in this file: PDF has no text layer"},
		{"no area", library.Upload{Filename: "hydro.md", Data: guide}, "Choose an area for this document with the area option (the areas are Otherton, Testshire)."},
		{"an area that looks like a typo", library.Upload{Filename: "hydro.md", Data: guide, Area: "Testshrie"},
			`There is no area "Testshrie" yet; did you mean Testshire? To start a new area, spell its name out in full.`},
		{"an area that is not a place name", library.Upload{Filename: "hydro.md", Data: guide, Area: "../../etc"},
			"An area is a place name, of letters, spaces and hyphens, such as North Lincolnshire (the areas are Otherton, Testshire)."},
		{"a source_url that is not a web address", library.Upload{Filename: "hydro.md", Data: guide, Area: "Testshire", SourceURL: "javascript:alert(1)"},
			"source_url must be the web address the document comes from, starting with https:// (or http://)."},
		{"a bad kind", library.Upload{Filename: "hydro.md", Data: guide, Area: "Testshire", Kind: "local offer!"}, "A kind is one word, or words joined by hyphens"},
		{"a title too long", library.Upload{Filename: "hydro.md", Data: guide, Area: "Testshire", Title: strings.Repeat("t", 201)},
			"The title is longer than 200 characters; shorten it."},
		{"no title anywhere", library.Upload{Filename: "notes.txt", Data: []byte("the pool is open on mondays and the café is shut for the summer, so bring a drink with you."), Area: "Testshire"},
			"This file has no title of its own; give it one with the title option."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Add(context.Background(), tt.upload)
			if err == nil {
				t.Fatal("added")
			}
			if got := uploadError(err); !strings.Contains(got, tt.want) {
				t.Errorf("told %q\nwant %q", got, tt.want)
			}
		})
	}

	ctx := context.Background()
	_, err = store.Remove(ctx, "0123456789ab")
	if got := uploadError(err); got != "No documents have been added from Discord, so there is nothing to remove." {
		t.Errorf("Remove with none added: %q", got)
	}
	res, err := store.Add(ctx, library.Upload{Filename: "hydro.md", Data: guide, Area: "Testshire"})
	if err != nil {
		t.Fatal(err)
	}
	listed := res.ID + " (Hydrotherapy in Testshire, Testshire)"
	for id, want := range map[string]string{
		"0123456789ab":  "No document added from Discord has the ID 0123456789ab. The documents added, newest first: " + listed + ".",
		"../" + res.ID:  "That is not the ID of a document added from Discord. The documents added, newest first: " + listed + ".",
		"<@everyone>ab": "That is not the ID of a document added from Discord.",
	} {
		if _, err := store.Remove(ctx, id); !strings.Contains(uploadError(err), want) {
			t.Errorf("Remove(%q): told %q\nwant %q", id, uploadError(err), want)
		}
	}
}

// TestAcceptedFormatsAreThoseTheLibraryTakes keeps the formats
// /add-document names to moderators the same as those it takes.
func TestAcceptedFormatsAreThoseTheLibraryTakes(t *testing.T) {
	named := regexp.MustCompile(`\.[a-z]+`).FindAllString(acceptedFormats, -1)
	taken := library.UploadExtensions()
	for _, ext := range named {
		if !slices.Contains(taken, ext) {
			t.Errorf("moderators are told %s is taken, but it is not", ext)
		}
	}
	for _, ext := range taken {
		if !slices.Contains(named, ext) && ext != ".markdown" { // .md's long form
			t.Errorf("%s is taken, but moderators are not told so", ext)
		}
	}
}

// TestAddDocumentOnAReplicaHandsItToTheBuilder: a replica given Uploads
// (a library.Handover, with DATABASE_URL) takes /add-document and says
// honestly how far the builder got, while /reindex, not given a
// Reindexer, still says the builder does that.
func TestAddDocumentOnAReplicaHandsItToTheBuilder(t *testing.T) {
	files := newFileServer(t, map[string]string{"/attachments/1/2/guide.md": "# Guide\n\nA guide to short breaks in Testshire.\n"})
	up := &fakeUploads{}
	srv, _ := startBotWith(t, func(c *Config) { c.Uploads, c.Replica = up, true })
	add := func() *discordgo.Message {
		return finalReply(t, srv, addDocument(srv, discordgo.PermissionManageGuild,
			&discordgo.MessageAttachment{Filename: "guide.md", Size: 40, URL: files.URL + "/attachments/1/2/guide.md"},
			discordtest.SlashOption{Name: "area", Value: "Testshire"}))
	}
	tests := []struct {
		name      string
		err       error
		want, not string
	}{
		{"made and searchable here", nil, "Parents can ask about it now.", "builder"},
		{"made, this copy not switched yet", library.ErrNotFollowed, "The builder has indexed it, and every copy of the bot answers from it within a few seconds", "ask about it now"},
		{"not made within the wait", library.ErrHandedOver, "I checked **guide.md** and saved it for the copy of the bot that indexes the documents, which has not finished with it yet.", "ask about it now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up.mu.Lock()
			up.unswitched = tt.err
			up.mu.Unlock()
			m := add()
			if !strings.Contains(m.Content, tt.want) || strings.Contains(m.Content, tt.not) {
				t.Errorf("reply %q\nwant it to say %q and not %q", m.Content, tt.want, tt.not)
			}
		})
	}
	if len(up.added) != len(tests) {
		t.Errorf("%d uploads handed over, want %d", len(up.added), len(tests))
	}
	ri := srv.SlashCommand("reindex")
	ri.Member.User.ID, ri.Member.Permissions = moderatorID, discordgo.PermissionManageGuild
	srv.SendInteraction(ri)
	if m := finalReply(t, srv, ri); m.Content != MsgReplica {
		t.Errorf("/reindex on the replica: %q", m.Content)
	}
}
