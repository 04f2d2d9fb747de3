package replicas_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/internal/pgtest"
	"github.com/sendbot/sendbot/internal/testkit"
	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/replicas"
	"github.com/sendbot/sendbot/settings"
)

// TestWhoTakesUploads: a lone serve and a builder keep their uploads
// themselves; a replica takes them only with a shared database, which
// hands them to the builder, and without one has none, so the bot says
// the builder does that, as before. The same goes for /reindex and the
// sites added from Discord; a builder with a database keeps its sites'
// proposals there (RemoteSites), so that a Confirm works on any process.
func TestWhoTakesUploads(t *testing.T) {
	corpusDir := testkit.WriteCorpus(t, map[string]string{"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n"})
	indexDir := t.TempDir() + "/index"
	tests := []struct {
		name, role string
		db         bool
		want       string // the types of Uploads, Reindexer and Sites, "" for none
	}{
		{"one process", "", false, "*library.Uploads *library.Reindexer *library.Sites"},
		{"builder", "builder", false, "*library.Uploads *library.Reindexer *library.Sites"},
		{"replica without a database", "replica", false, "  "},
		{"builder with a database", "builder", true, "*library.Uploads *library.Reindexer *library.RemoteSites"},
		{"replica with a database", "replica", true, "*library.Handover *library.RemoteReindexer *library.RemoteSites"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"SENDBOT_CORPUS": corpusDir, "SENDBOT_INDEX": indexDir, "SENDBOT_DATA": t.TempDir(), "SENDBOT_ROLE": tt.role}
			if tt.db {
				env["DATABASE_URL"] = pgtest.NewDatabase(t)
			}
			cfg := settings.Read(func(k string) string { return env[k] })
			lc, err := cfg.Library(nil)
			if err != nil {
				t.Fatal(err)
			}
			lib, err := library.Open(lc)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := lib.OpenIndex(ctx); err != nil { // a builder's, for the replica
				t.Fatal(err)
			}
			live, err := lib.OpenLive(ctx, tt.role == "replica")
			if err != nil {
				t.Fatal(err)
			}
			defer live.Close()
			var bc bot.Config
			shared, err := replicas.Open(ctx, cfg, lib, live, lib.Reindexer(live), &bc)
			if err != nil {
				t.Fatal(err)
			}
			defer shared.Close()
			typeOf := func(v any) string {
				if v == nil || reflect.ValueOf(v).IsNil() {
					return ""
				}
				return reflect.TypeOf(v).String()
			}
			got := typeOf(bc.Uploads) + " " + typeOf(bc.Reindexer) + " " + typeOf(bc.Sites)
			if got != tt.want || bc.Feedback == nil || bc.Gaps == nil || bc.Audit == nil {
				t.Errorf("Uploads, Reindexer, Sites %s, want %q; stores %v %v %v", got, tt.want, bc.Feedback, bc.Gaps, bc.Audit)
			}
		})
	}
}
