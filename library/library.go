package library

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// Config says where a library is kept. The zero value is the corpus built
// into sendbot, with everything else under the user's cache folder.
type Config struct {
	// Corpus is the corpus folder (SENDBOT_CORPUS); "" means the corpus
	// built into sendbot (corpus.Default).
	Corpus string
	// Index is the index folder (SENDBOT_INDEX); "" means a folder under
	// DataDir named after the corpus.
	Index string
	// DataDir holds the indexes, fetched copies, uploads, audit logs and
	// other files kept per corpus (SENDBOT_DATA); "" means "sendbot" in
	// the user's cache folder (~/.cache/sendbot on Linux).
	DataDir string
	// FetchDir is where remote sources are kept once fetched
	// (SENDBOT_FETCH_DIR); "" means a folder under DataDir/fetched named
	// after the corpus, as indexes are.
	FetchDir string
	// FetchAllow are the private or loopback address ranges remote
	// sources may be fetched from although they are not public
	// (SENDBOT_FETCH_ALLOW); nil means none.
	FetchAllow []netip.Prefix
	// FetchInterval is the least time between two requests to a host
	// while fetching (fetch.Fetcher's MinInterval); 0 means
	// fetch.DefaultMinInterval, one second. Tests and benchmarks of sites
	// on loopback set it shorter.
	FetchInterval time.Duration
	// Version is sendbot's version, as fetches name it in their
	// User-Agent ("v1.2.0"); "" means "dev".
	Version string
	// NoBuiltinEngland leaves out the built-in documents about England as
	// a whole, which are otherwise indexed beside a corpus folder (under
	// BuiltinPrefix) so that a group's own documents add to them
	// (SENDBOT_BUILTIN_ENGLAND=off). The built-in corpus has them anyway.
	NoBuiltinEngland bool
	// MaxUploadBytes is the largest file an upload may be
	// (SENDBOT_MAX_UPLOAD); 0 means DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// KeepReplaced is how long the index a reindex or upload replaces is
	// kept beside the new one before it is removed (index.KeepReplaced),
	// for replicas that may still be reading it from another machine; 0
	// removes it at once. serve --role builder sets ReplacedGrace.
	KeepReplaced time.Duration
	// Logger receives what builds, reindexes and fetches do; nil discards.
	Logger *slog.Logger
}

// ReplacedGrace is how long a builder keeps the index it replaced: well
// over the 5 seconds after which every replica (Follow) has looked
// for the new one and switched, as a replica's search on the old index
// may still be running then.
const ReplacedGrace = time.Minute

// Prefixes the documents of the library's own folders appear under, in
// the index and in `sendbot check`, beside the corpus's files.
const (
	// FetchedPrefix is the folder of the documents fetched from remote
	// sources: "fetched/testshire/…".
	FetchedPrefix = "fetched"
	// UploadedPrefix is the folder of the documents added from Discord:
	// "uploaded/testshire/0a1b2c3d4e5f.pdf".
	UploadedPrefix = "uploaded"
	// BuiltinPrefix is the folder of the built-in documents about England
	// kept beside a corpus folder: "builtin/england/local-offer.md".
	BuiltinPrefix = "builtin/england"
)

// Library is one corpus and what sendbot keeps for it on disk. It is safe
// for concurrent use.
type Library struct {
	cfg      Config
	log      *slog.Logger
	name     string // the corpus folder's absolute path, or "embedded default"
	index    string
	fetched  string
	uploaded string

	// shelf is held while a build reads the corpus and while an upload
	// is added or removed, so that a document added meanwhile is neither
	// read half-way nor lost when the new index is swapped in.
	shelf sync.Mutex
	// reindexing lets one reindex run at a time.
	reindexing sync.Mutex
	// sitesChanged counts the writes of the sites added from Discord and
	// of how their crawls went, so that a builder reads them again for
	// the replicas only when they may have changed.
	sitesChanged atomic.Uint64
}

// Open finds the library cfg describes: the corpus, which must exist, and
// the folders kept for it, which need not yet.
func Open(cfg Config) (*Library, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	l := &Library{cfg: cfg, log: cfg.Logger}
	_, name, err := l.corpusSource()
	if err != nil {
		return nil, err
	}
	l.name = name
	if l.index, err = l.indexDir(); err != nil {
		return nil, err
	}
	if cfg.KeepReplaced > 0 {
		index.KeepReplaced(l.index, cfg.KeepReplaced)
	}
	if l.fetched, err = l.fetchDir(); err != nil {
		return nil, err
	}
	if l.uploaded, err = l.dataPath("uploads", "SENDBOT_DATA"); err != nil {
		return nil, err
	}
	return l, nil
}

// Name is the corpus: its folder, or "embedded default" for the corpus
// built into sendbot.
func (l *Library) Name() string { return l.name }

// IndexDir is the index folder.
func (l *Library) IndexDir() string { return l.index }

// FetchDir is the folder remote sources are fetched into.
func (l *Library) FetchDir() string { return l.fetched }

// UploadsDir is the folder documents added from Discord are kept in:
// never the corpus folder itself, which may be read-only (or built into
// sendbot).
func (l *Library) UploadsDir() string { return l.uploaded }

// DataFile is where a file about this corpus is kept under the data
// folder: kind/<corpus>/name, as feedback/<corpus>/feedback.db.
func (l *Library) DataFile(kind, name string) (string, error) {
	dir, err := l.dataPath(kind, "SENDBOT_DATA")
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}

// corpusSource returns the corpus to read and how to name it.
func (l *Library) corpusSource() (fs.FS, string, error) {
	if l.cfg.Corpus == "" {
		return corpus.Default(), "embedded default", nil
	}
	abs, err := filepath.Abs(l.cfg.Corpus)
	if err != nil {
		return nil, "", fmt.Errorf("corpus folder %q: %w", l.cfg.Corpus, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, "", fmt.Errorf("corpus folder %q does not exist (set SENDBOT_CORPUS or --corpus to a folder of documents)", l.cfg.Corpus)
	}
	if !info.IsDir() {
		return nil, "", fmt.Errorf("corpus %q is a file, not a folder", l.cfg.Corpus)
	}
	fsys, err := corpus.OpenDir(abs)
	if err != nil {
		return nil, "", fmt.Errorf("corpus folder %q: %w", l.cfg.Corpus, err)
	}
	return fsys, abs, nil
}

// indexDir is where the index lives. Indexes never go inside the source
// tree: by default they sit in the user's cache folder.
func (l *Library) indexDir() (string, error) {
	if l.cfg.Index != "" {
		return filepath.Abs(l.cfg.Index)
	}
	return l.dataPath("indexes", "SENDBOT_INDEX")
}

// fetchDir is where remote sources are kept: one cache per corpus, so two
// corpora never mix their downloads.
func (l *Library) fetchDir() (string, error) {
	if l.cfg.FetchDir != "" {
		return filepath.Abs(l.cfg.FetchDir)
	}
	return l.dataPath("fetched", "SENDBOT_FETCH_DIR")
}

// dataPath is a folder for the corpus under the data folder: kind/default
// for the built-in corpus, else kind/<folder name>-<hash of its path>.
// override names the setting that would put it elsewhere.
func (l *Library) dataPath(kind, override string) (string, error) {
	data := l.cfg.DataDir
	if data == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("find a folder for the %s (set SENDBOT_DATA or %s): %w", kind, override, err)
		}
		data = filepath.Join(cache, "sendbot")
	}
	name := "default"
	if l.cfg.Corpus != "" {
		sum := sha256.Sum256([]byte(l.name))
		name = filepath.Base(l.name) + "-" + hex.EncodeToString(sum[:4])
	}
	return filepath.Join(data, kind, name), nil
}

// shelfState is the corpus as it is now: its files, and the fingerprint
// of them with the fetched and uploaded folders.
type shelfState struct {
	fsys   fs.FS
	source index.Source
	// unfetched is the fingerprint without the fetch cache's part: what
	// a fetch leaves as it was, when only the cache changed.
	unfetched string
}

// state reads where the corpus is and fingerprints it with the fetch
// cache and the uploads, so that a fetch that changes the cache makes the
// index out of date, and a restart picks up documents added from Discord
// (which an update recorded, so it does not rebuild for them).
func (l *Library) state() (shelfState, error) {
	fsys, name, err := l.corpusSource()
	if err != nil {
		return shelfState{}, err
	}
	fp, err := corpus.Fingerprint(fsys)
	if err != nil {
		return shelfState{}, err
	}
	parts, fetched := []string{fp}, ""
	for _, extra := range []struct{ dir, prefix string }{{l.fetched, FetchedPrefix}, {l.uploaded, UploadedPrefix}} {
		if !isDir(extra.dir) {
			continue
		}
		efs, err := corpus.OpenDir(extra.dir)
		if err != nil {
			return shelfState{}, err
		}
		efp, err := corpus.Fingerprint(efs)
		if err != nil {
			return shelfState{}, err
		}
		part := extra.prefix + ":" + efp
		if extra.prefix == FetchedPrefix {
			fetched = part
		}
		parts = append(parts, part)
	}
	// The sites added from Discord are crawled into the fetched folder,
	// but the list of them changes first.
	sfp, err := l.sitesFingerprint()
	if err != nil {
		return shelfState{}, err
	}
	if sfp != "" {
		parts = append(parts, "sites:"+sfp)
	}
	if b := l.builtinEngland(); b != nil {
		bfp, err := corpus.Fingerprint(b)
		if err != nil {
			return shelfState{}, err
		}
		parts = append(parts, BuiltinPrefix+":"+bfp)
	}
	// The built-in glossary is part of what the index holds.
	parts = append(parts, "glossary:"+corpus.BuiltinGlossaryVersion())
	unfetched := slices.DeleteFunc(slices.Clone(parts), func(p string) bool { return p == fetched })
	return shelfState{fsys: fsys, source: index.Source{Name: name, Fingerprint: strings.Join(parts, "+")}, unfetched: strings.Join(unfetched, "+")}, nil
}

// builtinEngland is the built-in documents about England when they are
// kept beside the corpus folder, or nil: when the corpus is the built-in
// one, which has them already, or when the settings leave them out.
func (l *Library) builtinEngland() fs.FS {
	if l.cfg.Corpus == "" || l.cfg.NoBuiltinEngland {
		return nil
	}
	return corpus.DefaultEngland()
}

// Source is what an index built now would record it was built from: the
// corpus and the fingerprint of its files, fetched copies and uploads.
// An index that records another is out of date.
func (l *Library) Source() (index.Source, error) {
	st, err := l.state()
	return st.source, err
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return path != "" && err == nil && info.IsDir()
}
