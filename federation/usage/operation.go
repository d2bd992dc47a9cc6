package usage

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// operation picks the operation to describe: the one named, or the only one when name is "".
func operation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, error) {
	if doc == nil {
		return nil, fmt.Errorf("usage: no document")
	}
	if name == "" {
		switch len(doc.Operations) {
		case 0:
			return nil, fmt.Errorf("usage: the document has no operation")
		case 1:
			return doc.Operations[0], nil
		}
		return nil, fmt.Errorf("usage: the document has %d operations: name the one to describe", len(doc.Operations))
	}
	for _, op := range doc.Operations {
		if op != nil && op.Name == name {
			return op, nil
		}
	}
	return nil, fmt.Errorf("usage: operation %q is not in the document", name)
}

// at formats a position for errors: " (line:col)", or "" when unknown.
func at(p *ast.Position) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf(" (%d:%d)", p.Line, p.Column)
}
