package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/sendbot/sendbot/index"
)

// A replica cannot change the shared index: only the builder writes it.
// With a shared store (DATABASE_URL), a document added or removed on a
// replica is checked there, then handed to the builder through the
// store as a Change; the builder makes it (ApplyChanges) as it makes its
// own, publishes the updated index, and records the Outcome, which the
// replica waits for (Handover).

// Change is a document added or removed on a replica, or a reindex or a
// site added or removed there, for the builder to make.
type Change struct {
	// ID is the store's number for the change.
	ID int64
	// Kind is what the change does: one of the Change kinds below.
	Kind string
	// Remove is the ID of the uploaded document to remove; "" for an
	// addition of Upload.
	Remove string
	Upload Upload
	// Site is the site to add (ChangeAddSource) or remove
	// (ChangeRemoveSource, by its ID); Upload.By says who asked.
	Site Site
}

// The kinds of Change, as the store names them.
const (
	ChangeAddDocument    = "add-document"
	ChangeRemoveDocument = "remove-document"
	ChangeReindex        = "reindex"
	ChangeAddSource      = "add-source"
	ChangeRemoveSource   = "remove-source"
)

// The states of a Change.
const (
	ChangePending = "pending" // not yet made by the builder
	ChangeDone    = "done"
	ChangeFailed  = "failed"
)

// Outcome is what the builder did with a Change.
type Outcome struct {
	// State is ChangePending, ChangeDone or ChangeFailed.
	State string
	// Result is what the change did, when done.
	Result UploadResult
	// Refusal is why it was refused, when failed with one; else Err says
	// what went wrong.
	Refusal *Refusal
	Err     string
	// Command is what a reindex, or a site's addition or removal, did;
	// nil for documents.
	Command *CommandResult
}

// ChangeQueue is where a replica hands changes to the builder: a shared
// store such as postgres.Changes.
type ChangeQueue interface {
	// Submit hands c to the builder and returns its ID.
	Submit(ctx context.Context, c Change) (int64, error)
	// Outcome is what the builder did with the change id so far.
	Outcome(ctx context.Context, id int64) (Outcome, error)
	// Take hands the oldest pending change to apply and records the
	// outcome apply returns, unless that is still pending; it reports
	// false when no change is pending. A change whose apply did not end
	// (the builder was stopped or killed) stays pending, and is taken
	// again.
	Take(ctx context.Context, apply func(Change) Outcome) (bool, error)
}

// ApplyEvery is how often the builder looks for changes handed over.
const ApplyEvery = 2 * time.Second

// ApplyChanges makes, on the builder, the changes replicas hand over in
// q, with b as its own commands do, looking every ApplyEvery until ctx
// ends; and it keeps in q the sites b crawls, for the replicas' /sources.
func ApplyChanges(ctx context.Context, q CommandQueue, b Builder, log *slog.Logger) {
	log = log.With("component", "handover")
	t := time.NewTicker(ApplyEvery)
	defer t.Stop()
	var published sitesPublished
	for {
		for {
			took, err := q.Take(ctx, func(c Change) Outcome { return b.apply(ctx, q, c, log) })
			if err != nil && ctx.Err() == nil {
				log.Error("look for documents added or removed on replicas", "err", err)
			}
			if !took || err != nil {
				break
			}
		}
		published = b.publishSites(ctx, q, published, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// applyDocument makes one document's change handed over, and says how it went.
func applyDocument(ctx context.Context, up *Uploads, c Change, log *slog.Logger) Outcome {
	var res UploadResult
	var err error
	if c.Remove != "" {
		res, err = up.Remove(ctx, c.Remove)
	} else {
		c.Upload.Key = fmt.Sprintf("change-%d", c.ID)
		res, err = up.Add(ctx, c.Upload)
	}
	var r *Refusal
	switch {
	case err == nil, errors.Is(err, ErrNotSwitched):
		// Published for the replicas, even if this process could not
		// switch to it.
		log.Info("made a change handed over by a replica", "change", c.ID, "document", res.ID, "removed", c.Remove != "")
		return Outcome{State: ChangeDone, Result: res}
	case ctx.Err() != nil, errors.As(err, &r) && r.Why == Rebuilding:
		return Outcome{State: ChangePending} // made once the reindex or the builder's restart is over
	case errors.As(err, &r):
		return Outcome{State: ChangeFailed, Refusal: r}
	}
	log.Error("a change handed over by a replica failed", "change", c.ID, "err", err)
	return Outcome{State: ChangeFailed, Err: err.Error()}
}

// DocumentLister lists the documents of the index a replica serves: an
// *index.Live is one.
type DocumentLister interface {
	Documents(area string) ([]index.DocumentInfo, error)
}

// Handover is, on a replica, what /add-document and /remove-document
// use: it checks an upload as the builder will, hands it over through the
// queue, and waits, at most Wait, for the builder to make it and for this
// replica's index to show it. It is safe for concurrent use.
type Handover struct {
	Queue ChangeQueue
	// Check checks an upload as Uploads.Add would: a replica's own
	// Uploads, which it never adds to.
	Check *Uploads
	// Index is the index this replica serves, which Follow switches.
	Index DocumentLister
	// Wait bounds how long Add and Remove wait; 0 means DefaultHandoverWait.
	Wait time.Duration
	// Every is how often they look; 0 means half a second.
	Every time.Duration
}

// DefaultHandoverWait is how long a replica waits for the builder to
// make a change and for its own index to show it: longer than the
// builder's look (ApplyEvery), an update and the replica's look (5 s)
// usually take together, well within the 15 minutes Discord lets the
// reply be edited.
const DefaultHandoverWait = 2 * time.Minute

// ErrHandedOver means a change is saved for the builder, but it had not
// finished making it when Handover stopped waiting; it will be made.
var ErrHandedOver = errors.New("saved for the builder, which has not made the change yet")

// ErrNotFollowed means the builder made a change, but the index this
// replica answers from did not show it yet when Handover stopped waiting.
var ErrNotFollowed = errors.New("made by the builder; this copy has not switched to the updated index yet")

// Add checks u and hands it to the builder. Its errors are those of
// Uploads.Add, ErrHandedOver and ErrNotFollowed (with the result).
func (h *Handover) Add(ctx context.Context, u Upload) (UploadResult, error) {
	if err := h.Check.Check(u); err != nil {
		return UploadResult{}, err
	}
	return h.handOver(ctx, Change{Kind: ChangeAddDocument, Upload: u}, true)
}

// Remove hands the removal of the uploaded document id to the builder.
func (h *Handover) Remove(ctx context.Context, id string) (UploadResult, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	return h.handOver(ctx, Change{Kind: ChangeRemoveDocument, Remove: id}, false)
}

func (h *Handover) handOver(ctx context.Context, c Change, add bool) (UploadResult, error) {
	id, err := h.Queue.Submit(ctx, c)
	if err != nil {
		return UploadResult{}, fmt.Errorf("hand the change to the builder: %w", err)
	}
	wait, every := h.Wait, h.Every
	if wait <= 0 {
		wait = DefaultHandoverWait
	}
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	out, timedOut, err := follow(ctx, h.Queue, id, every, func(out Outcome) bool {
		return out.State == ChangeFailed || out.State == ChangeDone && h.shows(out.Result, add)
	})
	switch {
	case err != nil:
		return UploadResult{}, fmt.Errorf("ask the builder how the change went: %w", err)
	case out.State == ChangeFailed && out.Refusal != nil:
		return UploadResult{}, out.Refusal
	case out.State == ChangeFailed:
		return UploadResult{}, errors.New(out.Err)
	case !timedOut:
		return out.Result, nil
	case out.State == ChangeDone:
		return out.Result, ErrNotFollowed
	}
	return UploadResult{}, ErrHandedOver
}

// follow asks q every `every` how change id went until finished says the
// outcome is final or ctx ends (timedOut). A change done is not asked
// about again: finished may still be waiting for this replica's index.
func follow(ctx context.Context, q ChangeQueue, id int64, every time.Duration, finished func(Outcome) bool) (out Outcome, timedOut bool, err error) {
	for {
		if out.State != ChangeDone {
			o, err := q.Outcome(ctx, id)
			switch {
			case err == nil:
				out = o
			case ctx.Err() == nil:
				return out, false, err
			}
		}
		if finished(out) {
			return out, false, nil
		}
		select {
		case <-ctx.Done():
			return out, true, nil
		case <-time.After(every):
		}
	}
}

// shows reports whether this replica's index has the document of r (add)
// or no longer has it.
func (h *Handover) shows(r UploadResult, add bool) bool {
	docs, err := h.Index.Documents(r.Area)
	if err != nil {
		return false
	}
	has := slices.ContainsFunc(docs, func(d index.DocumentInfo) bool { return d.Path == r.Path })
	return has == add
}

// Uploaded lists the documents added from Discord that this replica's
// index has, by their place in it; when each was added is not known here.
func (h *Handover) Uploaded() []UploadedDoc {
	docs, err := h.Index.Documents("")
	if err != nil {
		return nil
	}
	var out []UploadedDoc
	seen := map[string]bool{}
	for _, d := range docs {
		rest, ok := strings.CutPrefix(d.Path, UploadedPrefix+"/")
		if !ok || seen[d.Path] {
			continue
		}
		seen[d.Path] = true
		name := rest[strings.LastIndex(rest, "/")+1:]
		if dot := strings.IndexByte(name, '.'); dot > 0 {
			name = name[:dot]
		}
		out = append(out, UploadedDoc{ID: name, Title: d.Title, Area: d.Area})
	}
	return out
}
