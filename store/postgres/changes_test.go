package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/pgtest"
	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/store/postgres"
)

// TestChangesSurviveABuilderKilledMidChange: a change a replica hands
// over is taken by one builder at a time; when the builder dies while
// making it (its connection ends, as when the process is killed), the
// change stays pending with its file, and the restarted builder takes it
// again and records how it went, which the replica then reads.
func TestChangesSurviveABuilderKilledMidChange(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	open := func() *postgres.DB {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		return db
	}
	replica, builder, restarted := open().Changes(), open().Changes(), open().Changes()
	file := []byte("# Kite club\n\nThe kite club meets on Saturdays.\n")
	id, err := replica.Submit(ctx, library.Change{Kind: library.ChangeAddDocument, Upload: library.Upload{Filename: "kites.md", Data: file, Area: "Testshire", By: "42"}})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := replica.Outcome(ctx, id); err != nil || out.State != library.ChangePending {
		t.Fatalf("before the builder looked: %+v, %v", out, err)
	}

	taken, release := make(chan library.Change), make(chan struct{})
	killed := make(chan error)
	go func() {
		_, err := builder.Take(ctx, func(c library.Change) library.Outcome {
			taken <- c
			<-release
			return library.Outcome{State: library.ChangeDone, Result: library.UploadResult{ID: "never"}}
		})
		killed <- err
	}()
	first := <-taken
	if first.ID != id || string(first.Upload.Data) != string(file) || first.Upload.Area != "Testshire" || first.Upload.By != "42" {
		t.Errorf("the builder was handed %+v", first)
	}
	// While one builder holds it, another does not take it too.
	if took, err := restarted.Take(ctx, func(c library.Change) library.Outcome {
		t.Errorf("change %d taken twice at once", c.ID)
		return library.Outcome{State: library.ChangeFailed}
	}); took || err != nil {
		t.Errorf("second builder: took %v, err %v", took, err)
	}
	// The builder dies mid-change: its connection goes.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		WHERE c.relname = 'pending_changes' AND l.pid <> pg_backend_pid()`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("ending the builder's connection: %d ended, %v", n, err)
	}
	close(release)
	if err := <-killed; err == nil {
		t.Error("the killed builder's outcome was recorded")
	}
	if out, err := replica.Outcome(ctx, id); err != nil || out.State != library.ChangePending {
		t.Fatalf("after the builder died: %+v, %v; want still pending", out, err)
	}

	// The restarted builder makes it.
	took, err := restarted.Take(ctx, func(c library.Change) library.Outcome {
		if c.ID != id || string(c.Upload.Data) != string(file) {
			t.Errorf("after the restart the builder was handed %+v", c)
		}
		return library.Outcome{State: library.ChangeDone, Result: library.UploadResult{ID: "0a1b2c3d4e5f", Path: "uploaded/testshire/0a1b2c3d4e5f.md", Passages: 1}}
	})
	if !took || err != nil {
		t.Fatalf("restarted builder: took %v, err %v", took, err)
	}
	out, err := replica.Outcome(ctx, id)
	if err != nil || out.State != library.ChangeDone || out.Result.Path != "uploaded/testshire/0a1b2c3d4e5f.md" || out.Result.Passages != 1 {
		t.Fatalf("the replica reads %+v, %v", out, err)
	}
	var dropped bool
	if err := conn.QueryRow(ctx, `SELECT data IS NULL FROM pending_changes WHERE id = $1`, id).Scan(&dropped); err != nil || !dropped {
		t.Errorf("the file's bytes are kept once the change is made: %v", err)
	}
	if took, err := restarted.Take(ctx, func(c library.Change) library.Outcome {
		t.Errorf("change %d made twice", c.ID)
		return library.Outcome{State: library.ChangeFailed}
	}); took || err != nil {
		t.Errorf("after it was made: took %v, err %v", took, err)
	}

	// A refusal comes back whole, for the replica to word.
	id2, err := replica.Submit(ctx, library.Change{Kind: library.ChangeRemoveDocument, Remove: "ffffffffffff"})
	if err != nil {
		t.Fatal(err)
	}
	restarted.Take(ctx, func(c library.Change) library.Outcome {
		if c.Remove != "ffffffffffff" {
			t.Errorf("removal handed over as %+v", c)
		}
		return library.Outcome{State: library.ChangeFailed, Refusal: &library.Refusal{Why: library.NoSuchUpload, ID: c.Remove,
			Uploaded: []library.UploadedDoc{{ID: "0a1b2c3d4e5f", Title: "Kite club", Area: "Testshire"}}}}
	})
	out, err = replica.Outcome(ctx, id2)
	if err != nil || out.State != library.ChangeFailed || out.Refusal == nil || out.Refusal.Why != library.NoSuchUpload ||
		len(out.Refusal.Uploaded) != 1 || out.Refusal.Uploaded[0].Title != "Kite club" {
		t.Errorf("the refusal as the replica reads it: %+v, %v", out, err)
	}
}

// TestCommandsHandedToTheBuilder: a site proposed on one replica is
// confirmed (or cancelled) once, from any replica, and only then is it
// handed to the builder, with the site whole; the builder's progress
// and what its reindex found come back to the replica, and the sites it
// keeps are read by every replica.
func TestCommandsHandedToTheBuilder(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	open := func() *postgres.Changes {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		return db.Changes()
	}
	replicaA, replicaB, builder := open(), open(), open()
	site := library.Site{ID: "0a1b2c3d4e5f", Start: "https://testshire.example/local-offer", Scope: "https://testshire.example/local-offer",
		MaxPages: 500, Area: "Testshire", Kind: "local-offer"}
	nothing := func(c library.Change) library.Outcome {
		t.Errorf("change %d (%s) handed to the builder before it was confirmed", c.ID, c.Kind)
		return library.Outcome{State: library.ChangeFailed}
	}

	// Proposed at A: not the builder's yet.
	id, err := replicaA.Propose(ctx, library.Change{Kind: library.ChangeAddSource, Site: site, Upload: library.Upload{By: "41"}})
	if err != nil {
		t.Fatal(err)
	}
	if took, err := builder.Take(ctx, nothing); took || err != nil {
		t.Fatalf("a proposal taken: %v, %v", took, err)
	}
	// Confirmed at B, once.
	c, err := replicaB.Confirm(ctx, id, "42")
	if err != nil || c.ID != id || c.Site != site || c.Upload.By != "42" {
		t.Fatalf("Confirm: %+v, %v", c, err)
	}
	var r *library.Refusal
	if _, err := replicaA.Confirm(ctx, id, "43"); !errors.As(err, &r) || r.Why != library.ProposalGone {
		t.Errorf("a second Confirm: %v, want ProposalGone", err)
	}
	if _, err := replicaA.Cancel(ctx, id); !errors.As(err, &r) || r.Why != library.ProposalGone {
		t.Errorf("a Cancel after Confirm: %v, want ProposalGone", err)
	}
	// The builder takes it whole, keeps its progress for the replica,
	// and records what its reindex found.
	took, err := builder.Take(ctx, func(c library.Change) library.Outcome {
		if c.ID != id || c.Kind != library.ChangeAddSource || c.Site != site || c.Upload.By != "42" {
			t.Errorf("the builder was handed %+v", c)
		}
		if err := builder.SetProgress(ctx, c.ID, library.Progress{Stage: library.Fetching, Fetch: fetch.Progress{Sources: 1, Found: 12, Fetched: 3}}); err != nil {
			t.Error(err)
		}
		p, ok, err := replicaA.Progress(ctx, c.ID)
		if err != nil || !ok || p.Stage != library.Fetching || p.Fetch.Found != 12 || p.Fetch.Fetched != 3 {
			t.Errorf("the progress the replica reads: %+v, %v, %v", p, ok, err)
		}
		return library.Outcome{State: library.ChangeDone, Command: &library.CommandResult{Site: &site,
			Report: &library.Report{Documents: 4, Passages: 9, Fetched: &fetch.Report{Sites: []fetch.SiteResult{{Site: site.Start, Stored: 2}}}},
			Index:  &index.Info{Documents: 4, Passages: 9, BuiltAt: time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)}}}
	})
	if !took || err != nil {
		t.Fatalf("the builder: took %v, %v", took, err)
	}
	out, err := replicaB.Outcome(ctx, id)
	if err != nil || out.State != library.ChangeDone || out.Command == nil || out.Command.Report == nil || out.Command.Report.Passages != 9 ||
		out.Command.Report.Fetched.Sites[0].Stored != 2 || !out.Command.Index.BuiltAt.Equal(time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)) {
		t.Fatalf("what the replica reads: %+v, %v", out, err)
	}
	if _, ok, _ := replicaA.Progress(ctx, id); ok {
		t.Error("the progress of a change made is kept")
	}

	// A proposal cancelled is never the builder's.
	id2, err := replicaA.Propose(ctx, library.Change{Kind: library.ChangeAddSource, Site: site})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := replicaB.Cancel(ctx, id2); err != nil || c.Site.Start != site.Start {
		t.Errorf("Cancel: %+v, %v", c, err)
	}
	if _, err := replicaA.Confirm(ctx, id2, "42"); !errors.As(err, &r) || r.Why != library.ProposalGone {
		t.Errorf("a Confirm after Cancel: %v, want ProposalGone", err)
	}
	if took, err := builder.Take(ctx, nothing); took || err != nil {
		t.Errorf("a cancelled proposal taken: %v, %v", took, err)
	}

	// A reindex whose builder met another reindex stays pending; a failed
	// one comes back with why.
	id3, err := replicaA.Submit(ctx, library.Change{Kind: library.ChangeReindex})
	if err != nil {
		t.Fatal(err)
	}
	if took, err := builder.Take(ctx, func(library.Change) library.Outcome { return library.Outcome{State: library.ChangePending} }); took || err != nil {
		t.Errorf("a change left pending: took %v, %v", took, err)
	}
	builder.Take(ctx, func(c library.Change) library.Outcome {
		if c.ID != id3 || c.Kind != library.ChangeReindex {
			t.Errorf("the builder was handed %+v, want the reindex again", c)
		}
		return library.Outcome{State: library.ChangeFailed, Command: &library.CommandResult{Fetching: true, FetchingPID: 4321, ReindexErr: "another fetch"}}
	})
	if out, err := replicaB.Outcome(ctx, id3); err != nil || out.State != library.ChangeFailed || out.Command == nil || !out.Command.Fetching || out.Command.FetchingPID != 4321 {
		t.Errorf("a failed reindex as the replica reads it: %+v, %v", out, err)
	}

	// The builder's sites, as every replica reads them.
	if s, err := replicaA.Sites(ctx); err != nil || len(s.Added) != 0 {
		t.Errorf("before the builder kept any: %+v, %v", s, err)
	}
	for _, n := range []int{2, 9} {
		err := builder.PublishSites(ctx, library.SharedSites{Added: []library.Site{site},
			Status: []library.SiteStatus{{Site: site, Pages: n, Folder: "fetched/testshire.example/local-offer"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if s, err := replicaB.Sites(ctx); err != nil || len(s.Added) != 1 || s.Added[0] != site || len(s.Status) != 1 || s.Status[0].Pages != 9 {
		t.Errorf("the builder's sites as a replica reads them: %+v, %v", s, err)
	}
}
