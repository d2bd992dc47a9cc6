package openapi

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// connectDefinitions are the federation and connect directives an imported subgraph uses,
// so that gqlparser can validate it.
const connectDefinitions = `
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @link(url: String!, import: [String]) repeatable on SCHEMA
directive @source(name: String!, http: SourceHTTP, errors: ConnectorErrors) repeatable on SCHEMA
directive @connect(source: String, http: ConnectHTTP, selection: String!, entity: Boolean = false, batch: ConnectBatch, errors: ConnectorErrors) repeatable on FIELD_DEFINITION | OBJECT
input SourceHTTP { baseURL: String! headers: [HTTPHeaderMapping!] queryParams: String path: String }
input ConnectHTTP { GET: String POST: String PUT: String PATCH: String DELETE: String body: String headers: [HTTPHeaderMapping!] path: String queryParams: String }
input HTTPHeaderMapping { name: String! from: String value: String }
input ConnectBatch { maxSize: Int }
input ConnectorErrors { message: String extensions: String }
`

// validateSDL loads sdl as GraphQL with the connect directives, then checks every @connect:
// its selection, body and queryParams parse in the selection language (with phase-1 methods
// only), they name only the field's arguments, and the selection's output keys are fields of
// the field's type.
func validateSDL(sdl string) error {
	s, gqlErr := gqlparser.LoadSchema(
		&ast.Source{Name: "connect.graphql", Input: connectDefinitions, BuiltIn: true},
		&ast.Source{Name: "schema.graphql", Input: sdl},
	)
	if gqlErr != nil {
		return gqlErr
	}
	for _, root := range []*ast.Definition{s.Query, s.Mutation} {
		if root == nil {
			continue
		}
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if err := checkConnect(s, f); err != nil {
				return fmt.Errorf("%s.%s: %w", root.Name, f.Name, err)
			}
		}
	}
	return nil
}

var templateExpr = regexp.MustCompile(`\{([^{}]*(\{[^{}]*\})?[^{}]*)\}`)

func checkConnect(s *ast.Schema, f *ast.FieldDefinition) error {
	d := f.Directives.ForName("connect")
	if d == nil {
		return fmt.Errorf("no @connect")
	}
	args := map[string]bool{}
	for _, a := range f.Arguments {
		args[a.Name] = true
	}
	check := func(what, text string) (*selNode, error) {
		n, err := parseSelection(text)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", what, text, err)
		}
		for _, v := range n.args {
			if !args[v] {
				return nil, fmt.Errorf("%s names $args.%s, which is not an argument", what, v)
			}
		}
		return n, nil
	}
	http := d.Arguments.ForName("http")
	if http == nil {
		return fmt.Errorf("no http")
	}
	methods := 0
	for _, c := range http.Value.Children {
		switch c.Name {
		case "GET", "POST", "PUT", "PATCH", "DELETE":
			methods++
			for _, m := range templateExpr.FindAllStringSubmatch(c.Value.Raw, -1) {
				if _, err := check("URL template", m[1]); err != nil {
					return err
				}
			}
		case "queryParams", "body":
			if _, err := check(c.Name, c.Value.Raw); err != nil {
				return err
			}
		case "headers":
			for _, h := range c.Value.Children {
				if v := h.Value.Children.ForName("value"); v != nil {
					for _, m := range templateExpr.FindAllStringSubmatch(v.Raw, -1) {
						if _, err := check("header", m[1]); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	if methods != 1 {
		return fmt.Errorf("want one method in http, have %d", methods)
	}
	sel := d.Arguments.ForName("selection")
	n, err := check("selection", sel.Value.Raw)
	if err != nil {
		return err
	}
	return checkShape(s, s.Types[f.Type.Name()], n, f.Name)
}

// checkShape checks that the output keys of a selection are fields of t.
func checkShape(s *ast.Schema, t *ast.Definition, n *selNode, path string) error {
	if n.pathOnly || t == nil || t.Kind != ast.Object {
		return nil
	}
	for _, it := range n.items {
		fd := t.Fields.ForName(it.name)
		if fd == nil {
			return fmt.Errorf("selection at %s: %s has no field %q", path, t.Name, it.name)
		}
		if it.sub != nil {
			if err := checkShape(s, s.Types[fd.Type.Name()], it.sub, path+"."+it.name); err != nil {
				return err
			}
		} else if k := s.Types[fd.Type.Name()]; k != nil && k.Kind == ast.Object {
			return fmt.Errorf("selection at %s.%s: object field without a subselection", path, it.name)
		}
	}
	return nil
}

// selNode is a parsed selection: its output keys (items) and the $args it reads.
type selNode struct {
	items    []selItem
	pathOnly bool // a single path without alias: "$", "$(true)", "$args.input {…}"
	args     []string
}

type selItem struct {
	name string
	sub  *selNode
}

// phase1Methods are the methods Atrium's selection language supports (CONNECTORS.md §2.2).
var phase1Methods = map[string]bool{"echo": true, "map": true, "match": true, "first": true, "last": true, "get": true,
	"slice": true, "size": true, "joinNotNull": true, "jsonStringify": true, "eq": true, "not": true, "and": true, "or": true, "entries": true}

type selParser struct {
	toks []string
	i    int
	args []string
}

func parseSelection(text string) (*selNode, error) {
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	p := &selParser{toks: toks}
	n, err := p.items(true)
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	n.args = p.args
	return n, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			j := i + 1
			for ; j < len(s) && s[j] != c; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		case c == '-' && i+1 < len(s) && s[i+1] == '>':
			toks = append(toks, "->")
			i += 2
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			toks = append(toks, "$(")
			i += 2
		case isDigit(c) || c == '-' && i+1 < len(s) && isDigit(s[i+1]):
			j := i + 1
			for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case isAlnum(c) || c == '_' || c == '$':
			j := i + 1
			for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case strings.ContainsRune("{}[]():,.@", rune(c)):
			toks = append(toks, string(c))
			i++
		default:
			return nil, fmt.Errorf("unexpected character %q", c)
		}
	}
	return toks, nil
}

func (p *selParser) peek(k int) string {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return ""
}

func (p *selParser) expect(t string) error {
	if p.peek(0) != t {
		return fmt.Errorf("want %q, have %q", t, p.peek(0))
	}
	p.i++
	return nil
}

func isKeyTok(t string) bool {
	return t != "" && (isIdent(t) || t[0] == '"' || t[0] == '\'')
}

// items parses NamedSelection* (top: or one PathSelection) up to "}" or the end.
func (p *selParser) items(top bool) (*selNode, error) {
	n := &selNode{}
	for p.peek(0) != "" && p.peek(0) != "}" {
		t := p.peek(0)
		if isKeyTok(t) && p.peek(1) == ":" {
			name := strings.Trim(t, `"'`)
			p.i += 2
			if p.peek(0) == "{" {
				sub, err := p.block()
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, selItem{name, sub})
				continue
			}
			sub, err := p.path()
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, selItem{name, sub})
			continue
		}
		if isKeyTok(t) && p.peek(1) != "." && p.peek(1) != "->" {
			p.i++
			var sub *selNode
			if p.peek(0) == "{" {
				var err error
				if sub, err = p.block(); err != nil {
					return nil, err
				}
			}
			n.items = append(n.items, selItem{strings.Trim(t, `"'`), sub})
			continue
		}
		if !top || len(n.items) > 0 {
			return nil, fmt.Errorf("a path needs an alias here: %q", t)
		}
		if _, err := p.path(); err != nil {
			return nil, err
		}
		n.pathOnly = true
		if p.peek(0) != "" {
			return nil, fmt.Errorf("unexpected %q after a path selection", p.peek(0))
		}
	}
	return n, nil
}

func (p *selParser) block() (*selNode, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	n, err := p.items(false)
	if err != nil {
		return nil, err
	}
	return n, p.expect("}")
}

// path parses a path with its steps and optional subselection.
func (p *selParser) path() (*selNode, error) {
	t := p.peek(0)
	switch {
	case t == "$(":
		p.i++
		if err := p.lit(); err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
	case t == "$args":
		p.i++
		if p.peek(0) == "." && isKeyTok(p.peek(1)) {
			p.args = append(p.args, p.peek(1))
		}
	case t == "$" || t == "@" || strings.HasPrefix(t, "$") && isIdent(t[1:]):
		p.i++
	case isKeyTok(t):
		p.i++
	default:
		return nil, fmt.Errorf("want a path, have %q", t)
	}
	for {
		switch p.peek(0) {
		case ".":
			p.i++
			if !isKeyTok(p.peek(0)) {
				return nil, fmt.Errorf("want a key after '.', have %q", p.peek(0))
			}
			p.i++
			continue
		case "->":
			p.i++
			m := p.peek(0)
			if !isIdent(m) {
				return nil, fmt.Errorf("want a method name, have %q", m)
			}
			if !phase1Methods[m] {
				return nil, fmt.Errorf("method ->%s is not supported", m)
			}
			p.i++
			if p.peek(0) == "(" {
				p.i++
				for p.peek(0) != ")" {
					if err := p.lit(); err != nil {
						return nil, err
					}
					if p.peek(0) == "," {
						p.i++
					} else if p.peek(0) != ")" {
						return nil, fmt.Errorf("want ',' or ')', have %q", p.peek(0))
					}
				}
				p.i++
			}
			continue
		}
		break
	}
	if p.peek(0) == "{" {
		return p.block()
	}
	return &selNode{pathOnly: true}, nil
}

// lit parses a literal expression (strings, numbers, keywords, arrays, objects, paths).
func (p *selParser) lit() error {
	t := p.peek(0)
	switch {
	case t == "[":
		p.i++
		for p.peek(0) != "]" {
			if p.peek(0) == "" {
				return fmt.Errorf("unterminated array")
			}
			if err := p.lit(); err != nil {
				return err
			}
			if p.peek(0) == "," {
				p.i++
			}
		}
		p.i++
	case t == "{":
		p.i++
		for p.peek(0) != "}" {
			if !isKeyTok(p.peek(0)) || p.peek(1) != ":" {
				return fmt.Errorf("want key: in an object literal, have %q", p.peek(0))
			}
			p.i += 2
			if err := p.lit(); err != nil {
				return err
			}
			if p.peek(0) == "," {
				p.i++
			}
		}
		p.i++
	case t == "true" || t == "false" || t == "null" || t != "" && (t[0] == '"' || t[0] == '\''):
		p.i++
	case t != "" && (isDigit(t[0]) || t[0] == '-'):
		p.i++
	default:
		_, err := p.path()
		return err
	}
	return nil
}
