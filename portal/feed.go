package portal

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/atrium-gateway/atrium/federation/schemadiff"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
)

// FeedEntries is how many versions the changelog feed lists, newest first.
const FeedEntries = 50

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
	f := &changelogFeed{reg: reg, site: newFeedSite("portal.Feed", opts, "API changelog", "changelog.atom")}
	return &atomHandler{name: "changelog", log: f.site.opts.Logger, current: f.current, render: f.render}
}

type changelogFeed struct {
	reg  *registry.Registry
	site feedSite
}

// current is the newest version: a publish changes the feed, whether or not it changed
// the API (the newest version dates the feed).
func (f *changelogFeed) current(ctx context.Context) (string, error) {
	id, err := f.reg.Store().CurrentID(ctx)
	return "v" + strconv.FormatInt(id, 10), err
}

func (f *changelogFeed) render(ctx context.Context) (atomFeed, stamp, error) {
	st := stamp{key: "v0"} // nothing published
	newest, err := f.reg.Store().Versions(ctx, 1, 0)
	if err != nil {
		return atomFeed{}, st, err
	}
	if len(newest) > 0 {
		st = stamp{key: "v" + strconv.FormatInt(newest[0].ID, 10), seq: newest[0].ID, modified: newest[0].CreatedAt}
	}
	doc := f.site.document("/changelog", st.modified)
	entries, err := f.reg.Changelog(ctx, FeedEntries, 0)
	if err != nil {
		return atomFeed{}, st, err
	}
	for _, e := range entries {
		doc.Entries = append(doc.Entries, f.entry(e.Version, e.Changes))
	}
	return doc, st, nil
}

// entry describes one version from its changes and message only: the version also
// records its subgraphs, their URLs and its publisher, which a public feed must not show.
func (f *changelogFeed) entry(v store.Version, changes []registry.Change) atomEntry {
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
		ID:      f.site.tagID(v.CreatedAt, "/changelog/"+anchor),
		Title:   fmt.Sprintf("Version %d: %s %s", v.ID, strings.Join(parts, ", "), noun),
		Updated: atomTime(v.CreatedAt),
		Link:    atomLink{Rel: "alternate", Type: "text/html", Href: f.site.base + "/changelog#" + anchor},
		Content: atomText{Type: "html", Text: content.String()},
	}
}
