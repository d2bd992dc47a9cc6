package transport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/atrium-gateway/atrium/server/transport"
)

const testSDL = `
type Query {
	echo(s: String): String
	"Fails with a field error; being non-null, it nulls the whole data."
	boom: String!
	"Fails in Exec before any data exists."
	reject: String
}

type Mutation {
	touch: Boolean
}
`

// echoSchema is a hand-written graphql.ExecutableSchema, small enough to read
// and real enough to drive gqlgen's executor: it resolves root fields only.
// It writes data with a space after each colon, so a test can tell that the
// transport passed the bytes through instead of encoding them again.
type echoSchema struct {
	schema *ast.Schema
}

var _ graphql.ExecutableSchema = (*echoSchema)(nil)

func newEchoSchema() *echoSchema {
	return &echoSchema{schema: gqlparser.MustLoadSchema(&ast.Source{Name: "test.graphql", Input: testSDL})}
}

func (s *echoSchema) Schema() *ast.Schema { return s.schema }

func (s *echoSchema) Complexity(context.Context, string, string, int, map[string]any) (int, bool) {
	return 0, false
}

func (s *echoSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	opCtx := graphql.GetOperationContext(ctx)
	root := "Query"
	if opCtx.Operation.Operation == ast.Mutation {
		root = "Mutation"
	}

	var (
		data   bytes.Buffer
		errs   gqlerror.List
		nulled bool
	)
	data.WriteByte('{')
	for i, sel := range opCtx.Operation.SelectionSet {
		field := sel.(*ast.Field)
		if i > 0 {
			data.WriteString(", ")
		}
		data.WriteString(quote(field.Alias) + ": ")
		args := field.ArgumentMap(opCtx.Variables)
		switch field.Name {
		case "__typename":
			data.WriteString(quote(root))
		case "echo":
			b, _ := json.Marshal(args["s"])
			data.Write(b)
		case "__type":
			name, _ := args["name"].(string)
			if s.schema.Types[name] == nil {
				data.WriteString("null")
			} else {
				data.WriteString(`{"name": ` + quote(name) + `}`)
			}
		case "boom":
			errs = append(errs, &gqlerror.Error{Message: "boom failed", Path: ast.Path{ast.PathName(field.Alias)}})
			nulled = true
		case "reject":
			graphql.AddError(ctx, gqlerror.Errorf("reject refused to run"))
			data.WriteString("null")
		case "touch":
			data.WriteString("true")
		}
	}
	data.WriteByte('}')
	if nulled {
		return graphql.OneShot(&graphql.Response{Data: json.RawMessage("null"), Errors: errs})
	}
	return graphql.OneShot(&graphql.Response{Data: data.Bytes(), Errors: errs})
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// newTestServer is the handler every test talks to: gqlgen's server with the
// HTTP transport as its only transport.
func newTestServer(maxBodyBytes int64) http.Handler {
	srv := handler.New(newEchoSchema())
	srv.AddTransport(transport.HTTP{MaxBodyBytes: maxBodyBytes})
	return srv
}
