package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// failure is why one source was not fetched, worded for the person who
// runs sendbot fetch.
type failure struct {
	outcome Outcome // Failed or Blocked
	reason  string
	// redirects marks a redirect loop or too many redirects.
	redirects bool
	// refused marks an address the guard would not connect to.
	refused bool
}

func (f *failure) Error() string { return f.reason }

func failed(format string, args ...any) *failure {
	return &failure{outcome: Failed, reason: fmt.Sprintf(format, args...)}
}

// session is one run of Fetch: its own robots.txt cache and the time of
// the last request to each host, so each run asks for robots.txt afresh.
type session struct {
	cfg   Fetcher // with the defaults filled in
	guard *guard
	// client connects only where guard allows. Redirects are followed by
	// hand, so that every hop is checked against robots.txt, counted, and
	// spaced like any other request.
	client *http.Client
	log    *slog.Logger
	// last is when the last request to each host ended.
	last map[string]time.Time
	// robots holds each site's rules (by scheme and host); robotsErr why
	// a site's robots.txt could not be read at all.
	robots    map[string]robots
	robotsErr map[string]*failure
	// delay is the Crawl-delay each host asked for.
	delay map[string]time.Duration
}

func newSession(cfg Fetcher) *session {
	g := newGuard(cfg)
	return &session{
		cfg: cfg, guard: g, client: g.client(), log: cfg.Logger,
		last: map[string]time.Time{}, robots: map[string]robots{}, robotsErr: map[string]*failure{}, delay: map[string]time.Duration{},
	}
}

// response is a final (non-redirect) answer with its body, when it was read.
type response struct {
	url    *url.URL // after redirects
	status int
	header http.Header
	body   []byte
}

// request says how to ask for one URL.
type request struct {
	accept string
	// validators, when set, are sent to this URL (only: after a redirect
	// elsewhere they would describe another resource).
	validators *sourceState
	maxBytes   int64
	// cut reads at most maxBytes and ignores the rest instead of failing.
	cut bool
	// robots checks every hop against the site's robots.txt.
	robots bool
	// follow, when set, is asked before each redirect is followed, and
	// stops it with its failure: a crawl keeps to its scope.
	follow func(next *url.URL) *failure
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// get fetches u, following at most MaxRedirects redirects to http and
// https addresses and refusing loops.
func (s *session) get(ctx context.Context, u *url.URL, rq request) (*response, *failure) {
	chain := []string{u.String()}
	for {
		if rq.robots {
			if f := s.checkRobots(ctx, u); f != nil {
				return nil, redirectedTo(chain, u, f)
			}
		}
		resp, f := s.do(ctx, u, rq)
		if f != nil {
			return nil, redirectedTo(chain, u, f)
		}
		if !isRedirect(resp.status) {
			return resp, nil
		}
		loc := resp.header.Get("Location")
		if loc == "" {
			return nil, failed("the server answered %s but gave no address to go to", statusText(resp.status))
		}
		next, err := u.Parse(loc)
		if err != nil {
			return nil, failed("redirected to %q, which is not a web address", loc)
		}
		if next.Scheme != "http" && next.Scheme != "https" {
			return nil, failed("redirected to a %s: address; sendbot follows only http and https", next.Scheme)
		}
		next.Fragment, next.RawFragment = "", ""
		if rq.follow != nil {
			if f := rq.follow(next); f != nil {
				return nil, f
			}
		}
		for _, seen := range chain {
			if seen == next.String() {
				f := failed("redirect loop: %s", strings.Join(append(chain, next.String()), " → "))
				f.redirects = true
				return nil, f
			}
		}
		if len(chain) > s.cfg.MaxRedirects {
			f := failed("more than %d redirects (gave up at %s)", s.cfg.MaxRedirects, next)
			f.redirects = true
			return nil, f
		}
		chain = append(chain, next.String())
		u = next
	}
}

// redirectedTo says that a refusal came after a redirect to u, so that a
// listed address is not taken for a private one when only the page it
// redirects to is. f may be a cached robots.txt failure: it is copied,
// not changed.
func redirectedTo(chain []string, u *url.URL, f *failure) *failure {
	if !f.refused || len(chain) < 2 {
		return f
	}
	g := *f
	g.reason = fmt.Sprintf("redirected to %s, and %s", u, f.reason)
	return &g
}

// do makes one request, after waiting for the host's turn, and reads the
// body of a 200 answer up to the size cap. A host written as an address
// is checked before anything else, so it is refused with the same words
// however the resolver would treat spellings such as 127.1; names are
// checked by the guard's dialer once resolved.
func (s *session) do(ctx context.Context, u *url.URL, rq request) (*response, *failure) {
	if ip, ok := hostAddress(u.Hostname()); ok {
		var re *refusedError
		if errors.As(s.guard.check(ip), &re) {
			return nil, refusal(u.Hostname(), re)
		}
	}
	host := strings.ToLower(u.Hostname())
	if err := s.wait(ctx, host); err != nil {
		return nil, failed("interrupted before it was fetched")
	}
	defer func() { s.last[host] = time.Now() }()

	rctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, failed("%s is not a URL sendbot can ask for", u)
	}
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	if rq.accept != "" {
		req.Header.Set("Accept", rq.accept)
	}
	if v := rq.validators; v != nil && v.FinalURL == u.String() {
		if v.ETag != "" {
			req.Header.Set("If-None-Match", v.ETag)
		}
		if v.LastModified != "" {
			req.Header.Set("If-Modified-Since", v.LastModified)
		}
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	var re *refusedError
	if errors.As(err, &re) {
		return nil, refusal(u.Hostname(), re)
	}
	if err != nil {
		return nil, s.networkFailure(ctx, rctx, err)
	}
	defer resp.Body.Close()
	s.log.Debug("fetch request", "url", u.String(), "status", resp.StatusCode, "took", time.Since(start).Round(time.Millisecond))
	out := &response{url: u, status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return out, nil
	}
	if !rq.cut && resp.ContentLength > rq.maxBytes {
		return nil, failed("larger than %s (the server says %s)", Size(rq.maxBytes), Size(resp.ContentLength))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, rq.maxBytes+1))
	if err != nil {
		return nil, s.networkFailure(ctx, rctx, err)
	}
	if int64(len(body)) > rq.maxBytes {
		if !rq.cut {
			return nil, failed("larger than %s", Size(rq.maxBytes))
		}
		body = body[:rq.maxBytes]
	}
	out.body = body
	return out, nil
}

// wait sleeps until the host may be asked again: MinInterval, or the
// host's Crawl-delay when that is longer, after its last request ended.
func (s *session) wait(ctx context.Context, host string) error {
	last, ok := s.last[host]
	if !ok {
		return ctx.Err()
	}
	gap := max(s.cfg.MinInterval, s.delay[host])
	d := time.Until(last.Add(gap))
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// networkFailure words a failed request: interrupted, too slow, or the
// connection's own trouble.
func (s *session) networkFailure(ctx, rctx context.Context, err error) *failure {
	var (
		dnsErr  *net.DNSError
		opErr   *net.OpError
		certErr *tls.CertificateVerificationError
	)
	switch {
	case ctx.Err() != nil:
		return failed("interrupted")
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		return failed("no complete answer within %s", s.cfg.Timeout)
	case errors.As(err, &dnsErr):
		return failed("could not find the host %s (check the address)", dnsErr.Name)
	case errors.As(err, &certErr):
		return failed("the site's security certificate is not valid, so sendbot did not trust it")
	case errors.As(err, &opErr) && opErr.Op == "dial":
		var sysErr *os.SyscallError
		if errors.As(opErr.Err, &sysErr) {
			return failed("could not connect to the site (%v)", sysErr.Err)
		}
		return failed("could not connect to the site (%v)", opErr.Err)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return failed("download failed: %v", err)
}

// checkRobots reads the site's robots.txt, once per run, and says whether
// u is off limits.
func (s *session) checkRobots(ctx context.Context, u *url.URL) *failure {
	site := u.Scheme + "://" + strings.ToLower(u.Host)
	if f, ok := s.robotsErr[site]; ok {
		return f
	}
	r, ok := s.robots[site]
	if !ok {
		var f *failure
		r, f = s.readRobots(ctx, site)
		if f != nil {
			s.robotsErr[site] = f
			return f
		}
		s.robots[site] = r
		host := strings.ToLower(u.Hostname())
		s.delay[host] = max(s.delay[host], r.crawlDelay)
	}
	if r.blocked != "" {
		return &failure{outcome: Blocked, reason: r.blocked}
	}
	if !r.allowed(u) {
		return &failure{outcome: Blocked, reason: "the site's robots.txt asks robots not to fetch " + u.EscapedPath()}
	}
	return nil
}

// readRobots fetches a site's robots.txt and applies RFC 9309: a missing
// one (4xx) allows everything; one the server fails to give (5xx) forbids
// everything until a later run can read it.
func (s *session) readRobots(ctx context.Context, site string) (robots, *failure) {
	u, err := url.Parse(site + "/robots.txt")
	if err != nil {
		return robots{}, failed("%s is not a web address", site)
	}
	resp, f := s.get(ctx, u, request{accept: "text/plain", maxBytes: maxRobotsBytes, cut: true})
	switch {
	case f != nil && f.redirects:
		return robots{}, nil // RFC 9309: too many redirects count as "unavailable"
	case f != nil && f.refused:
		return robots{}, f // about the site, not its robots.txt
	case f != nil:
		f.reason = "robots.txt: " + f.reason
		return robots{}, f
	case resp.status == http.StatusOK:
		return parseRobots(resp.body), nil
	case resp.status >= 400 && resp.status < 500:
		return robots{}, nil
	case resp.status >= 500:
		return robots{blocked: fmt.Sprintf("the site's robots.txt answered %s; until it can be read sendbot treats the whole site as off limits (RFC 9309)", statusText(resp.status))}, nil
	}
	return robots{}, nil // other answers (204, 3xx without a target…) say nothing
}

// statusText is "404 Not Found".
func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprint(code)
}

// Size is a byte count as people read it: "812 bytes", "12 KiB", "32 MiB",
// "66 GiB". Reports, the fetch command and doctor use it, so sizes read
// the same everywhere.
func Size(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KiB", (n+1<<9)>>10)
	case n < 1<<30:
		return fmt.Sprintf("%.3g MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.3g GiB", float64(n)/(1<<30))
}
