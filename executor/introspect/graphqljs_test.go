package introspect_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestGraphQLJS runs every query under testdata against its schema and compares the
// answer, member order included, with graphql-js's, recorded by testdata/gen/gen.js,
// once the known deviations (see normalize and knownDeviations) are taken out.
func TestGraphQLJS(t *testing.T) {
	t.Parallel()
	full := readFile(t, "testdata/introspection.graphql")
	schemaFiles, err := filepath.Glob("testdata/*/schema.graphql")
	require.NoError(t, err)
	require.NotEmpty(t, schemaFiles)
	for _, schemaFile := range schemaFiles {
		dir := filepath.Dir(schemaFile)
		schema := loadSchema(t, schemaFile)
		queries := map[string]string{"full": full}
		files, err := filepath.Glob(filepath.Join(dir, "*.graphql"))
		require.NoError(t, err)
		for _, f := range files {
			if name := strings.TrimSuffix(filepath.Base(f), ".graphql"); name != "schema" {
				queries[name] = readFile(t, f)
			}
		}
		for name, query := range queries {
			t.Run(filepath.Base(dir)+"/"+name, func(t *testing.T) {
				t.Parallel()
				var vars map[string]any
				if raw, err := os.ReadFile(filepath.Join(dir, name+".vars.json")); err == nil {
					require.NoError(t, json.Unmarshal(raw, &vars))
				}
				doc := loadQuery(t, schema, query)
				got := decodeOrdered(t, execute(t, schema, doc, vars))
				want := decodeOrdered(t, []byte(readFile(t, filepath.Join(dir, name+".want.json"))))
				knownDeviations(want, schema)
				normalize(want, doc)
				normalize(got, doc)
				for _, d := range diffs("", want, got, nil) {
					t.Errorf("differs from graphql-js: %s", d)
				}
			})
		}
	}
}

// object is a decoded JSON object that keeps its members in order.
type object []member

type member struct {
	key string
	val any
}

func (o object) get(key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

func (o object) set(key string, val any) {
	for i := range o {
		if o[i].key == key {
			o[i].val = val
		}
	}
}

func (o object) keys() []string {
	keys := make([]string, len(o))
	for i, m := range o {
		keys[i] = m.key
	}
	return keys
}

// decodeOrdered decodes JSON into object, []any, string, float64, bool and nil.
func decodeOrdered(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	var value func() any
	value = func() any {
		tok, err := dec.Token()
		require.NoError(t, err)
		switch tok {
		case json.Delim('{'):
			o := object{}
			for dec.More() {
				k, err := dec.Token()
				require.NoError(t, err)
				o = append(o, member{k.(string), value()})
			}
			_, err := dec.Token()
			require.NoError(t, err)
			return o
		case json.Delim('['):
			l := []any{}
			for dec.More() {
				l = append(l, value())
			}
			_, err := dec.Token()
			require.NoError(t, err)
			return l
		}
		return tok
	}
	return value()
}

func nameOf(v any) string {
	o, _ := v.(object)
	name, _ := o.get("name")
	s, _ := name.(string)
	return s
}

// normalize sorts the lists of __schema answers: we list types and directives by name,
// graphql-js in the order it discovered them.
func normalize(resp any, doc *ast.QueryDocument) {
	data, _ := resp.(object).get("data")
	for _, group := range rootGroups(doc.Operations[0]) {
		if group[0].Name != "__schema" {
			continue
		}
		s, _ := data.(object).get(responseKey(group[0]))
		o, _ := s.(object)
		for _, m := range o {
			if list, ok := m.val.([]any); ok {
				slices.SortStableFunc(list, func(a, b any) int { return strings.Compare(sortKey(a), sortKey(b)) })
			}
		}
	}
}

// sortKey orders elements by name, or by content when the query did not select name.
func sortKey(v any) string {
	if name := nameOf(v); name != "" {
		return name
	}
	var sb strings.Builder
	var write func(v any)
	write = func(v any) {
		switch v := v.(type) {
		case object:
			sb.WriteByte('{')
			for _, m := range v {
				fmt.Fprintf(&sb, "%q:", m.key)
				write(m.val)
				sb.WriteByte(',')
			}
			sb.WriteByte('}')
		case []any:
			sb.WriteByte('[')
			for _, x := range v {
				write(x)
				sb.WriteByte(',')
			}
			sb.WriteByte(']')
		default:
			fmt.Fprintf(&sb, "%#v", v)
		}
	}
	write(v)
	return "\xff" + sb.String() // after every name
}

// knownDeviations edits graphql-js's answer where gqlparser's prelude, which the
// schema describes, differs from graphql-js 16.15's built-ins:
//   - The descriptions of the specified scalars: gqlparser's String misses a space
//     ("The `String`scalar type"), Float links with http, ID has fewer backquotes.
//   - __Directive has no isDeprecated and deprecationReason fields, and
//     __Schema.directives has no includeDeprecated argument (directive deprecation,
//     new in graphql-js 16.15).
//
// gqlparser's @defer, which graphql-js 16 lacks, is declared on the graphql-js side by
// testdata/gen/gen.js instead.
func knownDeviations(v any, schema *ast.Schema) {
	switch v := v.(type) {
	case object:
		switch name := nameOf(v); name {
		case "Int", "Float", "String", "Boolean", "ID":
			if kind, _ := v.get("kind"); kind == "SCALAR" {
				v.set("description", schema.Types[name].Description)
			}
		case "__Directive":
			if fields, ok := v.get("fields"); ok && fields != nil {
				v.set("fields", slices.DeleteFunc(fields.([]any), func(f any) bool {
					return nameOf(f) == "isDeprecated" || nameOf(f) == "deprecationReason"
				}))
			}
		case "__Schema":
			if fields, ok := v.get("fields"); ok && fields != nil {
				for _, f := range fields.([]any) {
					if nameOf(f) == "directives" {
						if args, _ := f.(object).get("args"); args != nil {
							f.(object).set("args", []any{})
						}
					}
				}
			}
		}
		for _, m := range v {
			knownDeviations(m.val, schema)
		}
	case []any:
		for _, x := range v {
			knownDeviations(x, schema)
		}
	}
}

// diffs lists the differences between two decoded JSON values, at most 10, so that a
// failure names paths rather than dumping 80 kB.
func diffs(path string, want, got any, out []string) []string {
	if len(out) >= 10 {
		return out
	}
	switch w := want.(type) {
	case object:
		g, ok := got.(object)
		if !ok {
			return append(out, fmt.Sprintf("%s: want an object, got %#v", path, got))
		}
		if name := nameOf(w); name != "" {
			path += "(" + name + ")"
		}
		if !slices.Equal(w.keys(), g.keys()) {
			return append(out, fmt.Sprintf("%s: want members %v, got %v", path, w.keys(), g.keys()))
		}
		for i := range w {
			out = diffs(path+"."+w[i].key, w[i].val, g[i].val, out)
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: want a list, got %#v", path, got))
		}
		for i := range min(len(w), len(g)) {
			out = diffs(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], out)
		}
		if len(w) != len(g) {
			out = append(out, fmt.Sprintf("%s: want %d elements, got %d", path, len(w), len(g)))
		}
	default:
		if want != got {
			out = append(out, fmt.Sprintf("%s: want %#v, got %#v", path, want, got))
		}
	}
	return out
}
