package fetch

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// fakeResolver answers DNS queries for names from a map, over an
// in-memory pipe: no test depends on the network or on the machine's
// DNS. Names not in the map do not exist. /etc/hosts is still read
// first, as the Go resolver always does (localhost).
func fakeResolver(names map[string][]netip.Addr) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		client, server := net.Pipe()
		go serveDNS(server, names)
		return client, nil
	}}
}

// serveDNS answers queries in DNS's TCP framing (a two-byte length before
// each message), which the Go resolver uses on a connection that is not
// a PacketConn.
func serveDNS(c net.Conn, names map[string][]netip.Addr) {
	defer c.Close()
	for {
		var n uint16
		if binary.Read(c, binary.BigEndian, &n) != nil {
			return
		}
		query := make([]byte, n)
		if _, err := io.ReadFull(c, query); err != nil {
			return
		}
		var p dnsmessage.Parser
		h, err := p.Start(query)
		if err != nil {
			return
		}
		q, err := p.Question()
		if err != nil {
			return
		}
		addrs, known := names[strings.TrimSuffix(strings.ToLower(q.Name.String()), ".")]
		rcode := dnsmessage.RCodeSuccess
		if !known {
			rcode = dnsmessage.RCodeNameError
		}
		b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true, RCode: rcode})
		b.StartQuestions()
		b.Question(q)
		b.StartAnswers()
		rh := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
		for _, a := range addrs {
			switch {
			case a.Is4() && q.Type == dnsmessage.TypeA:
				b.AResource(rh, dnsmessage.AResource{A: a.As4()})
			case a.Is6() && q.Type == dnsmessage.TypeAAAA:
				b.AAAAResource(rh, dnsmessage.AAAAResource{AAAA: a.As16()})
			}
		}
		msg, err := b.Finish()
		if err != nil {
			return
		}
		if binary.Write(c, binary.BigEndian, uint16(len(msg))) != nil {
			return
		}
		if _, err := c.Write(msg); err != nil {
			return
		}
	}
}
