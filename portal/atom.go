package portal

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// What the portal's Atom 1.0 feeds (RFC 4287) share: the changelog (feed.go) and the
// announcements (announcements.go) are public, rendered again only when what they show
// changed, and answered with an ETag and Last-Modified.

// FeedOptions configure a feed.
type FeedOptions struct {
	// Title is the feed's title (default "API changelog", "API announcements").
	Title string
	// BaseURL is the portal's absolute http(s) URL, e.g. https://api.example.com/portal.
	// Required: entries link to pages under it, and their IDs are made from its host and
	// path, so changing it makes feed readers see every entry as new.
	BaseURL string
	// FeedURL is where the feed is served, for its rel="self" link (default
	// BaseURL/changelog.atom, BaseURL/announcements.atom).
	FeedURL string
	// Logger receives the errors of reading the registry, which a client only sees as a
	// 500 (default slog.Default()).
	Logger *slog.Logger
}

// feedSite is where one feed lives: its options with the defaults filled in, and the host
// and path its entries' tag: IDs are made of.
type feedSite struct {
	opts             FeedOptions
	base, self       string
	tagHost, tagPath string
}

// newFeedSite checks opts for the constructor fn, panicking when opts.BaseURL is not an
// absolute http(s) URL (a configuration error to report before serving), and fills the
// defaults: title, and the feed served as file under the base URL.
func newFeedSite(fn string, opts FeedOptions, title, file string) feedSite {
	base, err := url.Parse(strings.TrimSuffix(opts.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		panic(fmt.Sprintf("%s: FeedOptions.BaseURL %q is not an absolute http(s) URL such as https://api.example.com/portal", fn, opts.BaseURL))
	}
	if opts.Title == "" {
		opts.Title = title
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := feedSite{opts: opts, base: base.String(), self: opts.FeedURL}
	if s.self == "" {
		s.self = s.base + "/" + file
	}
	// tag: URIs (RFC 4151) need a host without port and a path.
	s.tagHost, s.tagPath = base.Hostname(), base.EscapedPath()
	return s
}

// tagID is the permanent ID of what path names under the base URL, minted on date:
// tag:<host>,<date>:<base path><path>.
func (s feedSite) tagID(date time.Time, path string) string {
	return fmt.Sprintf("tag:%s,%s:%s%s", s.tagHost, date.UTC().Format(time.DateOnly), s.tagPath, path)
}

// document starts a feed whose web page is page under the base URL (its id and
// alternate link), updated at updated (the Unix epoch when zero: the feed is empty).
func (s feedSite) document(page string, updated time.Time) atomFeed {
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	return atomFeed{
		ID: s.base + page, Title: s.opts.Title, Updated: atomTime(updated),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.self},
			{Rel: "alternate", Type: "text/html", Href: s.base + page},
		},
		Author: atomPerson{Name: s.opts.Title},
	}
}

// stamp identifies what one rendering of a feed shows. key goes into the ETag; seq
// orders renderings, so that a slow rendering of older content does not replace a newer
// one; modified is the Last-Modified time.
type stamp struct {
	key      string
	seq      int64
	modified time.Time
}

type rendered struct {
	stamp
	body []byte
}

// atomHandler serves one feed to GET and HEAD, keeping its last rendering until current
// says the content changed: polling costs one small query, however many readers poll.
type atomHandler struct {
	// name names the feed in its ETags ("<name>-1-<key>") and messages.
	name string
	log  *slog.Logger
	// current returns the key of what the feed would show now, cheaply.
	current func(context.Context) (string, error)
	// render reads the content and returns it as a feed, with the stamp of what it read.
	render func(context.Context) (atomFeed, stamp, error)
	last   atomic.Pointer[rendered]
}

func (h *atomHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the "+h.name+" feed answers GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	out, err := h.latest(r.Context())
	if err != nil {
		h.log.ErrorContext(r.Context(), h.name+" feed: reading the registry", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	header := w.Header()
	header.Set("Content-Type", "application/atom+xml; charset=utf-8")
	// The format's revision is part of the tag, so a new Atrium does not leave readers on
	// an old rendering.
	header.Set("ETag", `"`+h.name+`-1-`+out.key+`"`)
	// ServeContent answers If-None-Match, If-Modified-Since and HEAD.
	http.ServeContent(w, r, "", out.modified, bytes.NewReader(out.body))
}

// latest returns the feed of the current content, rendering it after a change.
func (h *atomHandler) latest(ctx context.Context) (*rendered, error) {
	key, err := h.current(ctx)
	if err != nil {
		return nil, err
	}
	if last := h.last.Load(); last != nil && last.key == key {
		return last, nil
	}
	doc, st, err := h.render(ctx)
	if err != nil {
		return nil, err
	}
	body, err := encode(doc)
	if err != nil {
		return nil, fmt.Errorf("%s feed: %w", h.name, err)
	}
	out := &rendered{stamp: st, body: body}
	for {
		last := h.last.Load()
		if (last != nil && last.seq > out.seq) || h.last.CompareAndSwap(last, out) {
			return out, nil
		}
	}
}

// encode writes doc as an indented XML document.
func encode(doc atomFeed) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// The Atom 1.0 elements the feeds use (RFC 4287). encoding/xml escapes the text, so the
// HTML content is escaped twice: once as HTML, once as XML text, as type="html" requires.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string `xml:"id"`
	Title   string `xml:"title"`
	Updated string `xml:"updated"`
	// Published is when the entry was first available; optional.
	Published  string         `xml:"published,omitempty"`
	Link       atomLink       `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Content    atomText       `xml:"content"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}
