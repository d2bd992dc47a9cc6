package compose

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// apolloIdentities are the specs whose directives @composeDirective may not compose: they
// are federation's own (tag, inaccessible and the auth ones are composed anyway).
var apolloIdentities = map[string]bool{
	"https://specs.apollo.dev/core": true, "https://specs.apollo.dev/join": true,
	"https://specs.apollo.dev/link": true, "https://specs.apollo.dev/tag": true,
	"https://specs.apollo.dev/inaccessible": true, "https://specs.apollo.dev/federation": true,
	"https://specs.apollo.dev/authenticated": true, "https://specs.apollo.dev/requiresScopes": true,
	"https://specs.apollo.dev/source": true, "https://specs.apollo.dev/context": true,
	"https://specs.apollo.dev/cost": true,
}

// composedByDefault are the federation directives that reach the supergraph without
// @composeDirective.
var composedByDefault = []string{"tag", "inaccessible", "authenticated", "requiresScopes", "policy", "context"}

// composeItem is one directive a subgraph asks to compose.
type composeItem struct {
	sg       int
	feature  *feature
	origName string // its name in the spec
	name     string // its name in the subgraph, and so in the supergraph
	pos      position
}

// customDirectives is what @composeDirective adds to the supergraph: which directives each
// subgraph contributes and the spec version whose definitions win.
type customDirectives struct {
	perSubgraph []map[string]bool
	// origin maps a composed name to its spec and its name there, in order of first
	// appearance over the subgraphs.
	origin map[string][2]string
	names  []string
	latest map[string]*latestFeature
	order  []string // identities of latest, in order of first link over the subgraphs
	// defs are the definitions the supergraph prints, resolved while merging.
	defs map[string]*ast.DirectiveDefinition
}

// latestFeature is the highest minor version of a spec among the subgraphs composing from
// it, and the subgraphs linking exactly that version, last subgraph first (where the
// definitions are looked up).
type latestFeature struct {
	f    *feature
	subs []int
}

func (c *customDirectives) composes(sg int, name string) bool {
	return c != nil && c.perSubgraph[sg][name]
}

// collectComposedDirectives applies Apollo's rules for @composeDirective: the name must be
// "@"-prefixed, name a directive of the subgraph that a non-federation spec provides, with
// one spec, one major version and one name wherever it is composed.
func (m *merger) collectComposedDirectives() {
	c := &customDirectives{origin: map[string][2]string{}, latest: map[string]*latestFeature{},
		defs: map[string]*ast.DirectiveDefinition{}}
	m.custom = c
	c.perSubgraph = make([]map[string]bool, len(m.subs))
	for i := range c.perSubgraph {
		c.perSubgraph[i] = map[string]bool{}
	}
	var items []*composeItem
	for i, sg := range m.subs {
		for _, use := range sg.composes {
			if item := m.composeItem(i, sg, use); item != nil {
				items = append(items, item)
			}
		}
	}
	wontFeature, wontName := map[string]bool{}, map[string]bool{}
	// Versions: a spec composed anywhere needs one major version wherever it is linked.
	seen := map[string]bool{}
	for _, sg := range m.subs {
		for _, f := range sg.features {
			if seen[f.identity] {
				continue
			}
			seen[f.identity] = true
			if l := m.latestIfCompatible(f.identity, items); l != nil {
				c.latest[f.identity] = l
				c.order = append(c.order, f.identity)
			} else {
				wontFeature[f.identity] = true
			}
		}
	}
	byName, nameOrder := groupItems(items, func(it *composeItem) string { return it.name })
	for _, name := range nameOrder {
		group := byName[name]
		var locs []Loc
		for _, it := range group {
			locs = append(locs, m.loc(it.sg, it.pos))
		}
		if !allSame(group, func(it *composeItem) string { return it.origName }) {
			wontName[name] = true
			m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Composed directive \"@%s\" does not refer to the same directive in every subgraph", name)
		}
		if !allSame(group, func(it *composeItem) string { return it.feature.identity }) {
			wontName[name] = true
			m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Composed directive \"@%s\" is not linked by the same core feature in every subgraph", name)
		}
	}
	byOrig, origOrder := groupItems(items, func(it *composeItem) string { return it.origName })
	for _, orig := range origOrder {
		group := byOrig[orig]
		if !allSame(group, func(it *composeItem) string { return it.name }) {
			for _, it := range group {
				wontName[it.name] = true
			}
			m.reportInconsistentNames(group)
		}
		first := group[0]
		var warned []Loc
		for i, sg := range m.subs {
			if containsItem(group, i) {
				continue
			}
			for _, f := range sg.features {
				if f.identity != first.feature.identity {
					continue
				}
				for _, imp := range f.imports {
					if imp.name == "@"+first.origName && imp.local() != "@"+first.name {
						warned = append(warned, m.loc(i, f.pos))
					}
				}
			}
		}
		if len(warned) > 0 {
			m.hints = append(m.hints, Diagnostic{Code: "DIRECTIVE_COMPOSITION_WARN", Locations: warned, Message: fmt.Sprintf(
				"Composed directive \"@%s\" is named differently in a subgraph that doesn't export it. Consistent naming will be required to export it.", orig)})
		}
	}
	for _, it := range items {
		if !wontFeature[it.feature.identity] && !wontName[it.name] {
			c.perSubgraph[it.sg][it.name] = true
		}
		if _, ok := c.origin[it.name]; !ok {
			c.origin[it.name] = [2]string{it.feature.identity, it.origName}
			c.names = append(c.names, it.name)
		}
	}
}

func (m *merger) loc(sg int, pos position) Loc {
	return Loc{Subgraph: m.subs[sg].name, Line: pos.line, Column: pos.column}
}

// composeItem checks one @composeDirective application; nil when it composes nothing.
func (m *merger) composeItem(i int, sg *subgraph, use composeUse) *composeItem {
	locs := []Loc{m.loc(i, use.pos)}
	if use.name == nil || use.name.Kind == ast.NullValue || use.name.Raw == "" {
		m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Argument to @composeDirective in subgraph \"%s\" cannot be NULL or an empty String", sg.name)
		return nil
	}
	arg := use.name.Raw
	if !strings.HasPrefix(arg, "@") {
		m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Argument to @composeDirective \"%s\" in subgraph \"%s\" must have a leading \"@\"", arg, sg.name)
		return nil
	}
	name := arg[1:]
	if !sg.hasDirective(name) {
		m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Could not find matching directive definition for argument to @composeDirective \"@%s\" in subgraph \"%s\".%s",
			name, sg.name, didYouMean(suggestionList("@"+name, sg.directiveNamesForSuggestions())))
		return nil
	}
	f, orig, renamedAway := sg.sourceFeature(name)
	switch {
	case f == nil:
		m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Directive \"@%s\" in subgraph \"%s\" cannot be composed because it is not a member of a core feature", name, sg.name)
	case renamedAway:
		m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Directive \"@%s\" in subgraph \"%s\" cannot be composed because it is imported to a different name", name, sg.name)
	case apolloIdentities[f.identity]:
		for _, c := range composedByDefault {
			if n, ok := sg.names[c]; ok && n == name {
				m.hints = append(m.hints, Diagnostic{Code: "DIRECTIVE_COMPOSITION_INFO", Locations: locs, Message: fmt.Sprintf(
					"Directive \"@%s\" should not be explicitly manually composed since it is a federation directive composed by default", name)})
				return nil
			}
		}
		m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Composing federation directive \"%s\" in subgraph \"%s\" is not supported", arg, sg.name)
	default:
		for _, c := range []string{"tag", "inaccessible"} {
			var in []string
			for _, other := range m.subs {
				if other.defaultName(c) == name {
					in = append(in, other.name)
				}
			}
			if len(in) > 0 {
				m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Directive \"@%s\" in subgraph \"%s\" cannot be composed because it conflicts with automatically composed federation directive \"@%s\". Conflict exists in subgraph(s): (%s)",
					name, sg.name, c, strings.Join(in, ","))
				return nil
			}
		}
		return &composeItem{sg: i, feature: f, origName: orig, name: name, pos: use.pos}
	}
	return nil
}

// defaultName is the name a subgraph gives federation's directive c ("tag" → "tag",
// "federation__tag" or its import name).
func (sg *subgraph) defaultName(c string) string {
	if n, ok := sg.names[c]; ok {
		return n
	}
	if !sg.fed2 {
		return c
	}
	return "federation__" + c
}

var builtinDirectives = []string{"include", "skip", "deprecated", "specifiedBy", "defer", "stream"}

func (sg *subgraph) hasDirective(name string) bool {
	if sg.directives[name] != nil || name == "link" {
		return true
	}
	for k, v := range sg.names {
		if !strings.HasPrefix(k, "type:") && v == name {
			return true
		}
	}
	for _, b := range builtinDirectives {
		if b == name {
			return true
		}
	}
	return false
}

// directiveNamesForSuggestions lists the subgraph's directives as Apollo's schema holds
// them (built-ins aside): the SDL's, federation's under their names here, and @link.
func (sg *subgraph) directiveNamesForSuggestions() []string {
	set := map[string]bool{"@link": true}
	for n := range sg.directives {
		set["@"+n] = true
	}
	for k, v := range sg.names {
		if !strings.HasPrefix(k, "type:") {
			set["@"+v] = true
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// latestIfCompatible picks the version of a spec whose definitions the supergraph uses: the
// highest minor among the subgraphs composing from it (ties: the later subgraph). A major
// version that differs is an error between composing subgraphs, a hint otherwise.
func (m *merger) latestIfCompatible(identity string, items []*composeItem) *latestFeature {
	type pair struct {
		f        *feature
		sg       int
		composed bool
	}
	var pairs []pair
	for i, sg := range m.subs {
		for _, f := range sg.features {
			if f.identity == identity {
				pairs = append(pairs, pair{f, i, containsItemOf(items, i, identity)})
				break
			}
		}
	}
	locs := func() []Loc {
		var out []Loc
		for _, p := range pairs {
			out = append(out, m.loc(p.sg, p.f.pos))
		}
		return out
	}
	hinted := false
	var acc *pair
	for k := range pairs {
		p := pairs[k]
		if acc == nil {
			acc = &p
			continue
		}
		if acc.f.major != p.f.major {
			if acc.composed && p.composed {
				m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs(), "Core feature \"%s\" requested to be merged has major version mismatch across subgraphs", identity)
				return nil
			}
			if !hinted {
				m.hints = append(m.hints, Diagnostic{Code: "DIRECTIVE_COMPOSITION_INFO", Locations: locs(), Message: fmt.Sprintf(
					"Non-composed core feature \"%s\" has major version mismatch across subgraphs", identity)})
				hinted = true
			}
			if !acc.composed {
				acc = &p
			}
			continue
		}
		switch {
		case acc.composed && !p.composed:
		case !acc.composed && p.composed:
			acc = &p
		case acc.f.minor <= p.f.minor:
			acc = &p
		}
	}
	if acc == nil || !acc.composed {
		return nil
	}
	l := &latestFeature{f: acc.f}
	for k := len(pairs) - 1; k >= 0; k-- {
		if pairs[k].f.major == acc.f.major && pairs[k].f.minor == acc.f.minor {
			l.subs = append(l.subs, pairs[k].sg)
		}
	}
	return l
}

// reportInconsistentNames is Apollo's "not named consistently" error: each name with the
// subgraphs using it.
func (m *merger) reportInconsistentNames(group []*composeItem) {
	var order []string
	bySubgraphs := map[string][]string{}
	var locs []Loc
	for i, sg := range m.subs {
		var it *composeItem
		for _, candidate := range group {
			if candidate.sg == i {
				it = candidate
				break
			}
		}
		if it == nil {
			continue
		}
		n := "\"@" + it.name + "\""
		if _, ok := bySubgraphs[n]; !ok {
			order = append(order, n)
		}
		bySubgraphs[n] = append(bySubgraphs[n], sg.name)
		locs = append(locs, m.loc(i, it.feature.pos))
	}
	parts := []string{""}
	for _, n := range order {
		parts = append(parts, n+" in "+printSubgraphNames(bySubgraphs[n]))
	}
	m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Composed directive is not named consistently in all subgraphs%s", joinStrings(parts, " and ", " but "))
}

func groupItems(items []*composeItem, key func(*composeItem) string) (map[string][]*composeItem, []string) {
	out := map[string][]*composeItem{}
	var order []string
	for _, it := range items {
		k := key(it)
		if _, ok := out[k]; !ok {
			order = append(order, k)
		}
		out[k] = append(out[k], it)
	}
	return out, order
}

func allSame(items []*composeItem, key func(*composeItem) string) bool {
	for _, it := range items {
		if key(it) != key(items[0]) {
			return false
		}
	}
	return true
}

func containsItem(items []*composeItem, sg int) bool {
	for _, it := range items {
		if it.sg == sg {
			return true
		}
	}
	return false
}

func containsItemOf(items []*composeItem, sg int, identity string) bool {
	for _, it := range items {
		if it.sg == sg && it.feature.identity == identity {
			return true
		}
	}
	return false
}

// resolveComposedDefinitions finds, for each composed directive, the definition of the
// spec's latest version: in the subgraphs linking that version, last one first.
func (m *merger) resolveComposedDefinitions() {
	c := m.custom
	if c == nil {
		return
	}
	for _, name := range m.composedNames() {
		o := c.origin[name]
		l := c.latest[o[0]]
		var found bool
		for _, i := range l.subs {
			sg := m.subs[i]
			for _, f := range sg.features {
				if f.identity != o[0] {
					continue
				}
				if def := sg.directives[f.directiveName(o[1])]; def != nil {
					c.defs[name], found = def, true
				}
				break
			}
			if found {
				break
			}
		}
		if !found {
			var names []string
			var locs []Loc
			for _, i := range l.subs {
				names = append(names, m.subs[i].name)
				for _, f := range m.subs[i].features {
					if f.identity == o[0] {
						locs = append(locs, m.loc(i, f.pos))
					}
				}
			}
			verb := "does"
			if len(names) != 1 {
				verb = "do"
			}
			m.errorAt("DIRECTIVE_COMPOSITION_ERROR", locs, "Core feature \"%s\" in %s %s not have a directive definition for \"@%s\"", l.f.url(), printSubgraphNames(names), verb, name)
		}
	}
}

// composedNames lists the directives the supergraph defines: those some subgraph composes.
func (m *merger) composedNames() []string {
	if m.custom == nil {
		return nil
	}
	var out []string
	for _, name := range m.custom.names {
		for i := range m.subs {
			if m.custom.composes(i, name) {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// printSubgraphNames is Apollo's `subgraph "a"`, `subgraphs "a" and "b"` (cut after 100
// characters of names).
func printSubgraphNames(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "\"" + n + "\""
	}
	if len(quoted) == 1 {
		return "subgraph " + quoted[0]
	}
	shown, length := 0, 0
	for _, q := range quoted {
		length += len(q)
		if length <= 100 {
			shown++
		}
	}
	if shown < 1 {
		shown = 1
	}
	if shown == len(quoted) {
		return "subgraphs " + joinStrings(quoted, ", ", "")
	}
	return "subgraphs " + joinStringsLast(quoted[:shown], ", ", "", ", ") + ", ..."
}

// joinStrings is Apollo's: "a", "a<first>b", "a<first>b<sep>c and d".
func joinStrings(items []string, sep, first string) string {
	return joinStringsLast(items, sep, first, " and ")
}

func joinStringsLast(items []string, sep, first, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	if first == "" {
		first = sep
		if len(items) == 2 {
			first = last
		}
	}
	if len(items) == 2 {
		return items[0] + first + items[1]
	}
	return items[0] + first + strings.Join(items[1:len(items)-1], sep) + last + items[len(items)-1]
}

// suggestionList ranks options by edit distance to input, as graphql-js's does.
func suggestionList(input string, options []string) []string {
	threshold := len(input)*4/10 + 1
	dist := map[string]int{}
	var out []string
	for _, o := range options {
		d := levenshtein(input, o)
		if strings.EqualFold(input, o) {
			d = 1
		}
		if d <= threshold {
			dist[o] = d
			out = append(out, o)
		}
	}
	col := collate.New(language.English)
	sort.SliceStable(out, func(i, j int) bool {
		if dist[out[i]] != dist[out[j]] {
			return dist[out[i]] < dist[out[j]]
		}
		return col.CompareString(out[i], out[j]) < 0
	})
	return out
}

func didYouMean(suggestions []string) string {
	quoted := make([]string, len(suggestions))
	for i, s := range suggestions {
		quoted[i] = "\"" + s + "\""
	}
	switch len(quoted) {
	case 0:
		return ""
	case 1:
		return " Did you mean " + quoted[0] + "?"
	case 2:
		return " Did you mean " + quoted[0] + " or " + quoted[1] + "?"
	}
	if len(quoted) > 5 {
		quoted = quoted[:5]
	}
	return " Did you mean " + strings.Join(quoted[:len(quoted)-1], ", ") + ", or " + quoted[len(quoted)-1] + "?"
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
