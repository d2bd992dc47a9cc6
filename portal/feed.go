package portal

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/atrium-gateway/atrium/federation/schemadiff"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
)

// FeedEntries is how many versions the changelog feed lists, newest first.
const FeedEntries = 50

// FeedOptions configure the changelog feed.
type FeedOptions struct {
	// Title is the feed's title (default "API changelog").
	Title string
	// BaseURL is the portal's absolute http(s) URL, e.g. https://api.example.com/portal.
	// Required: entries link to BaseURL/changelog#vN, and their IDs are made from its host
	// and path, so changing it makes feed readers see every entry as new.
	BaseURL string
	// FeedURL is where the feed is served, for its rel="self" link (default
	// BaseURL/changelog.atom).
	FeedURL string
	// Logger receives the errors of reading the registry, which a client only sees as a
	// 500 (default slog.Default()).
	Logger *slog.Logger
}

// Feed serves the registry's changelog as an Atom 1.0 feed (application/atom+xml) to GET
// and HEAD: the FeedEntries newest supergraph versions that changed the API schema, each
// with its changes and publish message. It is public: it never shows subgraph names or
// URLs, nor who published. Answers carry an ETag and Last-Modified from the newest
// version and honour If-None-Match and If-Modified-Since. The feed of the newest version
// is kept until the next publish (one feed, however many versions pass), so polling costs
// one small query.
//
// Feed panics when opts.BaseURL is not an absolute http(s) URL: that is a configuration
// error to report before serving.
func Feed(reg *registry.Registry, opts FeedOptions) http.Handler {
	base, err := url.Parse(strings.TrimSuffix(opts.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		panic(fmt.Sprintf("portal.Feed: FeedOptions.BaseURL %q is not an absolute http(s) URL such as https://api.example.com/portal", opts.BaseURL))
	}
	if opts.Title == "" {
		opts.Title = "API changelog"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	f := &feed{reg: reg, opts: opts, base: base.String()}
	if f.self = opts.FeedURL; f.self == "" {
		f.self = f.base + "/changelog.atom"
	}
	// tag: URIs (RFC 4151) need a host without port and a path.
	f.tagHost, f.tagPath = base.Hostname(), base.EscapedPath()
	return f
}

type feed struct {
	reg              *registry.Registry
	opts             FeedOptions
	base, self       string
	tagHost, tagPath string
	last             atomic.Pointer[rendered] // the feed of the newest version rendered
}

// rendered is the feed as of one newest version.
type rendered struct {
	newest   int64 // 0: nothing published
	body     []byte
	modified time.Time
}

func (f *feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the changelog feed answers GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	out, err := f.current(r.Context())
	if err != nil {
		f.opts.Logger.ErrorContext(r.Context(), "changelog feed: reading the registry", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	// The format's revision is part of the tag, so a new Atrium does not leave readers on
	// an old rendering.
	h.Set("ETag", `"changelog-1-v`+strconv.FormatInt(out.newest, 10)+`"`)
	// ServeContent answers If-None-Match, If-Modified-Since and HEAD.
	http.ServeContent(w, r, "", out.modified, bytes.NewReader(out.body))
}

// current returns the feed of the newest version, rendering it after a publish.
func (f *feed) current(ctx context.Context) (*rendered, error) {
	id, err := f.reg.Store().CurrentID(ctx)
	if err != nil {
		return nil, err
	}
	if last := f.last.Load(); last != nil && last.newest == id {
		return last, nil
	}
	out, err := f.render(ctx)
	if err != nil {
		return nil, err
	}
	// A slower rendering of an older version must not replace a newer one.
	for {
		last := f.last.Load()
		if (last != nil && last.newest >= out.newest) || f.last.CompareAndSwap(last, out) {
			return out, nil
		}
	}
}

func (f *feed) render(ctx context.Context) (*rendered, error) {
	out := &rendered{}
	doc := atomFeed{
		ID: f.base + "/changelog", Title: f.opts.Title, Updated: atomTime(time.Unix(0, 0)),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: f.self},
			{Rel: "alternate", Type: "text/html", Href: f.base + "/changelog"},
		},
		Author: atomPerson{Name: f.opts.Title},
	}
	newest, err := f.reg.Store().Versions(ctx, 1, 0)
	if err != nil {
		return nil, err
	}
	if len(newest) > 0 {
		// The newest version dates the feed, whether or not it changed the API.
		out.newest, out.modified = newest[0].ID, newest[0].CreatedAt
		doc.Updated = atomTime(newest[0].CreatedAt)
	}
	entries, err := f.reg.Changelog(ctx, FeedEntries, 0)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		doc.Entries = append(doc.Entries, f.entry(e.Version, e.Changes))
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("changelog feed: %w", err)
	}
	buf.WriteByte('\n')
	out.body = buf.Bytes()
	return out, nil
}

// entry describes one version from its changes and message only: the version also
// records its subgraphs, their URLs and its publisher, which a public feed must not show.
func (f *feed) entry(v store.Version, changes []registry.Change) atomEntry {
	counts := map[schemadiff.Severity]int{}
	var content strings.Builder
	if v.Message != "" {
		fmt.Fprintf(&content, "<p>%s</p>", html.EscapeString(v.Message))
	}
	content.WriteString("<ul>")
	for _, c := range changes {
		counts[c.Severity]++
		fmt.Fprintf(&content, "<li><strong>%s</strong> <code>%s</code>: %s</li>",
			html.EscapeString(string(c.Severity)), html.EscapeString(c.Coordinate), html.EscapeString(c.Message))
	}
	content.WriteString("</ul>")
	var parts []string
	for _, s := range []schemadiff.Severity{schemadiff.Breaking, schemadiff.Dangerous, schemadiff.Safe} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], strings.ToLower(string(s))))
		}
	}
	noun := "changes"
	if len(changes) == 1 {
		noun = "change"
	}
	anchor := "v" + strconv.FormatInt(v.ID, 10)
	return atomEntry{
		ID:      fmt.Sprintf("tag:%s,%s:%s/changelog/%s", f.tagHost, v.CreatedAt.UTC().Format(time.DateOnly), f.tagPath, anchor),
		Title:   fmt.Sprintf("Version %d: %s %s", v.ID, strings.Join(parts, ", "), noun),
		Updated: atomTime(v.CreatedAt),
		Link:    atomLink{Rel: "alternate", Type: "text/html", Href: f.base + "/changelog#" + anchor},
		Content: atomText{Type: "html", Text: content.String()},
	}
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// The Atom 1.0 elements the feed uses (RFC 4287). encoding/xml escapes the text, so the
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
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Content atomText `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}
