package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// testNames is what the fake DNS answers: names that lead to this
// computer, to a private network, and to a public address.
var testNames = map[string][]netip.Addr{
	"localhost":         {netip.MustParseAddr("127.0.0.1")}, // in case /etc/hosts lacks it
	"loopback.example":  {netip.MustParseAddr("127.0.0.1")},
	"intranet.example":  {netip.MustParseAddr("10.0.0.7")},
	"metadata.example":  {netip.MustParseAddr("fd00:ec2::254")},
	"testshire.example": {netip.MustParseAddr("203.0.113.10")},
}

// guardedFetcher is newTestFetcher with a timeout long enough that no
// test here depends on how fast the machine is: refusals are immediate.
func guardedFetcher(t *testing.T) *Fetcher {
	f := newTestFetcher(t.TempDir())
	f.Timeout = time.Minute
	return f
}

// TestAddressKinds: every spelling of a non-public address is read as
// the address it is and refused with its kind; public addresses and
// names are not refused here (names are judged once resolved).
func TestAddressKinds(t *testing.T) {
	tests := []struct {
		host string
		addr string // "" when host is a name, not an address
		kind string
	}{
		{"127.0.0.1", "127.0.0.1", "a loopback address"},
		{"127.1", "127.0.0.1", "a loopback address"},
		{"2130706433", "127.0.0.1", "a loopback address"},
		{"0x7f000001", "127.0.0.1", "a loopback address"},
		{"0x7F.1", "127.0.0.1", "a loopback address"},
		{"0177.0.0.1", "127.0.0.1", "a loopback address"},
		{"127.0.0.1.", "127.0.0.1", "a loopback address"},
		{"::1", "::1", "a loopback address"},
		{"::ffff:127.0.0.1", "::ffff:127.0.0.1", "a loopback address"},
		{"0.0.0.0", "0.0.0.0", "an unspecified address"},
		{"0", "0.0.0.0", "an unspecified address"},
		{"::", "::", "an unspecified address"},
		{"10.1.2.3", "10.1.2.3", "a private network address"},
		{"172.16.0.1", "172.16.0.1", "a private network address"},
		{"172.31.255.255", "172.31.255.255", "a private network address"},
		{"192.168.1.1", "192.168.1.1", "a private network address"},
		{"fc00::1", "fc00::1", "a private network address"},
		{"fd12:3456::1", "fd12:3456::1", "a private network address"},
		{"::ffff:192.168.0.1", "::ffff:192.168.0.1", "a private network address"},
		{"169.254.169.254", "169.254.169.254", "a link-local address"},
		{"::ffff:169.254.169.254", "::ffff:169.254.169.254", "a link-local address"},
		{"64:ff9b::a9fe:a9fe", "64:ff9b::a9fe:a9fe", "a link-local address"}, // NAT64 169.254.169.254
		{"2002:7f00:1::", "2002:7f00:1::", "a loopback address"},             // 6to4 127.0.0.1
		{"fe80::1", "fe80::1", "a link-local address"},
		{"fe80::1%eth0", "fe80::1%eth0", "a link-local address"},
		{"100.64.0.1", "100.64.0.1", "a carrier-grade NAT address"},
		{"100.127.255.254", "100.127.255.254", "a carrier-grade NAT address"},
		{"::ffff:100.64.0.1", "::ffff:100.64.0.1", "a carrier-grade NAT address"},
		{"224.0.0.251", "224.0.0.251", "a multicast address"},
		{"ff02::1", "ff02::1", "a multicast address"},
		{"255.255.255.255", "255.255.255.255", "a broadcast address"},
		{"240.0.0.1", "240.0.0.1", "a reserved address"},
		{"198.18.0.1", "198.18.0.1", "a reserved address"},
		// Public, or not an address at all.
		{"93.184.215.14", "93.184.215.14", ""},
		{"100.128.0.1", "100.128.0.1", ""},
		{"172.32.0.1", "172.32.0.1", ""},
		{"2606:4700:4700::1111", "2606:4700:4700::1111", ""},
		{"64:ff9b::808:808", "64:ff9b::808:808", ""}, // NAT64 8.8.8.8
		{"192.0.2.1", "192.0.2.1", ""},               // documentation: reaches no one
		{"localhost", "", ""},
		{"localhost.", "", ""},
		{"www.herefordshire.gov.uk", "", ""},
		{"127.0.0.256", "", ""},
		{"4294967296", "", ""},
		{"1.2.3.4.5", "", ""},
		{"0x", "", ""},
		{"1..2", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			ip, ok := hostAddress(tt.host)
			if !ok {
				if tt.addr != "" {
					t.Fatalf("hostAddress(%q) is not an address, want %s", tt.host, tt.addr)
				}
				return
			}
			if ip.String() != tt.addr {
				t.Fatalf("hostAddress(%q) = %s, want %q", tt.host, ip, tt.addr)
			}
			if got := addressKind(ip); got != tt.kind {
				t.Errorf("addressKind(%s) = %q, want %q", ip, got, tt.kind)
			}
		})
	}
}

// TestAllowCoversOnlyItsRanges: SENDBOT_FETCH_ALLOW=127.0.0.0/8 lets in
// loopback in every form, and nothing else.
func TestAllowCoversOnlyItsRanges(t *testing.T) {
	g := newGuard(Fetcher{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::ffff:10.20.0.0/112")}})
	for addr, allowed := range map[string]bool{
		"127.0.0.1": true, "127.255.0.9": true, "::ffff:127.0.0.1": true, "10.20.3.4": true, "::ffff:10.20.3.4": true,
		"::1": false, "0.0.0.0": false, "10.21.0.1": false, "100.64.0.1": false, "169.254.169.254": false,
		"8.8.8.8": true,
	} {
		err := g.check(netip.MustParseAddr(addr))
		if (err == nil) != allowed {
			t.Errorf("check(%s) = %v, want allowed %v", addr, err, allowed)
		}
	}
}

// TestDialerChecksTheAddressItConnectsTo dials the way the HTTP
// transport does: by name or address, through the resolver. The refused
// ones are refused before any packet is sent, so unreachable addresses
// can be tried too.
func TestDialerChecksTheAddressItConnectsTo(t *testing.T) {
	site := newTestSite(t)
	port := site.Listener.Addr().(*net.TCPAddr).Port
	at := func(host string) string { return net.JoinHostPort(host, fmt.Sprint(port)) }
	tests := []struct {
		addr string
		// refused is the kind refused with SENDBOT_FETCH_ALLOW empty;
		// allowed says whether 127.0.0.0/8 lets it connect.
		refused string
		allowed bool
	}{
		{at("127.0.0.1"), "a loopback address", true},
		{at("localhost"), "a loopback address", true},
		{at("localhost."), "a loopback address", true},
		{at("::ffff:127.0.0.1"), "a loopback address", true},
		{at("loopback.example"), "a loopback address", true},
		{at("0.0.0.0"), "an unspecified address", false},
		{at("::1"), "a loopback address", false},
		{"100.64.0.1:80", "a carrier-grade NAT address", false},
		{"169.254.169.254:80", "a link-local address", false},
		{"[::ffff:169.254.169.254]:80", "a link-local address", false},
		{"intranet.example:80", "a private network address", false},
		{"metadata.example:80", "a private network address", false},
	}
	for _, allow := range []bool{false, true} {
		f := Fetcher{Resolver: fakeResolver(testNames)}
		if allow {
			f.Allow = loopback
		}
		g := newGuard(f)
		for _, tt := range tests {
			t.Run(fmt.Sprintf("allow %v %s", allow, tt.addr), func(t *testing.T) {
				conn, err := g.dial(context.Background(), "tcp", tt.addr)
				if allow && tt.allowed {
					if err != nil {
						t.Fatalf("want a connection, got %v", err)
					}
					conn.Close()
					return
				}
				var re *refusedError
				if !errors.As(err, &re) || re.what != tt.refused {
					if conn != nil {
						conn.Close()
					}
					t.Fatalf("got %v, want refused as %s", err, tt.refused)
				}
			})
		}
	}
}

// TestFetchRefusesNonPublicAddresses fetches a loopback site by every
// spelling, with SENDBOT_FETCH_ALLOW empty and set to 127.0.0.0/8, and
// reads the fetch report as a moderator would.
func TestFetchRefusesNonPublicAddresses(t *testing.T) {
	site := newTestSite(t)
	port := fmt.Sprint(site.Listener.Addr().(*net.TCPAddr).Port)
	tests := []struct {
		host string // as written in the URL, before :port
		// off is the reason with SENDBOT_FETCH_ALLOW empty (a prefix,
		// before "; set SENDBOT_FETCH_ALLOW to allow it"); on is the
		// outcome with 127.0.0.0/8 allowed, "" when the resolver decides.
		off string
		on  Outcome
	}{
		{"127.0.0.1", `"127.0.0.1" is a loopback address (127.0.0.1)`, Fetched},
		{"127.1", `"127.1" is a loopback address (127.0.0.1)`, ""},
		{"2130706433", `"2130706433" is a loopback address (127.0.0.1)`, ""},
		{"0x7f000001", `"0x7f000001" is a loopback address (127.0.0.1)`, ""},
		{"[::ffff:127.0.0.1]", `"::ffff:127.0.0.1" is a loopback address (127.0.0.1)`, Fetched},
		{"localhost.", `"localhost." is a loopback address (`, Fetched},
		{"loopback.example", `"loopback.example" is a loopback address (127.0.0.1)`, Fetched},
		{"0.0.0.0", `"0.0.0.0" is an unspecified address (0.0.0.0)`, Failed},
		{"100.64.0.1", `"100.64.0.1" is a carrier-grade NAT address (100.64.0.1)`, Failed},
		{"intranet.example", `"intranet.example" is a private network address (10.0.0.7)`, Failed},
	}
	for _, allow := range []bool{false, true} {
		f := guardedFetcher(t)
		f.Resolver = fakeResolver(testNames)
		f.Allow = nil
		if allow {
			f.Allow = loopback
		}
		before := len(site.requests())
		var sources []corpus.Meta
		for _, tt := range tests {
			sources = append(sources, corpus.Meta{URL: "http://" + tt.host + ":" + port + "/page.html", Area: "Testshire"})
		}
		rep, err := f.Fetch(context.Background(), sources)
		if err != nil {
			t.Fatal(err)
		}
		for i, tt := range tests {
			r := rep.Results[i]
			t.Run(fmt.Sprintf("allow %v %s", allow, tt.host), func(t *testing.T) {
				switch {
				case !allow:
					if r.Outcome != Failed || !strings.HasPrefix(r.Reason, "refused: "+tt.off) || !strings.HasSuffix(r.Reason, "; set SENDBOT_FETCH_ALLOW to allow it") {
						t.Errorf("got %s %q, want failed %q", r.Outcome, r.Reason, "refused: "+tt.off+"…; set SENDBOT_FETCH_ALLOW to allow it")
					}
				case tt.on == Fetched:
					if r.Outcome != Fetched {
						t.Errorf("with 127.0.0.0/8 allowed: got %s %q, want fetched", r.Outcome, r.Reason)
					}
				case tt.on == Failed:
					if r.Outcome != Failed || !strings.HasPrefix(r.Reason, "refused: "+tt.off) {
						t.Errorf("127.0.0.0/8 does not allow it: got %s %q, want %q", r.Outcome, r.Reason, tt.off)
					}
				}
			})
		}
		if n := len(site.requests()) - before; !allow && n != 0 {
			t.Errorf("with nothing allowed the loopback site was asked %d times (robots.txt included)", n)
		}
	}
}

// TestAddressesInSourcesYAMLAreChecked: a loopback URL written straight
// into sources.yaml is refused unless SENDBOT_FETCH_ALLOW covers it.
func TestAddressesInSourcesYAMLAreChecked(t *testing.T) {
	site := newTestSite(t)
	port := site.Listener.Addr().(*net.TCPAddr).Port
	fsys := fstest.MapFS{"sources.yaml": {Data: []byte(fmt.Sprintf(`documents:
  - url: http://127.0.0.1:%[1]d/notes.txt
    title: Testshire transport notes
    area: Testshire
  - url: http://localhost:%[1]d/page.html
    area: Testshire
`, port))}}
	sources, problems := corpus.RemoteSources(fsys)
	if len(sources) != 2 || len(problems) != 0 {
		t.Fatalf("sources.yaml: %d sources, problems %+v", len(sources), problems)
	}
	f := guardedFetcher(t)
	f.Allow = nil
	rep, err := f.Fetch(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	want := `refused: "127.0.0.1" is a loopback address (127.0.0.1); set SENDBOT_FETCH_ALLOW to allow it`
	if r := rep.Results[0]; r.Outcome != Failed || r.Reason != want || r.File != "" {
		t.Errorf("got %s %q %q, want failed %q", r.Outcome, r.Reason, r.File, want)
	}
	if r := rep.Results[1]; r.Outcome != Failed || !strings.HasPrefix(r.Reason, `refused: "localhost" is a loopback address (`) {
		t.Errorf("got %s %q, want refused", r.Outcome, r.Reason)
	}
	if n := len(site.requests()); n != 0 {
		t.Errorf("the site was asked %d times", n)
	}

	f.Allow = loopback
	rep, err = f.Fetch(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count(Fetched) != 2 {
		t.Errorf("with SENDBOT_FETCH_ALLOW=127.0.0.0/8 both should be fetched: %+v", rep.Results)
	}
}

// TestRedirectsToRefusedAddresses: a site that is allowed (on loopback,
// as a council intranet mirror would be) redirects elsewhere; each hop
// is checked again, and the report says the redirect led there.
func TestRedirectsToRefusedAddresses(t *testing.T) {
	site := newTestSite(t)
	port := site.Listener.Addr().(*net.TCPAddr).Port
	to := func(target string) corpus.Meta {
		return corpus.Meta{URL: site.URL + "/redirect?to=" + url.QueryEscape(target), Area: "Testshire"}
	}
	tests := []struct {
		source  corpus.Meta
		outcome Outcome
		reason  string
	}{
		{to("http://169.254.169.254/latest/meta-data/"), Failed,
			`redirected to http://169.254.169.254/latest/meta-data/, and refused: "169.254.169.254" is a link-local address (169.254.169.254); set SENDBOT_FETCH_ALLOW to allow it`},
		{to("http://intranet.example/"), Failed,
			`redirected to http://intranet.example/, and refused: "intranet.example" is a private network address (10.0.0.7); set SENDBOT_FETCH_ALLOW to allow it`},
		{to(fmt.Sprintf("http://0.0.0.0:%d/page.html", port)), Failed,
			fmt.Sprintf(`redirected to http://0.0.0.0:%d/page.html, and refused: "0.0.0.0" is an unspecified address (0.0.0.0); set SENDBOT_FETCH_ALLOW to allow it`, port)},
		{to("/page.html"), Fetched, ""},
	}
	f := guardedFetcher(t)
	f.Resolver = fakeResolver(testNames)
	var sources []corpus.Meta
	for _, tt := range tests {
		sources = append(sources, tt.source)
	}
	rep, err := f.Fetch(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		if r := rep.Results[i]; r.Outcome != tt.outcome || r.Reason != tt.reason {
			t.Errorf("%s: got %s %q, want %s %q", tt.source.URL, r.Outcome, r.Reason, tt.outcome, tt.reason)
		}
	}
	if n := site.count("/redirect"); n != len(tests) {
		t.Errorf("the redirecting page was asked for %d times, want %d", n, len(tests))
	}
}

// TestProxiedSitesAreCheckedByName: behind a proxy the guard's dialer
// connects only to the proxy, which the operator chose (here on
// loopback, not allowed, and still used). The sites asked for through it
// are checked by resolving their names first.
func TestProxiedSitesAreCheckedByName(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.String()) // a proxy is asked for whole URLs
		mu.Unlock()
		if r.URL.Host != "testshire.example" || r.URL.Path != "/page" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, notesText)
	}))
	defer proxy.Close()
	proxyURL, _ := url.Parse(proxy.URL)

	f := guardedFetcher(t)
	f.Allow = nil
	f.Resolver = fakeResolver(testNames)
	f.Proxy = func(*http.Request) (*url.URL, error) { return proxyURL, nil }
	rep, err := f.Fetch(context.Background(), []corpus.Meta{
		{URL: "http://testshire.example/page", Area: "Testshire"},
		{URL: "http://intranet.example/page", Area: "Testshire"},
		{URL: "http://127.0.0.1/page", Area: "Testshire"},
		{URL: "http://unknown.example/page", Area: "Testshire"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		outcome Outcome
		reason  string
	}{
		{Fetched, ""},
		{Failed, `refused: "intranet.example" is a private network address (10.0.0.7); set SENDBOT_FETCH_ALLOW to allow it`},
		{Failed, `refused: "127.0.0.1" is a loopback address (127.0.0.1); set SENDBOT_FETCH_ALLOW to allow it`},
		{Failed, "robots.txt: could not find the host unknown.example (check the address)"},
	}
	for i, tt := range tests {
		if r := rep.Results[i]; r.Outcome != tt.outcome || !strings.HasPrefix(r.Reason, tt.reason) {
			t.Errorf("%s: got %s %q, want %s %q", r.URL, r.Outcome, r.Reason, tt.outcome, tt.reason)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if want := "http://testshire.example/robots.txt http://testshire.example/page"; strings.Join(seen, " ") != want {
		t.Errorf("the proxy was asked for %q, want %q", seen, want)
	}
}

// TestRefusalQuotesTheHost: a host is shown quoted, so control
// characters in it cannot garble the report.
func TestRefusalQuotesTheHost(t *testing.T) {
	f := refusal("bad\x1b[2Jname", &refusedError{addr: netip.MustParseAddr("10.0.0.7"), what: "a private network address"})
	want := `refused: "bad\x1b[2Jname" is a private network address (10.0.0.7); set SENDBOT_FETCH_ALLOW to allow it`
	if f.reason != want || !f.refused || f.outcome != Failed {
		t.Errorf("got %+v, want %q", f, want)
	}
}

// A site whose address is not public is not crawled, and its result
// says that was why, so that a moderator can be told so.
func TestSiteRefusedForItsAddress(t *testing.T) {
	site := newTestSite(t)
	for _, allow := range []bool{false, true} {
		f := guardedFetcher(t)
		f.Allow = nil
		if allow {
			f.Allow = loopback
		}
		rep, err := f.Fetch(context.Background(), []corpus.Meta{{Site: site.URL + "/", Scope: site.URL, MaxPages: "1", Area: "Testshire"}})
		if err != nil {
			t.Fatal(err)
		}
		s := rep.Sites[0]
		if s.Refused == allow || (s.Reason == "") == !allow {
			t.Errorf("allow %v: refused %v, reason %q", allow, s.Refused, s.Reason)
		}
	}
}

// CheckPublic refuses a site only when every address it leads to is
// refused, as the dialer would refuse them, and says which.
func TestCheckPublic(t *testing.T) {
	resolver := fakeResolver(map[string][]netip.Addr{
		"intranet.example": {netip.MustParseAddr("10.0.0.7")},
		"mixed.example":    {netip.MustParseAddr("10.0.0.7"), netip.MustParseAddr("93.184.216.34")},
		"council.example":  {netip.MustParseAddr("93.184.216.34")},
	})
	tests := []struct {
		name  string
		url   string
		allow []netip.Prefix
		want  string // "" for none
	}{
		{"loopback written as an address", "http://127.0.0.1:8080/local-offer", nil, `refused: "127.0.0.1" is a loopback address (127.0.0.1); set SENDBOT_FETCH_ALLOW to allow it`},
		{"loopback in inet_aton's short form", "http://127.1/", nil, `refused: "127.1" is a loopback address (127.0.0.1); set SENDBOT_FETCH_ALLOW to allow it`},
		{"a name on a private network", "https://intranet.example/send", nil, `refused: "intranet.example" is a private network address (10.0.0.7); set SENDBOT_FETCH_ALLOW to allow it`},
		{"allowed", "http://127.0.0.1:8080/local-offer", loopback, ""},
		{"allowed by name", "https://intranet.example/send", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, ""},
		{"one public address of two", "https://mixed.example/send", nil, ""},
		{"public", "https://council.example/local-offer", nil, ""},
		{"a name that does not resolve now", "https://gone.example/", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPublic(context.Background(), tt.url, tt.allow, resolver)
			var np *NotPublicError
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (!errors.As(err, &np) || err.Error() != tt.want):
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}
