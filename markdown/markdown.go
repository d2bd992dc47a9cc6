// Package markdown renders the Markdown that owners write in the developer portal
// (articles, incidents) as HTML that is safe to insert into the portal's pages: CommonMark
// with GitHub's tables, strikethrough, task lists and autolinks, by goldmark.
//
// Safe means that nothing in the source can add markup of its own: raw HTML is shown as
// text (escaped), links and images keep only http, https and mailto URLs and relative
// ones (others, such as javascript:, lose their link and keep their text), and images from
// other sites become links, since the portal's Content-Security-Policy loads images from
// its own origin only. Headings get no id attributes, so no text can clobber the page's
// own elements.
package markdown

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md is safe for concurrent use: goldmark's parser and renderer keep no state between
// conversions.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Strikethrough, extension.Linkify, extension.TaskList,
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute))),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(urlFilter{}, 1000))),
	// Without html.WithUnsafe, goldmark leaves raw HTML out; escaped replaces that, below.
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(escaped{}, 100))),
)

// HTML renders src as HTML safe to insert into a page (see the package comment).
func HTML(src string) string {
	var out bytes.Buffer
	// Writing to a bytes.Buffer does not fail, and goldmark's renderers return no errors of
	// their own.
	_ = md.Convert([]byte(src), &out)
	return out.String()
}

// Summary is the text of the first paragraph of src, without markup, cut at a word to at
// most limit characters (with "…" when cut); "" when src has no paragraph.
func Summary(src string, limit int) string {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var para ast.Node
	for n := doc.FirstChild(); n != nil && para == nil; n = n.NextSibling() {
		if n.Kind() == ast.KindParagraph {
			para = n
		}
	}
	if para == nil {
		return ""
	}
	var b strings.Builder
	_ = ast.Walk(para, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(source))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(source))
		case *ast.RawHTML:
			for i := range n.Segments.Len() {
				seg := n.Segments.At(i)
				b.Write(seg.Value(source))
			}
		}
		return ast.WalkContinue, nil
	})
	return cut(strings.Join(strings.Fields(b.String()), " "), limit)
}

func cut(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)[:limit]
	if i := strings.LastIndexByte(string(runes), ' '); i > limit/2 {
		return strings.TrimRight(string(runes)[:i], " ,;:.") + "…"
	}
	return string(runes) + "…"
}

// safeURL reports whether a link may point at url: http, https, mailto, or no scheme (a
// relative URL or a fragment). It reads the scheme as a browser does, ignoring leading
// spaces and control characters and the tabs and newlines anywhere in it.
func safeURL(url []byte) bool {
	scheme, ok := schemeOf(url)
	return !ok || scheme == "http" || scheme == "https" || scheme == "mailto"
}

// schemeOf returns url's scheme in lower case, and false when it has none.
func schemeOf(url []byte) (string, bool) {
	var clean []byte
	for _, c := range bytes.TrimLeft(url, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20") {
		if c != '\t' && c != '\n' && c != '\r' {
			clean = append(clean, c)
		}
	}
	i := bytes.IndexByte(clean, ':')
	if i <= 0 {
		return "", false
	}
	for j, c := range clean[:i] {
		letter := c|0x20 >= 'a' && c|0x20 <= 'z'
		if !letter && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", false // a ':' after a path, query or fragment character
		}
	}
	return strings.ToLower(string(clean[:i])), true
}

// imageURL reports whether an image may load from url: the portal's own origin (a
// relative URL) or an inline PNG, GIF, JPEG or WebP.
func imageURL(url []byte) bool {
	scheme, ok := schemeOf(url)
	if !ok {
		return !bytes.HasPrefix(bytes.TrimSpace(url), []byte("//")) // //host/x is another site
	}
	if scheme != "data" {
		return false
	}
	lower := bytes.ToLower(bytes.TrimSpace(url))
	for _, t := range []string{"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"} {
		if bytes.HasPrefix(lower, []byte(t)) {
			return true
		}
	}
	return false
}

// urlFilter takes the links off unsafe URLs, keeping their text, and turns images from
// elsewhere into links.
type urlFilter struct{}

func (urlFilter) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unwrap, images []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		// The URLs as goldmark's renderer writes them: references resolved, escaped.
		case *ast.Link:
			if !safeURL(util.URLEscape(n.Destination, true)) {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			if !safeURL(util.URLEscape(n.URL(source), false)) {
				unwrap = append(unwrap, n)
			}
		case *ast.Image:
			if !imageURL(util.URLEscape(n.Destination, true)) {
				images = append(images, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range images {
		img := n.(*ast.Image)
		if !safeURL(util.URLEscape(img.Destination, true)) {
			unwrap = append(unwrap, img)
			continue
		}
		link := ast.NewLink()
		link.Destination, link.Title = img.Destination, img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if link.ChildCount() == 0 {
			link.AppendChild(link, ast.NewString([]byte("image")))
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
	for _, n := range unwrap {
		parent := n.Parent()
		if al, ok := n.(*ast.AutoLink); ok {
			parent.ReplaceChild(parent, n, ast.NewString(al.Label(source)))
			continue
		}
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// escaped renders raw HTML as the text it is.
type escaped struct{}

func (escaped) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		n := node.(*ast.HTMLBlock)
		var block []byte
		for i := range n.Lines().Len() {
			line := n.Lines().At(i)
			block = append(block, line.Value(source)...)
		}
		if n.HasClosure() {
			block = append(block, n.ClosureLine.Value(source)...)
		}
		lines := strings.Split(strings.TrimRight(string(block), "\r\n"), "\n")
		_, _ = w.WriteString("<p>")
		for i, line := range lines {
			if i > 0 {
				_, _ = w.WriteString("<br>\n")
			}
			_, _ = w.Write(util.EscapeHTML([]byte(strings.TrimRight(line, "\r"))))
		}
		_, _ = w.WriteString("</p>\n")
		return ast.WalkSkipChildren, nil
	})
	r.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkSkipChildren, nil
		}
		n := node.(*ast.RawHTML)
		for i := range n.Segments.Len() {
			seg := n.Segments.At(i)
			_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
		}
		return ast.WalkSkipChildren, nil
	})
}

var _ parser.ASTTransformer = urlFilter{}
var _ renderer.NodeRenderer = escaped{}
