package library

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/corpus/fetch"
)

// SiteRequest is a whole site a moderator asks to add from Discord: the
// options of /add-source as typed. Scope, MaxPages and Kind may be "".
type SiteRequest struct {
	URL, Area, Scope, MaxPages, Kind string
	// By is the moderator's Discord user ID.
	By string
}

// Site is a whole site the library crawls: one the corpus's sources.yaml
// lists, or one added from Discord.
type Site struct {
	// ID names the site in /remove-source: 12 hex digits of its start
	// address's hash.
	ID string
	// Start is the start address, Scope the address prefix the crawl
	// stays within, MaxPages the most pages it reads (as corpus.CheckSite
	// cleans them).
	Start, Scope string
	MaxPages     int
	Area, Kind   string
	// AddedBy (a Discord user ID) and AddedAt say who added it from
	// Discord and when; "" and the zero time for a site the corpus lists.
	AddedBy string
	AddedAt time.Time
	// Change is, on a replica, the number of the change that hands this
	// site's addition or removal to the builder (see RemoteSites); 0
	// elsewhere.
	Change int64 `json:"-"`
}

// Proposal is a site checked and waiting for the moderator to confirm
// it. Proposals are kept on disk, so a Confirm button works after a
// restart, until Expires.
type Proposal struct {
	ID      string    `json:"id"`
	Site    Site      `json:"site"`
	Expires time.Time `json:"expires"`
}

// SiteStatus is a site with how its last crawl went, from the crawl's
// report (see fetch.SiteResult).
type SiteStatus struct {
	Site
	// Crawled is when the site was last crawled; the zero time when it
	// has not been yet.
	Crawled time.Time
	// Pages is how many of its pages and documents are kept to quote;
	// Failed how many could not be fetched at the last crawl.
	Pages, Failed int
	// Reason says why the last crawl could not crawl it at all; Refused
	// is set when that was its address (not a public one).
	Reason  string
	Refused bool
	// Folder is where the site's pages are in the index: the documents
	// whose paths are under it ("fetched/testshire/…-local-offer").
	Folder string
}

// proposalTTL is how long a proposed site waits for its Confirm.
const proposalTTL = 24 * time.Hour

// Files in the folder of sites added from Discord. sources.yaml lists the
// sites as site entries (with who added them and when); the other two,
// whose leading dots keep them out of the corpus's fingerprint of the
// folder, hold proposals and the last crawl of each site.
const (
	proposalsName = ".proposals.json"
	crawlsName    = ".crawls.json"
)

// Sites keeps the whole sites moderators add from Discord, in
// sources/<corpus>/sources.yaml under the data folder, never in the
// corpus folder. A reindex crawls them with the corpus's own remote
// sources (the corpus's entry wins for a site both list), and the
// corpus's fingerprint covers them, so that adding or removing one
// makes the index out of date. Adding is two steps, Propose then
// Confirm, so the moderator sees what will be crawled first; removing a
// site takes its pages out at the next reindex. It is safe for
// concurrent use.
type Sites struct {
	lib  *Library
	live Live // nil: no serving index, so no areas from it
	mu   sync.Mutex
	now  func() time.Time
	// added lists the sites added from Discord: the library's own, or on
	// a replica the builder's (RemoteSites).
	added func() ([]Site, error)
}

// OpenSites returns the store of sites added from Discord; live gives
// the areas a new site's area is checked against (nil for none).
func (l *Library) OpenSites(live Live) *Sites {
	return &Sites{lib: l, live: live, now: time.Now, added: l.addedSites}
}

// SitesDir is the folder the sites added from Discord are listed in.
func (l *Library) SitesDir() string {
	dir, _ := l.dataPath("sources", "SENDBOT_DATA") // as the other folders, which Open made sure of
	return dir
}

// siteEntry is one site of the generated sources.yaml: a corpus.Meta
// site entry with who added it and when.
type siteEntry struct {
	Site     string    `yaml:"site"`
	Scope    string    `yaml:"scope"`
	MaxPages string    `yaml:"max_pages"`
	Area     string    `yaml:"area"`
	Kind     string    `yaml:"kind,omitempty"`
	AddedBy  string    `yaml:"added_by"`
	AddedAt  time.Time `yaml:"added_at"`
}

// addedSites reads the sites added from Discord, oldest first. An entry
// corpus.CheckSite refuses (only a hand edit makes one) is left out.
func (l *Library) addedSites() ([]Site, error) {
	data, err := os.ReadFile(filepath.Join(l.SitesDir(), corpus.ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the sites added from Discord: %w", err)
	}
	var f struct {
		Documents []siteEntry `yaml:"documents"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read the sites added from Discord in %s: %w", l.SitesDir(), err)
	}
	var out []Site
	for _, e := range f.Documents {
		m, err := corpus.CheckSite(corpus.Meta{Site: e.Site, Scope: e.Scope, MaxPages: e.MaxPages, Area: e.Area, Kind: e.Kind})
		if err != nil {
			l.log.Warn("left out a site added from Discord", "site", e.Site, "why", err)
			continue
		}
		s := siteOf(m)
		s.AddedBy, s.AddedAt = e.AddedBy, e.AddedAt
		out = append(out, s)
	}
	return out, nil
}

// writeAddedSites writes sources.yaml from sites.
func (l *Library) writeAddedSites(sites []Site) error {
	f := struct {
		Documents []siteEntry `yaml:"documents"`
	}{Documents: []siteEntry{}}
	for _, s := range sites {
		f.Documents = append(f.Documents, siteEntry{Site: s.Start, Scope: s.Scope, MaxPages: strconv.Itoa(s.MaxPages),
			Area: s.Area, Kind: s.Kind, AddedBy: s.AddedBy, AddedAt: s.AddedAt.UTC()})
	}
	data, err := yaml.Marshal(f)
	if err != nil {
		return err
	}
	data = append([]byte("# Written by sendbot for the sites moderators added from Discord (/add-source); do not edit.\n"), data...)
	if err := os.MkdirAll(l.SitesDir(), 0o755); err != nil {
		return fmt.Errorf("make the folder of sites added from Discord: %w", err)
	}
	defer l.sitesChanged.Add(1)
	return writeIfChanged(filepath.Join(l.SitesDir(), corpus.ManifestName), data)
}

// siteOf is the Site a cleaned site entry describes.
func siteOf(m corpus.Meta) Site {
	sum := sha256.Sum256([]byte(m.Site))
	return Site{ID: hex.EncodeToString(sum[:6]), Start: m.Site, Scope: m.Scope, MaxPages: m.PageLimit(), Area: m.Area, Kind: m.Kind}
}

// meta is the site as a sources.yaml entry, for fetch.
func (s Site) meta() corpus.Meta {
	return corpus.Meta{Site: s.Start, Scope: s.Scope, MaxPages: strconv.Itoa(s.MaxPages), Area: s.Area, Kind: s.Kind}
}

// remoteSources is what a reindex fetches: the remote sources the
// corpus's sources.yaml lists, then the sites added from Discord that it
// does not list already (by start address or scope).
func (l *Library) remoteSources(fsys fs.FS) ([]corpus.Meta, []corpus.Problem) {
	sources, problems := corpus.RemoteSources(fsys)
	added, err := l.addedSites()
	if err != nil {
		return sources, append(problems, corpus.Problem{Path: "sources", Reason: err.Error(), Err: err})
	}
	for _, s := range added {
		if listedSite(sources, s) == nil {
			sources = append(sources, s.meta())
		}
	}
	return sources, problems
}

// listedSite is the site entry of sources that crawls s's start address
// or scope, or nil.
func listedSite(sources []corpus.Meta, s Site) *corpus.Meta {
	for i, m := range sources {
		if m.Site != "" && (m.Site == s.Start || m.Scope == s.Scope) {
			return &sources[i]
		}
	}
	return nil
}

// sitesFingerprint covers the sites added from Discord, for the corpus's
// fingerprint: "" when there are none, so that a library without any
// keeps the fingerprint it had.
func (l *Library) sitesFingerprint() (string, error) {
	added, err := l.addedSites()
	if err != nil || len(added) == 0 {
		return "", err
	}
	h := sha256.New()
	for _, s := range added {
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s\x00%s\n", s.Start, s.Scope, s.MaxPages, s.Area, s.Kind)
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

// crawlRecord is how a site's last crawl went, as crawlsName keeps it.
type crawlRecord struct {
	Crawled time.Time `json:"crawled"`
	Folder  string    `json:"folder,omitempty"`
	Pages   int       `json:"pages"`
	Failed  int       `json:"failed"`
	Reason  string    `json:"reason,omitempty"`
	Refused bool      `json:"refused,omitempty"`
}

// recordCrawls keeps how each site of a fetch went, for /sources, and
// forgets the sites it no longer crawls. A site whose crawl failed
// outright keeps the pages it had, and says so.
func (l *Library) recordCrawls(sources []corpus.Meta, rep fetch.Report, at time.Time) {
	crawls := l.lastCrawls()
	listed := map[string]bool{}
	for _, m := range sources {
		listed[m.Site] = true
	}
	for start := range crawls {
		if !listed[start] {
			delete(crawls, start)
		}
	}
	for _, r := range rep.Sites {
		c := crawlRecord{Crawled: at.UTC(), Folder: r.Folder, Pages: r.Stored, Failed: r.Failed, Reason: r.Reason, Refused: r.Refused}
		crawls[r.Site] = c
	}
	data, err := json.MarshalIndent(crawls, "", "  ")
	if err == nil {
		err = os.MkdirAll(l.SitesDir(), 0o755)
	}
	if err == nil {
		err = writeIfChanged(filepath.Join(l.SitesDir(), crawlsName), append(data, '\n'))
		l.sitesChanged.Add(1)
	}
	if err != nil {
		l.log.Warn("could not keep how the sites' crawls went; /sources will not show it", "err", err)
	}
}

// lastCrawls reads how each site's last crawl went, by start address.
func (l *Library) lastCrawls() map[string]crawlRecord {
	crawls := map[string]crawlRecord{}
	if data, err := os.ReadFile(filepath.Join(l.SitesDir(), crawlsName)); err == nil {
		json.Unmarshal(data, &crawls) // a damaged file only loses what /sources shows until the next crawl
	}
	if crawls == nil {
		crawls = map[string]crawlRecord{}
	}
	return crawls
}

// mustFetch reports whether a reindex fetches although sources is empty:
// when sites were crawled before, whose pages must now be removed.
func (l *Library) mustFetch(sources []corpus.Meta) bool {
	return len(sources) > 0 || len(l.lastCrawls()) > 0
}

// sitesStamp changes whenever what Status and Sites.Added read may have:
// the library writes the sites added or how their crawls went, or
// someone edits the corpus's sources.yaml. It costs a stat, not a read.
func (l *Library) sitesStamp() string {
	stamp := strconv.FormatUint(l.sitesChanged.Load(), 10)
	if l.cfg.Corpus != "" {
		if fi, err := os.Stat(filepath.Join(l.cfg.Corpus, corpus.ManifestName)); err == nil {
			stamp += " " + fi.ModTime().String() + " " + strconv.FormatInt(fi.Size(), 10)
		}
	}
	return stamp
}

// Status lists every site the library crawls, the corpus's first, with
// how its last crawl went.
func (s *Sites) Status() ([]SiteStatus, error) {
	fsys, _, err := s.lib.corpusSource()
	if err != nil {
		return nil, err
	}
	sources, _ := s.lib.remoteSources(fsys)
	added, _ := s.lib.addedSites()
	crawls := s.lib.lastCrawls()
	var out []SiteStatus
	for _, m := range sources {
		if m.Site == "" {
			continue
		}
		st := SiteStatus{Site: siteOf(m)}
		if i := slices.IndexFunc(added, func(a Site) bool { return a.Start == m.Site }); i >= 0 {
			st.Site = added[i]
		}
		if c, ok := crawls[m.Site]; ok {
			st.Crawled, st.Pages, st.Failed, st.Reason, st.Refused = c.Crawled, c.Pages, c.Failed, c.Reason, c.Refused
			if c.Folder != "" {
				st.Folder = FetchedPrefix + "/" + c.Folder
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// Added lists the sites added from Discord, newest first.
func (s *Sites) Added() []Site {
	added, err := s.lib.addedSites()
	if err != nil {
		s.lib.log.Warn("could not list the sites added from Discord", "err", err)
	}
	slices.Reverse(added)
	return added
}

// Propose checks r as a sources.yaml site entry, with its area among
// those there are and its site not listed yet, and keeps it until
// Confirm or Cancel (or proposalTTL). What it will not take is refused
// with a *Refusal.
func (s *Sites) Propose(r SiteRequest) (Proposal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	site, err := s.check(r)
	if err != nil {
		return Proposal{}, err
	}
	props := s.proposals()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Proposal{}, err
	}
	p := Proposal{ID: hex.EncodeToString(b[:]), Site: site, Expires: s.now().Add(proposalTTL).UTC()}
	props = append(props, p)
	if err := s.saveProposals(props); err != nil {
		return Proposal{}, err
	}
	return p, nil
}

// Confirm adds the proposed site id to the sites a reindex crawls, as
// added by the moderator by (who may not be the one who proposed it). It
// is checked again first: another moderator may have added the site
// meanwhile. A proposal gone (confirmed, cancelled or expired) is
// refused with Why ProposalGone.
func (s *Sites) Confirm(id, by string) (Site, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	props, i, err := s.proposal(id)
	if err != nil {
		return Site{}, err
	}
	site, err := s.add(props[i].Site, by)
	if err != nil {
		return Site{}, err
	}
	if err := s.saveProposals(slices.Delete(props, i, i+1)); err != nil {
		s.lib.log.Warn("could not forget a confirmed proposal", "err", err)
	}
	return site, nil
}

// Add adds site, checked again as Confirm checks it, to the sites a
// reindex crawls, as added by the moderator by: what the builder does
// with a site confirmed on a replica. A site listed already as added by
// by is taken as added (the builder was stopped after saving it, before
// recording that it had).
func (s *Sites) Add(site Site, by string) (Site, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	added, err := s.add(site, by)
	var r *Refusal
	if errors.As(err, &r) && r.Why == SiteListed && r.Site.Start == site.Start && by != "" && r.Site.AddedBy == oneLine(by) {
		return r.Site, nil
	}
	return added, err
}

// add checks site again and saves it; s.mu is held.
func (s *Sites) add(p Site, by string) (Site, error) {
	site, err := s.check(SiteRequest{URL: p.Start, Scope: p.Scope, MaxPages: strconv.Itoa(p.MaxPages), Area: p.Area, Kind: p.Kind})
	if err != nil {
		return Site{}, err
	}
	site.AddedBy, site.AddedAt = oneLine(by), s.now().UTC()
	added, err := s.lib.addedSites()
	if err != nil {
		return Site{}, err
	}
	if err := s.lib.writeAddedSites(append(added, site)); err != nil {
		return Site{}, fmt.Errorf("save the site: %w", err)
	}
	return site, nil
}

// Cancel forgets the proposed site id, and returns it; a proposal gone
// already is refused with Why ProposalGone.
func (s *Sites) Cancel(id string) (Site, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	props, i, err := s.proposal(id)
	if err != nil {
		return Site{}, err
	}
	site := props[i].Site // before Delete moves the others over it
	return site, s.saveProposals(slices.Delete(props, i, i+1))
}

// proposal finds the proposal id among those kept, refusing it with Why
// ProposalGone when it is not (confirmed, cancelled or expired); s.mu is
// held.
func (s *Sites) proposal(id string) ([]Proposal, int, error) {
	props := s.proposals()
	i := slices.IndexFunc(props, func(p Proposal) bool { return p.ID == id })
	if i < 0 {
		return nil, 0, &Refusal{Why: ProposalGone}
	}
	return props, i, nil
}

// Remove takes the site added from Discord with the ID (or start
// address) given out of the sites a reindex crawls; the next reindex
// removes its pages. A site the corpus lists is not removed here (it is
// not a moderator's to remove): it is refused as NoSuchSite.
func (s *Sites) Remove(id string) (Site, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	added, err := s.lib.addedSites()
	if err != nil {
		return Site{}, err
	}
	i, err := findAdded(added, id)
	if err != nil {
		return Site{}, err
	}
	site := added[i]
	if err := s.lib.writeAddedSites(slices.Delete(added, i, i+1)); err != nil {
		return Site{}, fmt.Errorf("remove the site: %w", err)
	}
	return site, nil
}

// findAdded is where the site with the ID (or start address) id is in
// added, oldest first; one not there is refused as Remove refuses it.
func findAdded(added []Site, id string) (int, error) {
	id = strings.TrimSpace(id)
	if len(added) == 0 {
		return -1, &Refusal{Why: NothingAdded}
	}
	i := slices.IndexFunc(added, func(a Site) bool { return a.ID == strings.ToLower(id) || a.Start == id })
	if i < 0 {
		added = slices.Clone(added)
		slices.Reverse(added)
		return -1, &Refusal{Why: NoSuchSite, ID: id, Sites: added}
	}
	return i, nil
}

// check checks a request as a site entry: corpus.CheckSite's rules, a
// kind of one word or hyphenated words, an area resolved as an upload's
// is, and a site that neither the corpus nor an earlier /add-source
// lists.
func (s *Sites) check(r SiteRequest) (Site, error) {
	kind := strings.ToLower(oneLine(r.Kind))
	if kind != "" && !isKind(kind) {
		return Site{}, &Refusal{Why: BadKind}
	}
	fsys, _, err := s.lib.corpusSource()
	if err != nil {
		return Site{}, err
	}
	listed, _ := corpus.RemoteSources(fsys)
	added, err := s.added()
	if err != nil {
		return Site{}, err
	}
	known := s.knownAreas(listed, added)
	area := oneLine(r.Area)
	if area == "" {
		return Site{}, &Refusal{Why: NoArea, Areas: distinctAreas(known)}
	}
	if area, err = resolveArea(area, known); err != nil {
		return Site{}, err
	}
	m, err := corpus.CheckSite(corpus.Meta{Site: oneLine(r.URL), Scope: oneLine(r.Scope), MaxPages: oneLine(r.MaxPages), Area: area, Kind: kind})
	var p *corpus.SiteProblem
	if errors.As(err, &p) {
		return Site{}, siteRefusal(p, r)
	}
	if err != nil {
		return Site{}, err
	}
	site := siteOf(m)
	if strings.ContainsAny(site.Start, " \t\n`<>") || strings.ContainsAny(site.Scope, " \t\n`<>") {
		return Site{}, &Refusal{Why: BadSiteURL}
	}
	if l := listedSite(listed, site); l != nil {
		return Site{}, &Refusal{Why: SiteListed, Site: siteOf(*l)}
	}
	for _, a := range added {
		if a.Start == site.Start || a.Scope == site.Scope {
			return Site{}, &Refusal{Why: SiteListed, Site: a}
		}
	}
	// A site every fetch would refuse for its address is not kept: it
	// could never be crawled. Looked up briefly, as the moderator waits
	// for the answer; a name that does not resolve in time is let
	// through, and its crawl says why it failed.
	ctx, cancel := context.WithTimeout(context.Background(), addressCheckTime)
	defer cancel()
	var np *fetch.NotPublicError
	if err := fetch.CheckPublic(ctx, site.Start, s.lib.cfg.FetchAllow, nil); errors.As(err, &np) {
		return Site{}, &Refusal{Why: NotPublic, Site: site, NotPublic: np}
	}
	return site, nil
}

// addressCheckTime bounds the look-up of a proposed site's address:
// Discord waits 3 seconds for the bot's answer.
const addressCheckTime = 2 * time.Second

// siteRefusal turns what corpus.CheckSite found into a Refusal.
func siteRefusal(p *corpus.SiteProblem, r SiteRequest) *Refusal {
	switch p.Field {
	case "max_pages":
		return &Refusal{Why: BadMaxPages, Max: corpus.MaxSitePages}
	case "scope":
		ref := &Refusal{Why: BadScope}
		if u, err := url.Parse(strings.TrimSpace(r.URL)); err == nil {
			ref.Site.Start, ref.Site.Scope = u.String(), corpus.SiteFolder(u)
		}
		return ref
	}
	return &Refusal{Why: BadSiteURL}
}

// knownAreas are the areas a site's area is checked against: the serving
// index's, and those of the sites listed already.
func (s *Sites) knownAreas(listed []corpus.Meta, added []Site) []string {
	var known []string
	if s.live != nil {
		known = slices.Clone(s.live.Areas())
	}
	for _, m := range listed {
		known = append(known, m.Area)
	}
	for _, a := range added {
		known = append(known, a.Area)
	}
	return known
}

// proposals reads the proposals still waiting.
func (s *Sites) proposals() []Proposal {
	var props []Proposal
	if data, err := os.ReadFile(filepath.Join(s.lib.SitesDir(), proposalsName)); err == nil {
		json.Unmarshal(data, &props) // a damaged file loses only the proposals
	}
	now := s.now()
	return slices.DeleteFunc(props, func(p Proposal) bool { return now.After(p.Expires) })
}

func (s *Sites) saveProposals(props []Proposal) error {
	if props == nil {
		props = []Proposal{}
	}
	data, err := json.MarshalIndent(props, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.lib.SitesDir(), 0o755); err != nil {
		return fmt.Errorf("make the folder of sites added from Discord: %w", err)
	}
	return writeIfChanged(filepath.Join(s.lib.SitesDir(), proposalsName), append(data, '\n'))
}
