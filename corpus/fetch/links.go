package fetch

import (
	"bytes"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// maxLinks caps the links read from one page; a real page has hundreds.
const maxLinks = 5000

// link is one <a href> of a page, resolved against the page's address.
type link struct {
	url  *url.URL
	text string
}

// pageLinks is what a crawl needs from a web page: where it links to,
// what it calls itself, and the address it says is its own.
type pageLinks struct {
	title, heading string
	canonical      *url.URL
	links          []link
}

// name is the page's title as a parent would read it in "(from: …)":
// its main heading, else its <title> without the site's name.
func (p pageLinks) name() string {
	if p.heading != "" {
		return p.heading
	}
	t := p.title
	for _, sep := range []string{" | ", " - ", " – ", " — "} {
		if i := strings.LastIndex(t, sep); i > 0 {
			t = t[:i]
			break
		}
	}
	return strings.TrimSpace(t)
}

// readLinks reads a page's links, title, first heading and canonical
// link with a tokenizer, without building the page's tree. base is the
// address the page came from; a <base href> changes it.
func readLinks(data []byte, base *url.URL) pageLinks {
	var out pageLinks
	r, err := charset.NewReader(bytes.NewReader(data), "text/html")
	if err != nil {
		r = bytes.NewReader(data)
	}
	z := html.NewTokenizer(io.LimitReader(r, int64(len(data))*4+1024))
	var (
		text    *strings.Builder // the text of the element being read (a, title, h1)
		inA     *link
		inTitle bool
		inH1    bool
	)
	resolve := func(href string) *url.URL {
		href = strings.TrimSpace(href)
		if href == "" || strings.HasPrefix(href, "#") {
			return nil
		}
		u, err := base.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil
		}
		return u
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.TextToken:
			if text != nil {
				text.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if _, dup := attrs[string(k)]; !dup {
					attrs[string(k)] = string(v)
				}
			}
			switch atom.Lookup(name) {
			case atom.Base:
				if u := resolve(attrs["href"]); u != nil {
					base = u
				}
			case atom.Link:
				if strings.EqualFold(strings.TrimSpace(attrs["rel"]), "canonical") && out.canonical == nil {
					out.canonical = resolve(attrs["href"])
				}
			case atom.A, atom.Area:
				if len(out.links) >= maxLinks {
					continue
				}
				if u := resolve(attrs["href"]); u != nil {
					out.links = append(out.links, link{url: u})
					if tt == html.StartTagToken && atom.Lookup(name) == atom.A {
						inA = &out.links[len(out.links)-1]
						text = &strings.Builder{}
					}
				}
			case atom.Title:
				if out.title == "" && tt == html.StartTagToken {
					inTitle, text = true, &strings.Builder{}
				}
			case atom.H1:
				if out.heading == "" && tt == html.StartTagToken {
					inH1, text = true, &strings.Builder{}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); {
			case a == atom.A && inA != nil:
				inA.text = squashSpace(text.String())
				inA, text = nil, nil
			case a == atom.Title && inTitle:
				out.title = squashSpace(text.String())
				inTitle, text = false, nil
			case a == atom.H1 && inH1:
				out.heading = squashSpace(text.String())
				inH1, text = false, nil
			}
		}
	}
}

// squashSpace joins a text's words with single spaces.
func squashSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
