package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/uploads"
)

// uploadsIndex is the serving index as the uploads store needs it: to
// know its areas and when it was built, and to switch to the updated one.
type uploadsIndex interface {
	reloader
	Areas() []string
	Info() index.Info
}

// openUploads opens the store of the documents moderators add from
// Discord (/add-document) for the configured corpus: uploads/<corpus>
// under SENDBOT_DATA, indexed into the configured index, which live
// serves. serve sets it as the bot's Uploads.
func openUploads(cfg config, t indexTarget, live uploadsIndex) (*uploads.Store, error) {
	maxBytes, err := cfg.maxUpload()
	if err != nil {
		return nil, err
	}
	return uploads.Open(uploads.Config{
		Dir:      t.uploaded,
		Index:    t.dir,
		Target:   func() (corpus.Glossary, index.Source, error) { return rebuildTarget(cfg) },
		Indexed:  live.Info,
		Areas:    live.Areas,
		Reload:   live.Reload,
		MaxBytes: maxBytes,
	})
}

// rebuildTarget is what a full rebuild of the configured corpus would
// record with its index now: the glossary and the source.
func rebuildTarget(cfg config) (corpus.Glossary, index.Source, error) {
	t, err := locate(cfg)
	if err != nil {
		return corpus.Glossary{}, index.Source{}, err
	}
	g := corpus.BuiltinGlossary()
	data, err := fs.ReadFile(t.fsys, corpus.GlossaryName)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return g, index.Source{}, fmt.Errorf("read the corpus's %s: %w", corpus.GlossaryName, err)
	default:
		own, _ := corpus.ParseGlossary(data) // its problems are for sendbot check
		g = g.Merge(own)
	}
	return g, index.Source{Name: t.name, Fingerprint: t.fingerprint}, nil
}
