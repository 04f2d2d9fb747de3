package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

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
	id, err := replica.Submit(ctx, library.Change{Upload: library.Upload{Filename: "kites.md", Data: file, Area: "Testshire", By: "42"}})
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
	id2, err := replica.Submit(ctx, library.Change{Remove: "ffffffffffff"})
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
