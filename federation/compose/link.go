package compose

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// feature is one spec a schema links with @link: which spec (identity and version), the
// name the schema gives it (its alias) and what it imports under which names.
type feature struct {
	identity     string // "https://myspecs.dev/foo"
	name         string // "foo": the last path segment before the version
	major, minor int
	alias        string // `as:`, else name
	imports      []linkImport
	pos          position
}

// linkImport is one entry of @link(import:): "@foo", or {name: "@foo", as: "@bar"} (as is
// empty when the element keeps its name).
type linkImport struct{ name, as string }

// local is the name the element has in the schema.
func (i linkImport) local() string {
	if i.as != "" {
		return i.as
	}
	return i.name
}

func (f *feature) url() string { return fmt.Sprintf("%s/v%d.%d", f.identity, f.major, f.minor) }

var versionRE = regexp.MustCompile(`^v(\d+)\.(\d+)$`)

// parseFeature reads a @link's url, as and import arguments the way Apollo's FeatureUrl
// does: the last path segment is the version, the one before it the spec's name, and the
// identity is the URL without version, query, fragment or credentials. ok is false for a
// URL that names no versioned spec.
func parseFeature(d *ast.Directive) (*feature, bool) {
	raw := stringArg(d, "url")
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Path == "" || u.Path == "/" {
		return nil, false
	}
	segs := strings.Split(u.Path, "/")
	m := versionRE.FindStringSubmatch(segs[len(segs)-1])
	if m == nil || len(segs) < 2 || segs[len(segs)-2] == "" {
		return nil, false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	f := &feature{name: segs[len(segs)-2], major: major, minor: minor, pos: posOf(d.Position)}
	id := url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host), Path: strings.Join(segs[:len(segs)-1], "/")}
	f.identity = id.String()
	f.alias = f.name
	if as := stringArg(d, "as"); as != "" {
		f.alias = as
	}
	if arg := d.Arguments.ForName("import"); arg != nil && arg.Value != nil {
		for _, item := range arg.Value.Children {
			v := item.Value
			switch v.Kind {
			case ast.StringValue:
				f.imports = append(f.imports, linkImport{name: v.Raw})
			case ast.ObjectValue:
				var imp linkImport
				for _, c := range v.Children {
					switch c.Name {
					case "name":
						imp.name = c.Value.Raw
					case "as":
						imp.as = c.Value.Raw
					}
				}
				if imp.as == imp.name {
					imp.as = ""
				}
				f.imports = append(f.imports, imp)
			}
		}
	}
	return f, true
}

// directiveName is the name this schema gives the spec's directive orig: its import, the
// alias for the spec's own directive, else alias__orig.
func (f *feature) directiveName(orig string) string {
	for _, imp := range f.imports {
		if imp.name == "@"+orig {
			return strings.TrimPrefix(imp.local(), "@")
		}
	}
	if orig == f.name {
		return f.alias
	}
	return f.alias + "__" + orig
}

func (f *feature) imported(nameInSpec string) bool {
	for _, imp := range f.imports {
		if imp.name == nameInSpec {
			return true
		}
	}
	return false
}

// sourceFeature finds the spec a directive of this subgraph comes from and its name there.
// renamedAway is true when the directive is a spec's default name for an element the
// schema imports under another name.
func (sg *subgraph) sourceFeature(name string) (f *feature, nameInSpec string, renamedAway bool) {
	for _, f := range sg.features {
		for _, imp := range f.imports {
			if strings.HasPrefix(imp.name, "@") && imp.local() == "@"+name {
				return f, imp.name[1:], false
			}
		}
	}
	byAlias := func(alias string) *feature {
		for _, f := range sg.features {
			if f.alias == alias {
				return f
			}
		}
		return nil
	}
	if alias, rest, ok := strings.Cut(name, "__"); ok {
		if f := byAlias(alias); f != nil {
			return f, rest, f.imported("@" + rest)
		}
	}
	if f := byAlias(name); f != nil {
		return f, f.name, f.imported("@" + f.name)
	}
	return nil, "", false
}

// supergraphLink is a spec the supergraph links besides link and join: tag, inaccessible
// and the features of composed directives.
type supergraphLink struct {
	identity string
	url      string
	name     string // the spec's name: the alias it gets when nothing stands in the way
	alias    string
	purpose  string // "SECURITY" or ""
	imports  []linkImport
	// federation: tag or inaccessible, whose directive the supergraph names after the
	// subgraphs
	federation bool
}

// print writes the @link line as Apollo does: url, as, for, import.
func (l *supergraphLink) print() string {
	var b strings.Builder
	fmt.Fprintf(&b, "@link(url: %s", jsString(l.url))
	if l.alias != l.name {
		fmt.Fprintf(&b, ", as: %s", jsString(l.alias))
	}
	if l.purpose != "" {
		b.WriteString(", for: " + l.purpose)
	}
	if len(l.imports) > 0 {
		b.WriteString(", import: [")
		for i, imp := range l.imports {
			if i > 0 {
				b.WriteString(", ")
			}
			if imp.as == "" {
				b.WriteString(jsString(imp.name))
			} else {
				fmt.Fprintf(&b, "{name: %s, as: %s}", jsString(imp.name), jsString(imp.as))
			}
		}
		b.WriteString("]")
	}
	b.WriteString(")")
	return b.String()
}

var graphQLNameRE = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]*$`)

// aliasPlanner gives the supergraph's specs names that cannot be confused with one another,
// as Apollo's composition does: a spec keeps its own name unless it is not a GraphQL name
// ("f-oo"), another spec imports an element under that name, or a spec already uses it; it
// then gets a fresh "<prefix><n><letters of its name>" ("_0foo"), the prefix being the
// shortest string that starts no name of the supergraph or the subgraphs.
type aliasPlanner struct {
	self, other map[string]map[string]bool // per identity
	names       map[string]bool
	prefix      string
	next        int
	byAlias     map[string]string // alias → identity, of the specs linked so far
}

func newAliasPlanner(specs []*supergraphLink, names map[string]bool) *aliasPlanner {
	p := &aliasPlanner{self: map[string]map[string]bool{}, other: map[string]map[string]bool{}, names: names,
		byAlias: map[string]string{"link": "https://specs.apollo.dev/link", "join": "https://specs.apollo.dev/join"}}
	for _, s := range specs {
		names[s.name] = true
		self, other := map[string]bool{}, map[string]bool{}
		for _, imp := range s.imports {
			isDirective := strings.HasPrefix(imp.name, "@")
			nameInSpec := strings.TrimPrefix(imp.name, "@")
			nameInSchema := strings.TrimPrefix(imp.local(), "@")
			names[nameInSchema] = true
			if alias, rest, ok := strings.Cut(nameInSchema, "__"); ok {
				if rest != nameInSpec {
					self[alias] = true
				}
				other[alias] = true
			}
			if isDirective {
				if nameInSpec != s.name {
					self[nameInSchema] = true
				}
				other[nameInSchema] = true
			}
		}
		p.self[s.identity], p.other[s.identity] = self, other
	}
	return p
}

func (p *aliasPlanner) valid(alias, identity string) bool {
	if strings.Contains(alias, "__") || strings.HasSuffix(alias, "_") || !graphQLNameRE.MatchString(alias) {
		return false
	}
	for id, other := range p.other {
		if id == identity && p.self[id][alias] || id != identity && other[alias] {
			return false
		}
	}
	_, used := p.byAlias[alias]
	return !used
}

// aliasFor returns the alias the spec gets in the supergraph and records it.
func (p *aliasPlanner) aliasFor(l *supergraphLink) string {
	alias := l.name
	if !p.valid(alias, l.identity) {
		alias = p.unique(l.name)
	}
	p.byAlias[alias] = l.identity
	return alias
}

func (p *aliasPlanner) unique(specName string) string {
	if p.prefix == "" {
		p.prefix = shortestFreePrefix(p.names)
	}
	var letters strings.Builder
	for _, r := range specName {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			letters.WriteRune(r)
		}
	}
	s := fmt.Sprintf("%s%d%s", p.prefix, p.next, letters.String())
	p.next++
	return s
}

// shortestFreePrefix walks the names' prefix tree breadth first and returns the first
// path that leaves it: '_' or a letter first, then letters or digits.
func shortestFreePrefix(names map[string]bool) string {
	type node struct {
		children map[byte]*node
		parent   *node
		char     byte
	}
	root := &node{children: map[byte]*node{}}
	for name := range names {
		n := root
		for i := 0; i < len(name); i++ {
			c := n.children[name[i]]
			if c == nil {
				c = &node{children: map[byte]*node{}, parent: n, char: name[i]}
				n.children[name[i]] = c
			}
			n = c
		}
	}
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	queue := []*node{root}
	for head := 0; head < len(queue); head++ {
		chars := letters + "0123456789"
		if head == 0 {
			chars = "_" + letters
		}
		n := queue[head]
		for i := 0; i < len(chars); i++ {
			if c := n.children[chars[i]]; c != nil {
				queue = append(queue, c)
				continue
			}
			out := []byte{chars[i]}
			for cur := n; cur.parent != nil; cur = cur.parent {
				out = append(out, cur.char)
			}
			for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
				out[i], out[j] = out[j], out[i]
			}
			return string(out)
		}
	}
	return "_"
}

// importConflict reports an import of a composed spec that a router would read as an
// element of another linked spec ("@join__field" looks like join's), as Apollo refuses
// such a @link in the supergraph.
func (p *aliasPlanner) importConflict(l *supergraphLink) string {
	for _, imp := range l.imports {
		nameInSpec := strings.TrimPrefix(imp.name, "@")
		nameInSchema := strings.TrimPrefix(imp.local(), "@")
		shown := fmt.Sprintf("%q", imp.name)
		if imp.as != "" {
			shown = fmt.Sprintf("%q as %q", imp.name, imp.as)
		}
		if alias, rest, ok := strings.Cut(nameInSchema, "__"); ok {
			if alias == l.alias {
				if rest != nameInSpec {
					return fmt.Sprintf("Cannot import %s from feature %q since it can be confused with the namespaced name for %q. Please rename the import to avoid conflicts via \"as\".", shown, l.identity, "@"+rest)
				}
			} else if id, ok := p.byAlias[alias]; ok {
				return fmt.Sprintf("Cannot import %s from feature %q since it can be confused with a namespaced name from another linked feature %q. Please rename the import or feature to avoid conflicts via \"as\".", shown, l.identity, id)
			}
		}
		if strings.HasPrefix(imp.name, "@") {
			if nameInSchema == l.alias {
				if nameInSpec != l.name {
					return fmt.Sprintf("Cannot import %s from feature %q since it can be confused with the namespaced name for %q. Please rename the import to avoid conflicts via \"as\".", shown, l.identity, "@"+l.name)
				}
			} else if id, ok := p.byAlias[nameInSchema]; ok {
				return fmt.Sprintf("Cannot import %s from feature %q since it can be confused with a namespaced name from another linked feature %q. Please rename the import or feature to avoid conflicts via \"as\".", shown, l.identity, id)
			}
		}
	}
	return ""
}
