// Package webassets serves a web front end's built files embedded in the binary: the
// playground's esbuild bundle and the portal's Vite build. Files with a content hash in
// their name are cached for a year; each file's gzip form is made once, on first use.
package webassets

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Asset is one embedded file.
type Asset struct {
	Name        string // slash-separated, relative to the set's root
	ContentType string
	Body        []byte
	etag        string
	immutable   bool
	gzipped     func() []byte
}

// Set is the files of one build, by name.
type Set struct {
	assets map[string]*Asset
}

// hashed matches the content hashes bundlers put into file names: esbuild's
// index-7OUO6N3D.js, Vite's index-Pux_IXSK.js and Playground-CHJ0da-N.js.
var hashed = regexp.MustCompile(`-([A-Za-z0-9_-]{8})\.[a-z0-9]+$`)

var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".woff2": "font/woff2",
	".woff":  "font/woff",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".json":  "application/json",
}

// Load reads every file of a known type under root in fsys. hashedDir names the folder
// whose files all carry a content hash (Vite's "assets"); elsewhere a name is taken as
// hashed when it looks like one.
func Load(fsys fs.FS, root, hashedDir string) (*Set, error) {
	s := &Set{assets: map[string]*Asset{}}
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			return nil
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		a := &Asset{Name: name, ContentType: ct, Body: body}
		if m := hashed.FindStringSubmatch(name); m != nil && (hashedDir == "" || strings.HasPrefix(name, hashedDir+"/")) {
			a.etag, a.immutable = `"`+m[1]+`"`, true
		}
		a.gzipped = sync.OnceValue(func() []byte { return gzipBytes(body) })
		s.assets[name] = a
		return nil
	})
	return s, err
}

// Get returns the file of that name.
func (s *Set) Get(name string) (*Asset, bool) {
	a, ok := s.assets[name]
	return a, ok
}

// Names lists the files.
func (s *Set) Names() []string {
	out := make([]string, 0, len(s.assets))
	for n := range s.assets {
		out = append(out, n)
	}
	return out
}

// Immutable tells whether the file is served as cacheable forever.
func (a *Asset) Immutable() bool { return a.immutable }

// Handler serves the files by the request's path (mount it behind http.StripPrefix);
// anything else is 404, methods other than GET and HEAD 405.
func (s *Set) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !AllowRead(w, r) {
			return
		}
		a, ok := s.assets[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		Serve(w, r, a)
	})
}

// AllowRead answers 405 to methods other than GET and HEAD, and says whether to go on.
func AllowRead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// Serve writes one file, gzipped when the client accepts it, with its caching headers.
func Serve(w http.ResponseWriter, r *http.Request, a *Asset) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if a.immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	body, etag := a.Body, a.etag
	if AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = a.gzipped()
		if etag != "" {
			etag = etag[:len(etag)-1] + `-gz"`
		}
	}
	if etag != "" {
		h.Set("ETag", etag)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // level is valid
	_, _ = zw.Write(b)                                       // bytes.Buffer never fails
	_ = zw.Close()
	return buf.Bytes()
}

// AcceptsGzip reports whether an Accept-Encoding header allows gzip.
func AcceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if strings.TrimSpace(coding) != "gzip" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q, _ = strconv.ParseFloat(v, 64) // unparsable: 0, no gzip
		}
		return q > 0
	}
	return false
}

// PageHeaders sets the headers of an HTML page an app's assets belong to: revalidated on
// every load (the assets it names are the ones cached), under its Content-Security-Policy.
func PageHeaders(w http.ResponseWriter, csp string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}
