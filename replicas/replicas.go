// Package replicas wires what serve shares with the other processes
// serving one bot (docs/scaling.md): the stores of votes, gaps, the audit
// log and answers' pages, in PostgreSQL when DATABASE_URL is set, else in
// files and memory; and the moderators' commands that change the
// documents (/add-document, /remove-document, /reindex, /add-source,
// /remove-source), which on a replica with PostgreSQL are handed to the
// builder, the only writer of the shared index.
//
//	shared, err := replicas.Open(ctx, cfg, lib, live, rx, &bc) // sets bc's stores, Uploads, Reindexer and Sites
//	defer shared.Close()
//	go shared.Run(ctx, log) // on a builder: makes the changes replicas hand over
package replicas

import (
	"context"
	"log/slog"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/settings"
	"github.com/sendbot/sendbot/store/postgres"
)

// Shared is what one serve process keeps with the others of its bot.
type Shared struct {
	db      *postgres.DB     // nil without DATABASE_URL
	builder *library.Builder // on a builder with DATABASE_URL, which makes changes handed over
	closers []func()
}

// Open sets bc's Feedback, Gaps, Audit and Pages: in the PostgreSQL
// database DATABASE_URL names, migrated first, when it is set; else in
// the files under SENDBOT_DATA and in memory. It sets bc.Uploads too:
// the library's own uploads, except on a replica, which has them only
// with PostgreSQL, as a library.Handover to the builder. And it sets
// bc.Reindexer and bc.Sites: rx and the library's sites, except on a
// replica, which has them only with PostgreSQL, as a
// library.RemoteReindexer and library.RemoteSites handing them to the
// builder. A builder with PostgreSQL keeps its sites' proposals in the
// database too (RemoteSites), so that a Confirm works on any process.
// live is the index serve answers from; bc must have been read by
// cfg.Bot.
func Open(ctx context.Context, cfg settings.Settings, lib *library.Library, live *index.Live, rx *library.Reindexer, bc *bot.Config) (*Shared, error) {
	s := &Shared{}
	if err := s.openStores(ctx, cfg, lib, live, bc); err != nil {
		s.Close()
		return nil, err
	}
	role, _ := cfg.ServeRole() // checked by Bot
	switch {
	case role == settings.RoleReplica && s.db == nil:
		return s, nil // the builder changes the documents, and the bot says so
	case role == settings.RoleReplica:
		bc.Reindexer = library.NewRemoteReindexer(s.db.Changes(), live, 0)
		bc.Sites = lib.RemoteSites(s.db.Changes(), live, 0)
	case role == settings.RoleBuilder && s.db != nil:
		bc.Reindexer, bc.Sites = rx, lib.RemoteSites(s.db.Changes(), live, 0)
	default:
		bc.Reindexer, bc.Sites = rx, lib.OpenSites(live)
	}
	uploads, err := lib.OpenUploads(live)
	if err != nil {
		s.Close()
		return nil, err
	}
	switch role {
	case settings.RoleReplica:
		// A replica's own Uploads only checks files, as the builder will.
		bc.Uploads = &library.Handover{Queue: s.db.Changes(), Check: uploads, Index: live}
	case settings.RoleBuilder:
		bc.Uploads = uploads
		if s.db != nil {
			s.builder = &library.Builder{Uploads: uploads, Reindexer: rx, Sites: lib.OpenSites(live), Live: live}
		}
	default:
		bc.Uploads = uploads
	}
	return s, nil
}

func (s *Shared) openStores(ctx context.Context, cfg settings.Settings, lib *library.Library, vocab *index.Live, bc *bot.Config) error {
	url, err := cfg.DatabaseURL()
	if err != nil {
		return err
	}
	keep, _ := cfg.GapsKeep() // checked by Bot
	if url != "" {
		if s.db, err = postgres.Open(ctx, url); err != nil {
			return err
		}
		s.closers = append(s.closers, s.db.Close)
		votes, err := s.db.Feedback(ctx)
		if err != nil {
			return err
		}
		gapStore, err := s.db.Gaps(ctx, keep, vocab)
		if err != nil {
			return err
		}
		bc.Feedback, bc.Gaps, bc.Audit, bc.Pages = votes, gapStore, s.db.Audit(), s.db.Pages(bot.AnswerTTL)
		return nil
	}
	gapStore, err := lib.OpenGaps(keep, vocab)
	if err != nil {
		return err
	}
	s.closers = append(s.closers, func() { gapStore.Close() })
	votes, err := lib.OpenFeedback()
	if err != nil {
		return err
	}
	s.closers = append(s.closers, func() { votes.Close() })
	audit, err := lib.OpenAudit()
	if err != nil {
		return err
	}
	bc.Feedback, bc.Gaps, bc.Audit = votes, gapStore, audit
	return nil
}

// Run makes, on a builder with PostgreSQL, the changes replicas hand
// over (library.ApplyChanges), and keeps its sites in the database for
// them, until ctx ends; elsewhere it returns at once.
func (s *Shared) Run(ctx context.Context, log *slog.Logger) {
	if s.builder == nil {
		return
	}
	library.ApplyChanges(ctx, s.db.Changes(), *s.builder, log)
}

// Close closes the stores, the database last.
func (s *Shared) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}
