package bot

import (
	"context"
	"errors"
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

// fakeReindexer reports progress, then waits for the test to let it finish.
type fakeReindexer struct {
	release chan struct{}
	report  library.Report
	err     error
	calls   int
	mu      sync.Mutex
}

func (f *fakeReindexer) Reindex(ctx context.Context, progress func(library.Progress)) (library.Report, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	progress(library.Progress{Stage: library.Building})
	progress(library.Progress{Stage: library.Switching, Files: 12, Passages: 340, Errors: 1})
	select {
	case <-f.release:
	case <-ctx.Done():
		return library.Report{}, ctx.Err()
	}
	return f.report, f.err
}

// auditLog keeps audit entries in memory.
type auditLog struct {
	mu      sync.Mutex
	entries []library.AuditEntry
}

func (a *auditLog) Record(e library.AuditEntry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, e)
	return nil
}

func (a *auditLog) all() []library.AuditEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]library.AuditEntry(nil), a.entries...)
}

const moderatorID = "4000000000000000099"

func reindexAs(srv *discordtest.Server, perms int64, roles ...string) *discordgo.Interaction {
	i := srv.SlashCommand("reindex")
	i.Member.User.ID = moderatorID
	i.Member.Permissions = perms
	i.Member.Roles = roles
	srv.SendInteraction(i)
	return i
}

func TestReindexIsForModeratorsOnly(t *testing.T) {
	rx := &fakeReindexer{release: make(chan struct{})}
	close(rx.release)
	audit := &auditLog{}
	srv, _ := startBotWith(t, func(c *Config) { c.Reindexer, c.Audit, c.ModRoles = rx, audit, []string{"777"} })
	for _, c := range srv.Commands(discordtest.GuildID) {
		if c.Name == "reindex" && (c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != discordgo.PermissionManageGuild) {
			t.Errorf("/reindex must be registered for Manage Server: %+v", c.DefaultMemberPermissions)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// A member without Manage Server: as if a server admin had let
	// everyone see the command.
	i := reindexAs(srv, discordgo.PermissionSendMessages)
	resp, err := srv.WaitResponse(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Message.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Message.Content, "only the group's moderators") || rx.calls != 0 {
		t.Errorf("non-moderator: %+v (reindexed %d times)", resp.Message, rx.calls)
	}
	for _, tt := range []struct {
		name  string
		perms int64
		roles []string
	}{{"manage server", discordgo.PermissionManageGuild, nil}, {"moderator role", 0, []string{"777"}}} {
		i := reindexAs(srv, tt.perms, tt.roles...)
		resp, err := srv.WaitResponseEdits(ctx, i, 2)
		if err != nil {
			t.Fatal(err)
		}
		for !strings.HasPrefix(resp.Message.Content, "Done:") {
			if resp, err = srv.WaitResponseEdits(ctx, i, resp.Edits+1); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
		}
	}
	got := audit.all()
	if len(got) != 3 || got[0].Who != moderatorID || got[0].Action != "reindex" || !strings.HasPrefix(got[0].Result, "refused") ||
		!strings.HasPrefix(got[1].Result, "ok:") || got[1].At.IsZero() {
		t.Errorf("audit log %+v", got)
	}
}

func TestReindexShowsProgressAndResult(t *testing.T) {
	rx := &fakeReindexer{release: make(chan struct{}), report: library.Report{Documents: 12, Passages: 340, Took: 1500 * time.Millisecond,
		Problems: []corpus.Problem{{Path: "herefordshire/broken.pdf", Reason: "PDF is encrypted (password protected)"}, {Path: "notes/**bold**.md", Reason: "file is empty"}}}}
	srv, _ := startBotWith(t, func(c *Config) { c.Reindexer = rx })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	i := reindexAs(srv, discordgo.PermissionManageGuild)
	resp, err := srv.WaitResponseEdits(ctx, i, 3)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Message.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Message.Content, "Reindexing: switching to the new index…\n12 files read, 340 passages, 1 errors so far.") ||
		!strings.Contains(resp.Message.Content, "I keep answering with the current documents") {
		t.Fatalf("progress: %+v", resp.Message)
	}

	// A second /reindex while this one runs.
	second := reindexAs(srv, discordgo.PermissionManageGuild)
	busy, err := srv.WaitResponse(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(busy.Message.Content, "A reindex is already under way") || busy.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("second reindex: %+v", busy.Message)
	}

	close(rx.release)
	done, err := srv.WaitResponseEdits(ctx, i, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Done: I'm now answering from 12 documents (340 passages). That took 1.5s.", "2 files had problems",
		`• herefordshire/broken.pdf: PDF is encrypted \(password protected\)`, `notes/\*\*bold\*\*.md`} {
		if !strings.Contains(done.Message.Content, want) {
			t.Errorf("result lacks %q:\n%s", want, done.Message.Content)
		}
	}
}

func TestAFailedReindexSaysTheOldDocumentsStay(t *testing.T) {
	rx := &fakeReindexer{release: make(chan struct{}), err: errors.New("the corpus folder /srv/corpus does not exist")}
	close(rx.release)
	srv, _ := startBotWith(t, func(c *Config) { c.Reindexer = rx })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	i := reindexAs(srv, discordgo.PermissionAdministrator)
	var resp *discordtest.Response
	var err error
	for n := 1; resp == nil || !strings.Contains(resp.Message.Content, "failed"); n++ {
		if resp, err = srv.WaitResponseEdits(ctx, i, n); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(resp.Message.Content, "still answering with the previous documents") || !strings.Contains(resp.Message.Content, "does not exist") {
		t.Errorf("failure reply: %q", resp.Message.Content)
	}
	// The bot still answers.
	if a := ask(t, srv, question("what are short breaks")); len(a.Message.Embeds) != 1 {
		t.Errorf("no answer after a failed reindex")
	}
}

func TestReindexSummarySaysWhatAnswers(t *testing.T) {
	rep := library.Report{Documents: 3, Passages: 20, Builtin: 6, Took: 1500 * time.Millisecond}
	if got, want := reindexSummary(rep, "I'm"), "Done: I'm now answering from 3 documents (20 passages), and from 6 built-in documents about England for what they don't answer. That took 1.5s."; !strings.HasPrefix(got, want) {
		t.Errorf("summary %q, want it to start %q", got, want)
	}
	rep.Builtin = 0
	if got, want := reindexSummary(rep, "I'm"), "Done: I'm now answering from 3 documents (20 passages). That took 1.5s."; !strings.HasPrefix(got, want) {
		t.Errorf("summary %q, want it to start %q", got, want)
	}
}

func TestReindexSummarySaysWhenOnlyChangedPagesWereRead(t *testing.T) {
	rep := library.Report{Documents: 10, Passages: 11, Took: 300 * time.Millisecond,
		Updated: &library.Update{Files: 3, Documents: 3, Passages: 3, Removed: 1}}
	want := "Only fetched pages had changed, so I updated the index instead of rebuilding it: 3 files read again (3 documents), 1 file removed.\n" +
		"Done: I'm now answering from 10 documents (11 passages). That took 300ms.\nEvery file read again was read without problems."
	if got := reindexSummary(rep, "I'm"); got != want {
		t.Errorf("summary\n%q\nwant\n%q", got, want)
	}
}

// TestReplicaSaysTheBuilderChangesTheDocuments is a replica (Config.Replica)
// without a shared store, so without Uploads, Reindexer or Sites to hand
// changes to the builder, given every moderators' command that changes
// the documents: each says the builder does that.
func TestReplicaSaysTheBuilderChangesTheDocuments(t *testing.T) {
	audit := &auditLog{}
	srv, _ := startBotWith(t, func(c *Config) { c.Audit, c.Replica = audit, true })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tests := []struct {
		name string
		i    *discordgo.Interaction
	}{
		{"reindex", srv.SlashCommand("reindex")},
		{"add-document", srv.SlashCommand("add-document", discordtest.SlashOption{Name: "title", Value: "Short breaks"})},
		{"remove-document", srv.SlashCommand("remove-document", discordtest.SlashOption{Name: "document", Value: "a1b2c3d4e5f6"})},
		{"add-source", srv.SlashCommand("add-source", discordtest.SlashOption{Name: "url", Value: "https://example.org/local-offer"})},
		{"remove-source", srv.SlashCommand("remove-source", discordtest.SlashOption{Name: "site", Value: "abc"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.i.Member.User.ID = moderatorID
			tt.i.Member.Permissions = discordgo.PermissionManageGuild
			srv.SendInteraction(tt.i)
			resp, err := srv.WaitResponse(ctx, tt.i)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Message.Flags&discordgo.MessageFlagsEphemeral == 0 || resp.Message.Content != MsgReplica {
				t.Errorf("/%s on a replica answered %+v, want privately %q", tt.name, resp.Message, MsgReplica)
			}
		})
	}
	got := audit.all()
	if len(got) != len(tests) || got[0].Action != "reindex" || !strings.Contains(got[0].Result, "the builder does that") {
		t.Errorf("audit log %+v", got)
	}
}

// TestReindexOnAReplicaHandsItToTheBuilder: a replica given a Reindexer
// (a library.RemoteReindexer, with DATABASE_URL) takes /reindex, shows
// the builder's progress, and says honestly how far the builder got.
func TestReindexOnAReplicaHandsItToTheBuilder(t *testing.T) {
	rx := &fakeReindexer{release: make(chan struct{})}
	close(rx.release)
	rx.report = library.Report{Documents: 3, Passages: 20}
	audit := &auditLog{}
	srv, _ := startBotWith(t, func(c *Config) { c.Reindexer, c.Audit, c.Replica = rx, audit, true })
	tests := []struct {
		name      string
		err       error
		want, not string
	}{
		{"made and switched to here", nil, "Done: I'm now answering from 3 documents (20 passages)", "builder"},
		{"made, this copy not switched yet", library.ErrNotFollowed,
			"Done: the builder copy is now answering from 3 documents (20 passages)", "I'm now answering"},
		{"not started within the wait", library.ErrHandedOver, "I've handed the reindex to the builder copy, which changes the documents for every copy, but it hasn't started yet", "Done"},
		{"still running at the end of the wait", library.ErrStillRunning, "is still working on the reindex (a crawl can take a while). It will finish by itself", "Done"},
		{"another fetch on the builder", &library.FetchingError{PID: 4321}, "I didn't reindex: another fetch of the remote sources is running (process 4321", "Done"},
		{"failed on the builder", errors.New("the disk is full"), "The reindex failed, so I'm still answering with the previous documents.\nWhy: the disk is full", "Done"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rx.mu.Lock()
			rx.err = tt.err
			rx.mu.Unlock()
			i := srv.SlashCommand("reindex")
			i.Member.User.ID, i.Member.Permissions = moderatorID, discordgo.PermissionManageGuild
			srv.SendInteraction(i)
			resp := waitContent(t, srv, i, tt.want)
			if got := resp.Message.Content; strings.Contains(got, tt.not) {
				t.Errorf("reply %q says %q", got, tt.not)
			}
			if e := edits(resp); !slices.ContainsFunc(e, func(s string) bool { return strings.HasPrefix(s, "Handed the reindex to the builder copy") }) {
				t.Errorf("the reply's edits %q; want first that it was handed to the builder", e)
			}
			if e := edits(resp); !slices.ContainsFunc(e, func(s string) bool { return strings.Contains(s, "Reindexing: switching to the new index") }) {
				t.Errorf("the reply's edits %q; want the builder's progress", e)
			}
		})
	}
	if n := len(audit.all()); n != len(tests) {
		t.Errorf("%d audit entries, want %d", n, len(tests))
	}
	if got := audit.all()[2].Result; !strings.HasPrefix(got, "handed to the builder: ") {
		t.Errorf("a reindex not started by the builder is audited as %q", got)
	}
}
