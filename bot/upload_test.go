package bot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
)

// fakeUploads records what it is given.
type fakeUploads struct {
	mu    sync.Mutex
	added []Upload
	docs  []UploadedDoc
}

func (f *fakeUploads) Add(_ context.Context, u Upload) (UploadResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.Contains(string(u.Data), "no text") {
		return UploadResult{}, errors.New("no text found in the file; is it a scan? sendbot needs text it can quote")
	}
	f.added = append(f.added, u)
	f.docs = append(f.docs, UploadedDoc{ID: "a1b2c3d4e5f6", Title: u.Title, Area: u.Area, Added: testNow})
	return UploadResult{ID: "a1b2c3d4e5f6", Title: u.Title, Area: u.Area, Format: "markdown", Documents: 1, Passages: 2}, nil
}

func (f *fakeUploads) Remove(_ context.Context, id string) (UploadResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for n, d := range f.docs {
		if d.ID == id {
			f.docs = append(f.docs[:n], f.docs[n+1:]...)
			return UploadResult{ID: id, Title: d.Title, Area: d.Area}, nil
		}
	}
	return UploadResult{}, errors.New("there is no added document " + id)
}

func (f *fakeUploads) Uploaded() []UploadedDoc {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]UploadedDoc(nil), f.docs...)
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
		if !strings.Contains(m.Content, "I couldn't add that file: no text found in the file; is it a scan?") {
			t.Errorf("reply %q", m.Content)
		}
	})
	results := map[string]int{}
	for _, e := range audit.all() {
		if e.Action == "add-document" {
			results[strings.SplitN(e.Result, ":", 2)[0]]++
		}
	}
	if results["ok"] != 1 || results["refused"] != 5 {
		t.Errorf("audit results %v", results)
	}
}

func TestRemoveDocument(t *testing.T) {
	up := &fakeUploads{docs: []UploadedDoc{{ID: "a1b2c3d4e5f6", Title: "Swimming guide", Area: "Testshire", Added: testNow}}}
	srv, _ := startBotWith(t, func(c *Config) { c.Uploads = up })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	ac := srv.Autocomplete("remove-document", discordtest.SlashOption{Name: "document", Value: "swim", Focused: true})
	ac.Member.Permissions = discordgo.PermissionManageGuild
	srv.SendInteraction(ac)
	resp, err := srv.WaitResponse(ctx, ac)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Choices) != 1 || resp.Choices[0].Name != "Swimming guide (Testshire, added 1 Jun 2026)" || resp.Choices[0].Value != "a1b2c3d4e5f6" {
		t.Errorf("choices %+v", resp.Choices)
	}
	// Non-moderators are not shown the list.
	ac = srv.Autocomplete("remove-document", discordtest.SlashOption{Name: "document", Value: "", Focused: true})
	srv.SendInteraction(ac)
	if resp, _ := srv.WaitResponse(ctx, ac); resp == nil || len(resp.Choices) != 0 {
		t.Errorf("a non-moderator saw %+v", resp)
	}

	i := srv.SlashCommand("remove-document", discordtest.SlashOption{Name: "document", Value: "a1b2c3d4e5f6"})
	i.Member.Permissions = discordgo.PermissionManageGuild
	srv.SendInteraction(i)
	if m := finalReply(t, srv, i); !strings.Contains(m.Content, "Removed **Swimming guide** (Testshire). I no longer quote it.") {
		t.Errorf("reply %q", m.Content)
	}
	i = srv.SlashCommand("remove-document", discordtest.SlashOption{Name: "document", Value: "a1b2c3d4e5f6"})
	i.Member.Permissions = discordgo.PermissionManageGuild
	srv.SendInteraction(i)
	if m := finalReply(t, srv, i); !strings.Contains(m.Content, "I couldn't remove that: there is no added document a1b2c3d4e5f6") {
		t.Errorf("second remove %q", m.Content)
	}
}
