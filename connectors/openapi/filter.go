package openapi

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/pb33f/go-yaml"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// operation is one method of one path of the document.
type operation struct {
	path, method string // method in upper case
	op           *v3.Operation
	item         *v3.PathItem
	w            where
}

func (o *operation) key() string { return o.method + " " + o.path }

// operations lists the document's operations sorted by path, then method. Operations and
// path items that are external $refs are reported and left out.
func (g *gen) operations() []*operation {
	var ops []*operation
	external := g.externalOperations()
	if g.doc.Paths == nil || orderedmap.Len(g.doc.Paths.PathItems) == 0 {
		if raw := mapValue(g.root, "paths"); raw != nil && len(raw.Content) > 0 {
			g.report(Unmapped, where{ptr: "#/paths"}, "libopenapi could not build the paths, so no operation is imported (one bad path item loses them all)",
				"fix or bundle the path items reported here, then import again")
		}
		return nil
	}
	for p, item := range g.doc.Paths.PathItems.FromOldest() {
		if item == nil || external[p] {
			continue
		}
		pw := where{ptr: "#/paths/" + escapePointer(p)}
		add := func(method string, op *v3.Operation) {
			if op == nil || external[method+" "+p] {
				return
			}
			ops = append(ops, &operation{path: p, method: method, op: op, item: item,
				w: where{path: p, method: method, ptr: pw.at(strings.ToLower(method)).ptr}})
		}
		add("GET", item.Get)
		add("HEAD", item.Head)
		add("POST", item.Post)
		add("PUT", item.Put)
		add("PATCH", item.Patch)
		add("DELETE", item.Delete)
		add("OPTIONS", item.Options)
		add("TRACE", item.Trace)
		add("QUERY", item.Query)
		for m, op := range item.AdditionalOperations.FromOldest() {
			add(strings.ToUpper(m), op)
		}
	}
	slices.SortStableFunc(ops, func(a, b *operation) int {
		return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(methodRank(a.method), methodRank(b.method)), cmp.Compare(a.method, b.method))
	})
	return ops
}

var methodKeys = []string{"get", "head", "post", "put", "patch", "delete", "options", "trace", "query"}

// externalOperations finds, in the document itself, path items ("/path") and operations
// ("GET /path") that are $refs to other files: libopenapi does not follow them here.
func (g *gen) externalOperations() map[string]bool {
	out := map[string]bool{}
	paths := mapValue(g.root, "paths")
	if paths == nil {
		return out
	}
	const hint = "bundle the document into one file first (for example `redocly bundle`), then import again"
	for i := 0; i+1 < len(paths.Content); i += 2 {
		p, item := paths.Content[i].Value, paths.Content[i+1]
		w := where{path: p, ptr: "#/paths/" + escapePointer(p)}
		if !g.sel.selected(&operation{path: p, op: &v3.Operation{}}) {
			continue // its operations are not there to be counted as excluded
		}
		if ref := externalRef(item); ref != "" {
			out[p] = true
			g.report(Unmapped, w, fmt.Sprintf("path item is the external $ref %q: its operations are not imported", ref), hint)
			continue
		}
		for _, m := range methodKeys {
			if ref := externalRef(mapValue(item, m)); ref != "" {
				method := strings.ToUpper(m)
				out[method+" "+p] = true
				g.skipped++
				w := w
				w.method = method
				g.report(Unmapped, w.at(m), fmt.Sprintf("operation is the external $ref %q: skipped", ref), hint)
			}
		}
	}
	return out
}

// mapValue is the value of key in a mapping node (or a document holding one).
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func externalRef(n *yaml.Node) string {
	if r := mapValue(n, "$ref"); r != nil && r.Kind == yaml.ScalarNode && !strings.HasPrefix(r.Value, "#") {
		return r.Value
	}
	return ""
}

// selector applies --include, --exclude, --query and --mutation.
type selector struct {
	include, exclude []filter
	kinds            map[string]string // "POST /search" → "query" | "mutation"
}

type filter struct {
	tag  string
	glob []string // path segments; nil for a tag filter
	text string
}

func newSelector(o Options) (*selector, error) {
	s := &selector{kinds: map[string]string{}}
	parse := func(flag string, list []string) ([]filter, error) {
		var out []filter
		for _, f := range list {
			kind, arg, ok := strings.Cut(f, ":")
			switch {
			case ok && kind == "tag" && arg != "":
				out = append(out, filter{tag: arg, text: f})
			case ok && kind == "path" && strings.HasPrefix(arg, "/"):
				segs := strings.Split(arg, "/")
				for _, seg := range segs {
					if _, err := path.Match(seg, ""); err != nil {
						return nil, fmt.Errorf("%s %q: bad glob %q", flag, f, seg)
					}
				}
				out = append(out, filter{glob: segs, text: f})
			default:
				return nil, fmt.Errorf("%s %q: want tag:NAME or path:/GLOB (for example path:/admin/**)", flag, f)
			}
		}
		return out, nil
	}
	var err error
	if s.include, err = parse("--include", o.Include); err != nil {
		return nil, err
	}
	if s.exclude, err = parse("--exclude", o.Exclude); err != nil {
		return nil, err
	}
	for _, k := range []struct {
		flag, kind string
		list       []string
	}{{"--query", "query", o.Query}, {"--mutation", "mutation", o.Mutation}} {
		for _, op := range k.list {
			f := strings.Fields(op)
			if len(f) != 2 || !strings.HasPrefix(f[1], "/") {
				return nil, fmt.Errorf("%s %q: want METHOD /path, for example 'POST /search'", k.flag, op)
			}
			key := strings.ToUpper(f[0]) + " " + f[1]
			if prev, ok := s.kinds[key]; ok && prev != k.kind {
				return nil, fmt.Errorf("%s is given both as --query and --mutation", key)
			}
			s.kinds[key] = k.kind
		}
	}
	return s, nil
}

// check refuses --query/--mutation naming operations the document does not have.
func (s *selector) check(ops []*operation) error {
	have := map[string]bool{}
	for _, op := range ops {
		have[op.key()] = true
	}
	keys := make([]string, 0, len(s.kinds))
	for k := range s.kinds {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !have[k] {
			return fmt.Errorf("--%s %q: the document has no such operation (give the path as the document writes it, e.g. /pets/{petId})", s.kinds[k], k)
		}
	}
	return nil
}

func (s *selector) selected(op *operation) bool {
	match := func(fs []filter) bool {
		for _, f := range fs {
			if f.glob == nil && slices.Contains(op.op.Tags, f.tag) || f.glob != nil && globMatch(f.glob, strings.Split(op.path, "/")) {
				return true
			}
		}
		return false
	}
	if len(s.include) > 0 && !match(s.include) {
		return false
	}
	return !match(s.exclude)
}

// globMatch matches path segments: "**" any number of segments, others path.Match.
func globMatch(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if globMatch(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	ok, _ := path.Match(pat[0], segs[0])
	return ok && globMatch(pat[1:], segs[1:])
}
