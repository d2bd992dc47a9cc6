package portal

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/atrium-gateway/atrium/markdown"
	"github.com/atrium-gateway/atrium/registry/store"
)

// AnnouncementEntries is how many articles the announcements feed lists, newest first.
const AnnouncementEntries = 50

// announced are the kinds of articles the announcements feed lists; guides and FAQ
// entries are reference, read on the portal.
var announced = []store.ArticleKind{store.Announcement, store.Post}

// Announcements serves the published announcements and articles as an Atom 1.0 feed
// (application/atom+xml) to GET and HEAD: the AnnouncementEntries most recently published,
// newest first, each with its rendered Markdown. It is public, like what it lists once
// published: drafts never show, nor who wrote an article. Answers carry an ETag (from how
// many articles there are and when the last one changed) and Last-Modified (that change)
// and honour If-None-Match and If-Modified-Since. The rendered feed is kept until an
// article it lists changes, so polling costs one small query.
//
// Announcements panics when opts.BaseURL is not an absolute http(s) URL: that is a
// configuration error to report before serving.
func Announcements(st *store.Store, opts FeedOptions) http.Handler {
	f := &announcementsFeed{st: st, site: newFeedSite("portal.Announcements", opts, "API announcements", "announcements.atom")}
	return &atomHandler{name: "announcements", log: f.site.opts.Logger, current: f.current, render: f.render}
}

type announcementsFeed struct {
	st   *store.Store
	site feedSite
}

func (f *announcementsFeed) stamp(ctx context.Context) (stamp, error) {
	count, updated, err := f.st.PublishedStamp(ctx, announced)
	if err != nil {
		return stamp{}, err
	}
	micros := updated.UnixMicro()
	if updated.IsZero() {
		micros = 0
	}
	return stamp{key: strconv.FormatInt(count, 10) + "-" + strconv.FormatInt(micros, 10), seq: micros, modified: updated}, nil
}

func (f *announcementsFeed) current(ctx context.Context) (string, error) {
	st, err := f.stamp(ctx)
	return st.key, err
}

func (f *announcementsFeed) render(ctx context.Context) (atomFeed, stamp, error) {
	st, err := f.stamp(ctx)
	if err != nil {
		return atomFeed{}, st, err
	}
	articles, err := f.st.PublishedArticles(ctx, announced, AnnouncementEntries)
	if err != nil {
		return atomFeed{}, st, err
	}
	doc := f.site.document("/guides", st.modified)
	for _, a := range articles {
		doc.Entries = append(doc.Entries, atomEntry{
			// By ID and creation date: permanent, whatever becomes of the slug.
			ID:         f.site.tagID(a.CreatedAt, "/articles/"+strconv.FormatInt(a.ID, 10)),
			Title:      a.Title,
			Updated:    atomTime(a.UpdatedAt),
			Published:  atomTime(a.PublishedAt),
			Link:       atomLink{Rel: "alternate", Type: "text/html", Href: f.site.base + "/guides/" + a.Slug},
			Categories: []atomCategory{{Term: string(a.Kind), Label: kindLabel(a.Kind)}},
			Content:    atomText{Type: "html", Text: markdown.HTML(a.Markdown)},
		})
	}
	return doc, st, nil
}

func kindLabel(k store.ArticleKind) string {
	if k == store.Post {
		return "Article"
	}
	return string(k[0]) + strings.ToLower(string(k[1:]))
}
