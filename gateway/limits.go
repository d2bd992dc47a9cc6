package gateway

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
)

// Limits bound the size of the operations the gateway accepts (0: no limit). They are
// checked after parsing and validation, before planning, in one walk of the operation in
// which each fragment is measured once however often it is spread, so a fragment bomb
// costs its size, not its expansion.
type Limits struct {
	// MaxDepth: fields nested in fields.
	MaxDepth int
	// MaxAliases: aliased fields, counting a fragment's at each spread.
	MaxAliases int
	// MaxRootFields: fields at the operation's top level, fragments included.
	MaxRootFields int
	// MaxDirectives: directives used in the operation, fragments included.
	MaxDirectives int
	// MaxTokens: GraphQL tokens in the request's document.
	MaxTokens int
}

func (l Limits) any() bool {
	return l.MaxDepth > 0 || l.MaxAliases > 0 || l.MaxRootFields > 0 || l.MaxDirectives > 0 || l.MaxTokens > 0
}

// operationLimits is the gqlgen extension enforcing Limits.
type operationLimits struct{ Limits }

var _ graphql.OperationContextMutator = operationLimits{}

func (operationLimits) ExtensionName() string                   { return "OperationLimits" }
func (operationLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (l operationLimits) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if l.MaxTokens > 0 {
		if n := countTokens(rc.RawQuery, l.MaxTokens); n > l.MaxTokens {
			return limitError("MAX_TOKENS_EXCEEDED", "the document has more than %d tokens", "maxTokens", l.MaxTokens, n)
		}
	}
	var m measurer // its maps are made at the first fragment spread: most operations have none
	s := m.selectionSet(rc.Operation.SelectionSet)
	roots := m.rootFields(rc.Operation.SelectionSet)
	s.directives += len(rc.Operation.Directives)
	switch {
	case l.MaxDepth > 0 && s.depth > l.MaxDepth:
		return limitError("MAX_DEPTH_EXCEEDED", "the operation is nested too deeply (more than %d levels)", "maxDepth", l.MaxDepth, s.depth)
	case l.MaxAliases > 0 && s.aliases > l.MaxAliases:
		return limitError("MAX_ALIASES_EXCEEDED", "the operation has more than %d aliases", "maxAliases", l.MaxAliases, s.aliases)
	case l.MaxRootFields > 0 && roots > l.MaxRootFields:
		return limitError("MAX_ROOT_FIELDS_EXCEEDED", "the operation asks for more than %d top-level fields", "maxRootFields", l.MaxRootFields, roots)
	case l.MaxDirectives > 0 && s.directives > l.MaxDirectives:
		return limitError("MAX_DIRECTIVES_EXCEEDED", "the operation uses more than %d directives", "maxDirectives", l.MaxDirectives, s.directives)
	}
	return nil
}

func limitError(code, format, limitName string, limit, actual int) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, limit), Extensions: map[string]any{"code": code, limitName: limit, "actual": actual}}
}

// countTokens counts the document's tokens, stopping past limit.
func countTokens(doc string, limit int) int {
	lx := lexer.New(&ast.Source{Input: doc})
	n := 0
	for n <= limit {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			break
		}
		n++
	}
	return n
}

// size is what the limits measure of a selection set.
type size struct {
	depth, aliases, directives int
}

// measurer measures selection sets, each fragment once.
type measurer struct {
	fragments map[string]*size // nil value: being measured (a cycle, which validation refuses)
	roots     map[string]int   // root fields by fragment
}

// saturating addition: counts of a fragment spread many times stay finite.
func add(a, b int) int {
	if s := a + b; s >= a && s >= 0 {
		return s
	}
	return int(^uint(0) >> 1)
}

func (m *measurer) selectionSet(set ast.SelectionSet) size {
	var out size
	for _, sel := range set {
		var s size
		switch sel := sel.(type) {
		case *ast.Field:
			s = m.selectionSet(sel.SelectionSet)
			s.depth++
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases = add(s.aliases, 1)
			}
			s.directives = add(s.directives, len(sel.Directives))
		case *ast.InlineFragment:
			s = m.selectionSet(sel.SelectionSet)
			s.directives = add(s.directives, len(sel.Directives))
		case *ast.FragmentSpread:
			s = m.fragment(sel)
			s.directives = add(s.directives, len(sel.Directives))
		}
		out.depth = max(out.depth, s.depth)
		out.aliases = add(out.aliases, s.aliases)
		out.directives = add(out.directives, s.directives)
	}
	return out
}

func (m *measurer) fragment(spread *ast.FragmentSpread) size {
	if spread.Definition == nil {
		return size{}
	}
	if s, seen := m.fragments[spread.Name]; seen {
		if s == nil {
			return size{} // a cycle
		}
		return *s
	}
	if m.fragments == nil {
		m.fragments = map[string]*size{}
	}
	m.fragments[spread.Name] = nil
	s := m.selectionSet(spread.Definition.SelectionSet)
	s.directives = add(s.directives, len(spread.Definition.Directives))
	m.fragments[spread.Name] = &s
	return s
}

// rootFields counts the operation's top-level fields, through fragments, each fragment
// counted once and then reused.
func (m *measurer) rootFields(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			n = add(n, 1)
		case *ast.InlineFragment:
			n = add(n, m.rootFields(sel.SelectionSet))
		case *ast.FragmentSpread:
			if sel.Definition == nil {
				continue
			}
			if m.roots == nil {
				m.roots = map[string]int{}
			}
			c, seen := m.roots[sel.Name]
			if !seen {
				m.roots[sel.Name] = 0 // a cycle counts nothing (validation refuses cycles)
				c = m.rootFields(sel.Definition.SelectionSet)
				m.roots[sel.Name] = c
			}
			n = add(n, c)
		}
	}
	return n
}
