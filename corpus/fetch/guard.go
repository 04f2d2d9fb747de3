package fetch

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// refusedRanges are the addresses Fetch does not connect to unless
// Fetcher.Allow covers them: this computer, private networks, and
// addresses that are not public internet hosts. What a fetched page says
// ends up quoted in public, so a source or a redirect must not reach a
// council's intranet, a router's admin page or a cloud metadata service.
// The first range that holds an address names its kind. IPv6 forms that
// carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96,
// 6to4 2002::/16) are judged by that IPv4 address. Documentation ranges
// (192.0.2.0/24, 2001:db8::/32…) are not refused: no one can reach them.
var refusedRanges = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	// 0.0.0.0 (and ::) reach this computer when connected to.
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified address"},
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private network address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private network address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private network address"},
	{netip.MustParsePrefix("fc00::/7"), "a private network address"},
	{netip.MustParsePrefix("fec0::/10"), "a private network address"},      // site-local, deprecated but still routed by some
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a private network address"}, // local-use NAT64 (RFC 8215)
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
	{netip.MustParsePrefix("255.255.255.255/32"), "a broadcast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved address"},  // IETF protocol assignments
	{netip.MustParsePrefix("198.18.0.0/15"), "a reserved address"}, // benchmarking, used inside networks
	{netip.MustParsePrefix("::/96"), "a reserved address"},         // IPv4-compatible, deprecated
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// embeddedIPv4 is the IPv4 address an IPv6 address stands for, when it
// is one of the forms that carry one.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	b := ip.As16()
	switch {
	case ip.Is4In6():
		return ip.Unmap(), true
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return ip, false
}

// addressKind says what kind of non-public address ip is ("a loopback
// address"), or "" when it is a public one.
func addressKind(ip netip.Addr) string {
	ip = ip.WithZone("")
	if v4, ok := embeddedIPv4(ip); ok {
		ip = v4
	}
	for _, r := range refusedRanges {
		if r.prefix.Contains(ip) {
			return r.what
		}
	}
	return ""
}

// hostAddress reads a URL's host as an IP address when it is written as
// one, including the IPv4 spellings that C's inet_aton, and so many
// resolvers and proxies, accept but Go's parsers do not: fewer than four
// parts (127.1), one number (2130706433), hex (0x7f000001) or octal
// (0177.0.0.1). Without it they would be looked up as names, with
// answers that differ from one resolver to the next.
func hostAddress(host string) (netip.Addr, bool) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip, true
	}
	parts := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		base := 10
		switch {
		case len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X"):
			p, base = p[2:], 16
		case len(p) > 1 && p[0] == '0':
			p, base = p[1:], 8
		}
		n, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	// Each part but the last is one byte; the last fills the bytes left.
	var v uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 0xff {
			return netip.Addr{}, false
		}
		v |= n << (24 - 8*i)
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v |= last
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// refusedError is a connection the guard did not make.
type refusedError struct {
	addr netip.Addr
	what string // addressKind
}

func (e *refusedError) Error() string {
	return fmt.Sprintf("refused to connect to %s, %s", e.addr, e.what)
}

// refusal words a refused connection for the fetch report, naming the
// host as the source or redirect wrote it (quoted: a host can hold
// control characters) and the address it led to.
func refusal(host string, e *refusedError) *failure {
	return &failure{outcome: Failed, refused: true,
		reason: fmt.Sprintf("refused: %q is %s (%s); set SENDBOT_FETCH_ALLOW to allow it", host, e.what, e.addr)}
}

// guard decides which addresses Fetch may connect to. Its dialer checks
// the address of every connection as it is made, after DNS, so every
// spelling of an address and every name that resolves to one is judged
// by where it really leads, on each hop of a redirect too.
type guard struct {
	allow    []netip.Prefix
	resolver *net.Resolver // nil: net.DefaultResolver
	proxyFor func(*http.Request) (*url.URL, error)
	// direct connects to sites, checking each address; toProxy connects
	// to the proxies proxyFor has chosen, whose host:port proxies holds.
	direct, toProxy *net.Dialer
	proxies         sync.Map
}

func newGuard(cfg Fetcher) *guard {
	g := &guard{resolver: cfg.Resolver, proxyFor: cfg.Proxy}
	g.direct = &net.Dialer{Resolver: g.resolver, Control: g.control}
	g.toProxy = &net.Dialer{Resolver: g.resolver}
	for _, p := range cfg.Allow {
		// ::ffff:10.0.0.0/104 allows what 10.0.0.0/8 does.
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		g.allow = append(g.allow, p.Masked())
	}
	if g.proxyFor == nil {
		g.proxyFor = http.ProxyFromEnvironment
	}
	return g
}

// check returns a *refusedError when ip is not public and Allow does not
// cover it.
func (g *guard) check(ip netip.Addr) error {
	ip = ip.WithZone("")
	v4, _ := embeddedIPv4(ip)
	for _, p := range g.allow {
		if p.Contains(ip) || p.Contains(v4) {
			return nil
		}
	}
	if what := addressKind(ip); what != "" {
		return &refusedError{addr: v4, what: what} // ::ffff:127.0.0.1 is shown as 127.0.0.1
	}
	return nil
}

// control is the dialer's last word before each connection: address is
// the IP and port it is about to connect to.
func (g *guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refused to connect to %q: not an IP address and port", address)
	}
	return g.check(ap.Addr())
}

// dial connects to addr, a site or a proxy, as the HTTP transport asks.
func (g *guard) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if _, ok := g.proxies.Load(addr); ok {
		return g.toProxy.DialContext(ctx, network, addr)
	}
	return g.direct.DialContext(ctx, network, addr)
}

// client is an HTTP client whose every connection passes the guard. It
// follows no redirects: get follows them by hand.
func (g *guard) client() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy: g.proxy, DialContext: g.dial, ForceAttemptHTTP2: true,
			MaxIdleConns: 10, IdleConnTimeout: 90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second, ExpectContinueTimeout: time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// proxy chooses the proxy for a request, if any. The proxy is the
// operator's choice and is trusted; it, not the guard's dialer, connects
// to the site, so the site's name is resolved and checked here first. A
// name that cannot be resolved here is not fetched through the proxy.
func (g *guard) proxy(req *http.Request) (*url.URL, error) {
	p, err := g.proxyFor(req)
	if p == nil || err != nil {
		return p, err
	}
	r := g.resolver
	if r == nil {
		r = net.DefaultResolver
	}
	addrs, err := r.LookupNetIP(req.Context(), "ip", req.URL.Hostname())
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if err := g.check(a); err != nil {
			return nil, err
		}
	}
	port := p.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[p.Scheme]
	}
	g.proxies.Store(net.JoinHostPort(p.Hostname(), port), true)
	return p, nil
}

// NotPublicError is a site Fetch would refuse to connect to: Host, as the
// address names it, leads only to addresses that are not public (Addr,
// the first, is What: "a loopback address") and that Fetcher.Allow does
// not let in.
type NotPublicError struct {
	Host string
	Addr netip.Addr
	What string
}

func (e *NotPublicError) Error() string {
	return fmt.Sprintf("refused: %q is %s (%s); set SENDBOT_FETCH_ALLOW to allow it", e.Host, e.What, e.Addr)
}

// CheckPublic looks up where rawURL's host leads, as Fetch would, and
// returns a *NotPublicError when every address it leads to is one Fetch
// refuses unless allow covers it, so that nothing there could ever be
// fetched. It returns nil when one address may be connected to, and also
// when the name cannot be looked up now (a fetch then says why). It is
// for checking a source before it is saved; Fetch checks every
// connection, and every redirect, itself. resolver nil means
// net.DefaultResolver.
func CheckPublic(ctx context.Context, rawURL string, allow []netip.Prefix, resolver *net.Resolver) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	host := u.Hostname()
	addrs := []netip.Addr{}
	if ip, ok := hostAddress(host); ok {
		addrs = append(addrs, ip)
	} else {
		if resolver == nil {
			resolver = net.DefaultResolver
		}
		if addrs, err = resolver.LookupNetIP(ctx, "ip", host); err != nil || len(addrs) == 0 {
			return nil
		}
	}
	g := newGuard(Fetcher{Allow: allow})
	var first *refusedError
	for _, a := range addrs {
		err := g.check(a)
		if err == nil {
			return nil
		}
		if first == nil {
			first, _ = err.(*refusedError)
		}
	}
	if first == nil {
		return nil
	}
	return &NotPublicError{Host: host, Addr: first.addr, What: first.what}
}
