package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/uploads"
)

// documentPaths lists the paths of the documents in the index of cfg.
func documentPaths(t *testing.T, cfg config) []string {
	t.Helper()
	tgt, err := locate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(tgt.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs, err := ix.Documents("")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range docs {
		out = append(out, d.Path)
	}
	slices.Sort(out)
	return out
}

func TestUploadsSurviveARestartAndAFullRebuild(t *testing.T) {
	corpusDir := writeCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n",
	})
	cfg := config{Corpus: corpusDir, DataDir: t.TempDir()}
	log := slog.New(slog.DiscardHandler)
	ctx := context.Background()
	ix, err := openIndex(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	tgt, _ := locate(cfg)
	live, err := index.OpenLive(tgt.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	st, err := openUploads(cfg, tgt, live)
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Add(ctx, bot.Upload{Filename: "pool.md", Area: "Testshire",
		Data: []byte("# Hydrotherapy in Testshire\n\nThe warm water pool runs hydrotherapy sessions on weekday mornings.\n")})
	if err != nil {
		t.Fatal(err)
	}
	uploaded := uploads.Prefix + "/testshire/" + res.ID + ".md"
	want := []string{"testshire/breaks.md", uploaded}
	if got := documentPaths(t, cfg); !slices.Equal(got, want) {
		t.Fatalf("after Add the index holds %q, want %q", got, want)
	}
	if got, _ := live.Documents(""); len(got) != 2 {
		t.Errorf("the serving index was not reloaded: %d documents", len(got))
	}

	// A restart finds the index up to date: no rebuild for the upload.
	builtAt := live.Info().BuiltAt
	ix, err = openIndex(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if !ix.Info().BuiltAt.Equal(builtAt) {
		t.Error("a restart rebuilt the index after an upload")
	}
	ix.Close()

	// A full rebuild (/reindex) keeps the upload, at the same path.
	tgt, _ = locate(cfg)
	if _, err := buildIndex(ctx, tgt, log); err != nil {
		t.Fatal(err)
	}
	if got := documentPaths(t, cfg); !slices.Equal(got, want) {
		t.Errorf("after a full rebuild the index holds %q, want %q", got, want)
	}
	// sendbot check lists it too.
	c, err := readCorpus(tgt.fsys, tgt.fetched, tgt.uploaded)
	if err != nil || len(c.Documents) != 2 {
		t.Errorf("readCorpus: %v, %d documents", err, len(c.Documents))
	}

	if _, err := st.Remove(ctx, res.ID); err != nil {
		t.Fatal(err)
	}
	if got := documentPaths(t, cfg); !slices.Equal(got, want[:1]) {
		t.Errorf("after Remove the index holds %q", got)
	}
	ix, err = openIndex(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Info().Source.Fingerprint != live.Info().Source.Fingerprint {
		t.Error("a restart after Remove rebuilt the index")
	}
	if !strings.HasPrefix(filepath.ToSlash(tgt.uploaded), filepath.ToSlash(cfg.DataDir)+"/uploads/") {
		t.Errorf("uploads kept in %s, not under SENDBOT_DATA/uploads", tgt.uploaded)
	}
}

func TestMaxUpload(t *testing.T) {
	tests := []struct {
		name, value string
		want        int64
		wantErr     bool
	}{
		{"default", "", 10 << 20, false},
		{"bytes", "500000", 500000, false},
		{"MB", "10MB", 10 << 20, false},
		{"MiB with a space", "8 MiB", 8 << 20, false},
		{"KB lower case", "512kb", 512 << 10, false},
		{"over what sendbot reads", "64MB", 0, true},
		{"zero", "0", 0, true},
		{"words", "ten megabytes", 0, true},
		{"negative", "-1MB", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config{MaxUpload: tt.value}.maxUpload()
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("maxUpload(%q) = %d, %v; want %d (error %v)", tt.value, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "SENDBOT_MAX_UPLOAD") {
				t.Errorf("the error does not name the setting: %v", err)
			}
		})
	}
}
