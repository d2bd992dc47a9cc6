package markdown_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/atrium-gateway/atrium/markdown"
)

func TestRendersGitHubFlavouredMarkdown(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ src, want string }{
		"emphasis":           {"Hello **world** and ~~old~~ `code`", "<p>Hello <strong>world</strong> and <del>old</del> <code>code</code></p>\n"},
		"heading without id": {"## Rate limits", "<h2>Rate limits</h2>\n"},
		"table": {"| Field | Type |\n|:--|--:|\n| id | ID! |\n", "<table>\n<thead>\n<tr>\n<th align=\"left\">Field</th>\n<th align=\"right\">Type</th>\n</tr>\n</thead>\n" +
			"<tbody>\n<tr>\n<td align=\"left\">id</td>\n<td align=\"right\">ID!</td>\n</tr>\n</tbody>\n</table>\n"},
		"autolink":          {"See https://example.com/docs.", "<p>See <a href=\"https://example.com/docs\">https://example.com/docs</a>.</p>\n"},
		"www autolink":      {"www.example.com", "<p><a href=\"http://www.example.com\">www.example.com</a></p>\n"},
		"relative link":     {"[the schema](/portal/docs/Query)", "<p><a href=\"/portal/docs/Query\">the schema</a></p>\n"},
		"mail":              {"[write](mailto:api@example.com)", "<p><a href=\"mailto:api@example.com\">write</a></p>\n"},
		"task list":         {"- [x] done\n- [ ] not yet", "<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</li>\n<li><input disabled=\"\" type=\"checkbox\"> not yet</li>\n</ul>\n"},
		"code block":        {"```graphql\n{ me { name } }\n```", "<pre><code class=\"language-graphql\">{ me { name } }\n</code></pre>\n"},
		"own image":         {"![diagram](/portal/assets/d.png)", "<p><img src=\"/portal/assets/d.png\" alt=\"diagram\"></p>\n"},
		"image from afar":   {"![diagram](https://cdn.example.com/d.png)", "<p><a href=\"https://cdn.example.com/d.png\">diagram</a></p>\n"},
		"image, other host": {"![](//cdn.example.com/d.png)", "<p><a href=\"//cdn.example.com/d.png\">image</a></p>\n"},
	} {
		assert.Equal(t, c.want, markdown.HTML(c.src), name)
	}
}

func TestRawHTMLIsShownAsText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>\n", markdown.HTML(`<script>alert("x")</script>`))
	assert.Equal(t, "<p>&lt;div onclick=&quot;x()&quot;&gt;<br>\nhi<br>\n&lt;/div&gt;</p>\n", markdown.HTML("<div onclick=\"x()\">\nhi\n</div>"))
	assert.Equal(t, "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n", markdown.HTML("a <img src=x onerror=alert(1)> b"))
	assert.Equal(t, "<p>&lt;!-- &amp;amp; --&gt;</p>\n", markdown.HTML("<!-- &amp; -->"))
}

func TestUnsafeURLsLoseTheirLink(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"[click](javascript:alert(1))",
		"[click](JavaScript:alert(1))",
		"[click](  javascript:alert(1))",
		"[click](&#106;avascript:alert(1))",
		"[click](javascript&colon;alert(1))",
		"[click](vbscript:msgbox(1))",
		"[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"[click](file:///etc/passwd)",
		"[click][ref]\n\n[ref]: javascript:alert(1)",
		"<javascript:alert(1)>",
		"![click](javascript:alert(1))",
	} {
		out := markdown.HTML(src)
		assertSafe(t, out, src)
		assert.NotContains(t, out, "<a", src)
		assert.NotContains(t, out, "<img", src)
	}
	assert.Equal(t, "<p>click <em>here</em></p>\n", markdown.HTML("[click *here*](javascript:alert(1))"), "the text stays")
	assert.Equal(t, "<p>javascript:alert(1)</p>\n", markdown.HTML("<javascript:alert(1)>"))
}

func TestNothingUnsafeComesOut(t *testing.T) {
	t.Parallel()
	for _, src := range attacks {
		assertSafe(t, markdown.HTML(src), src)
	}
}

func FuzzNothingUnsafeComesOut(f *testing.F) {
	for _, src := range attacks {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		assertSafe(t, markdown.HTML(src), src)
	})
}

// scheme matches a URL that has one, as a browser reads it.
var scheme = regexp.MustCompile(`^([a-z][a-z0-9+.-]*):`)

var attacks = []string{
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
	"text <script>alert(1)</script> text",
	"<img src=x onerror=alert(1)>",
	"<svg/onload=alert(1)>",
	"<a href=\"javascript:alert(1)\">x</a>",
	"<iframe src=\"https://evil.example\"></iframe>",
	"<style>body{display:none}</style>",
	"<details open ontoggle=alert(1)>",
	"[x](javascript:alert(1) \"title\")",
	"[x](java&#x09;script:alert(1))", // href="java%09script:…": a relative URL
	"[x](<javascript:alert(1)>)",
	"[x](\"onmouseover=alert(1))",
	"[x](https://example.com \"a\\\" onmouseover=\\\"alert(1)\")",
	"![x\" onerror=\"alert(1)](/a.png)",
	"![x](/a.png \"t\\\" onerror=\\\"alert(1)\")",
	"# Heading {#id onclick=alert(1)}",
	"```\n</code><script>alert(1)</script>\n```",
	"`<script>`",
	"| a |\n|---|\n| <script>alert(1)</script> |",
	"- [ ] <img src=x onerror=alert(1)>",
	"> <script>alert(1)</script>",
	"www.example.com/<script>",
	"https://example.com/\"onmouseover=alert(1)",
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"<scr<script>ipt>alert(1)</script>",
}

// assertSafe parses out as a browser would and checks that it holds no script, no element
// outside Markdown's own, no event handler or style attribute, and no URL with a scheme
// other than http, https and mailto.
func assertSafe(t *testing.T, out, src string) {
	t.Helper()
	allowed := map[string]bool{"p": true, "br": true, "em": true, "strong": true, "del": true, "code": true, "pre": true,
		"a": true, "img": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true,
		"ul": true, "ol": true, "li": true, "blockquote": true, "table": true, "thead": true, "tbody": true, "tr": true,
		"th": true, "td": true, "input": true}
	attrs := map[string]bool{"href": true, "src": true, "alt": true, "title": true, "align": true, "class": true,
		"start": true, "checked": true, "disabled": true, "type": true}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		require.True(t, allowed[tok.Data], "element <%s> in %q from %q", tok.Data, out, src)
		for _, a := range tok.Attr {
			require.True(t, attrs[a.Key], "attribute %s on <%s> in %q from %q", a.Key, tok.Data, out, src)
			switch a.Key {
			case "href", "src":
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, a.Val))
				if m := scheme.FindStringSubmatch(v); m != nil {
					scheme := m[1]
					ok := scheme == "http" || scheme == "https" || scheme == "mailto" || (a.Key == "src" && strings.HasPrefix(v, "data:image/"))
					require.True(t, ok, "URL %q in %q from %q", a.Val, out, src)
				}
			case "type":
				require.Equal(t, "checkbox", a.Val)
			case "class":
				require.True(t, strings.HasPrefix(a.Val, "language-"), "class %q", a.Val)
			}
		}
		if tok.Data == "input" {
			require.Contains(t, tok.Attr, html.Attribute{Key: "disabled"}, "a task list's checkbox is disabled")
		}
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Call the API with a token from your client.", markdown.Summary("# Title\n\nCall the **API** with\na token from [your client](/portal/clients).\n\nMore.", 100))
	assert.Equal(t, "Call the API…", markdown.Summary("Call the API with a token", 15))
	assert.Equal(t, "", markdown.Summary("# Only a title", 100))
	assert.Equal(t, "<b>bold</b> text", markdown.Summary("<b>bold</b> text", 100), "raw HTML as text (escaped where it is shown)")
}
