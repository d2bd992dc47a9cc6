package introspect_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/atrium-gateway/atrium/executor/introspect"
)

// FuzzField runs arbitrary queries that pass validation and checks that each
// introspection root field answers valid JSON, appended after what buf held, and the
// same answer twice (the pooled state of one call must not leak into the next).
func FuzzField(f *testing.F) {
	schema := loadSchema(f, "testdata/kitchen/schema.graphql")
	f.Add(readFile(f, "testdata/introspection.graphql"))
	f.Add(readFile(f, "testdata/kitchen/edges.graphql"))
	f.Add(`{ __type(name: "Book") { name fields { name type { kind ofType { name } } } } }`)
	f.Add(`{ __schema { types { ... on __Type { name } ...F } } } fragment F on __Type { a: kind a: kind }`)
	f.Add(`query($x: Boolean = false) { __schema { directives @skip(if: $x) { name args { defaultValue } } } }`)
	f.Add(`{ __type(name: "SearchInput") { inputFields(includeDeprecated: true) { defaultValue } } }`)
	f.Fuzz(func(t *testing.T, query string) {
		checkQuery(t, schema, query)
	})
}

// FuzzGenerated builds queries from the fuzzer's bytes with a grammar of introspection
// selections (fields, aliases, arguments, @skip/@include, inline and named fragments),
// so that most inputs pass validation, which random edits of query text rarely do.
func FuzzGenerated(f *testing.F) {
	schema := loadSchema(f, "testdata/kitchen/schema.graphql")
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("introspection"))
	f.Add(bytes.Repeat([]byte{3, 1, 4, 1, 5, 9, 2, 6}, 16))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &generator{schema: schema, data: data}
		checkQuery(t, schema, g.query())
	})
}

func checkQuery(t *testing.T, schema *ast.Schema, query string) {
	if len(query) > 4096 {
		return // aliases could multiply the answer's size beyond reason
	}
	doc, errs := gqlparser.LoadQueryWithRules(schema, query, nil)
	if errs != nil {
		return
	}
	for _, op := range doc.Operations {
		vars, err := validator.VariableValues(schema, op, map[string]any{})
		if err != nil {
			continue
		}
		for _, group := range rootGroups(op) {
			if name := group[0].Name; name != "__schema" && name != "__type" {
				continue
			}
			got, err := introspect.FieldGroup([]byte("prefix"), schema, group, vars)
			if err != nil {
				t.Fatalf("error for valid query %q: %v", query, err)
			}
			if !bytes.HasPrefix(got, []byte("prefix")) || !json.Valid(got[len("prefix"):]) {
				t.Fatalf("invalid JSON for %q: %s", query, got)
			}
			again, err := introspect.FieldGroup(nil, schema, group, vars)
			if err != nil || !bytes.Equal(again, got[len("prefix"):]) {
				t.Fatalf("second answer differs for %q: %v\n%s\n%s", query, err, got, again)
			}
		}
	}
}

// generator writes a query, taking its choices from data (zeros once it runs out).
type generator struct {
	schema    *ast.Schema
	data      []byte
	fragments []string
	nfrag     int
	naliases  int
}

// variables declares the variables body uses: validation rejects unused ones.
func variables(body string) string {
	var decls []string
	for _, v := range []string{"$yes: Boolean = true", "$no: Boolean = false", `$name: String = "Book"`} {
		if strings.Contains(body, v[:strings.IndexByte(v, ':')]+")") {
			decls = append(decls, v)
		}
	}
	if len(decls) == 0 {
		return "query Q "
	}
	return "query Q(" + strings.Join(decls, ", ") + ") "
}

func (g *generator) next(n int) int {
	if len(g.data) == 0 || n <= 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return int(b) % n
}

func (g *generator) query() string {
	var sb strings.Builder
	sb.WriteString("{")
	for range 1 + g.next(3) {
		switch g.next(3) {
		case 0:
			sb.WriteString(g.alias() + "__schema ")
			sb.WriteString(g.selection("__Schema", 0))
		case 1:
			sb.WriteString(g.alias() + "__type(name: $name) ")
			sb.WriteString(g.selection("__Type", 0))
		default:
			names := []string{"Book", "Author", "Node", "SearchResult", "Genre", "SearchInput", "BookBy", "DateTime", "Int", "__Type", "Nope"}
			fmt.Fprintf(&sb, "%s__type(name: %q) ", g.alias(), names[g.next(len(names))])
			sb.WriteString(g.selection("__Type", 0))
		}
	}
	sb.WriteString("}\n")
	for _, f := range g.fragments {
		sb.WriteString(f)
	}
	return variables(sb.String()) + sb.String()
}

// alias returns no alias or a new one: reusing one for another field fails validation.
func (g *generator) alias() string {
	if g.next(2) == 0 {
		return ""
	}
	g.naliases++
	return fmt.Sprintf("a%d: ", g.naliases)
}

func (g *generator) directive() string {
	return [...]string{"", "", "", " @skip(if: $yes)", " @skip(if: $no)", " @include(if: $yes)", " @include(if: $no)", " @skip(if: false) @include(if: true)"}[g.next(8)]
}

func (g *generator) selection(typename string, depth int) string {
	def := g.schema.Types[typename]
	var sb strings.Builder
	sb.WriteString("{ ")
	for i := range 1 + g.next(4) {
		switch choice := g.next(8); {
		case choice == 0 && depth < 6:
			fmt.Fprintf(&sb, "...%s %s ", [...]string{"", "on " + typename}[g.next(2)], g.directive())
			sb.WriteString(g.selection(typename, depth+1))
		case choice == 1 && depth < 6 && g.nfrag < 4:
			g.nfrag++
			name := fmt.Sprintf("F%d", g.nfrag)
			fmt.Fprintf(&sb, "...%s%s ", name, g.directive())
			body := g.selection(typename, depth+1)
			g.fragments = append(g.fragments, fmt.Sprintf("fragment %s on %s %s\n", name, typename, body))
		case choice == 2:
			fmt.Fprintf(&sb, "%s__typename%s ", g.alias(), g.directive())
		default:
			fd := def.Fields[(g.next(len(def.Fields))+i)%len(def.Fields)]
			sb.WriteString(g.alias() + fd.Name)
			if fd.Arguments.ForName("includeDeprecated") != nil {
				sb.WriteString([...]string{"", "(includeDeprecated: true)", "(includeDeprecated: $yes)", "(includeDeprecated: false)"}[g.next(4)])
			}
			sb.WriteString(g.directive() + " ")
			inner := g.schema.Types[fd.Type.Name()]
			if inner.Kind == ast.Object {
				if depth >= 4 {
					sb.WriteString("{ __typename } ")
				} else {
					sb.WriteString(g.selection(inner.Name, depth+1))
				}
			}
		}
	}
	sb.WriteString("} ")
	return sb.String()
}
