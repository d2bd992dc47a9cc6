package resolvers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/executor/introspect"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/graph"
	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
)

// The developer portal's fields (schema/portal.graphqls).

func (r *Resolver) APISchema() graph.APISchemaResolver { return apiSchemas{r} }

func (q queries) APISchema(ctx context.Context) (*registry.Current, error) {
	c, err := q.Registry.Current(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // nothing published yet
	}
	return c, err
}

func (q queries) FieldUsage(ctx context.Context, coordinates []string, windowHours *int) ([]*store.CoordinateUsage, error) {
	hours, most := int(registry.DefaultCheckWindow/time.Hour), int(registry.MaxCheckWindow/time.Hour) // usage is kept that long
	if windowHours != nil {
		hours = *windowHours
	}
	if hours < 1 || hours > most {
		return nil, &store.ValidationError{Field: "windowHours", Message: fmt.Sprintf("must be between 1 and %d hours", most)}
	}
	uses, err := q.Registry.Store().UsageByClient(ctx, time.Now().Add(-time.Duration(hours)*time.Hour), coordinates)
	return pointers(uses), err
}

type apiSchemas struct{ *Resolver }

func (apiSchemas) Version(_ context.Context, c *registry.Current) (int, error) {
	return int(c.Version.ID), nil
}

func (apiSchemas) Sdl(_ context.Context, c *registry.Current) (string, error) {
	return c.Supergraph.APISDL(), nil
}

func (apiSchemas) Types(_ context.Context, c *registry.Current) ([]*model.TypeDoc, error) {
	return typeDocs(c.Supergraph), nil
}

// typeDocs describes every named type of the API schema, sorted by name.
func typeDocs(sg *federation.Supergraph) []*model.TypeDoc {
	names := make([]string, 0, len(sg.API.Types))
	for name, def := range sg.API.Types {
		if !def.BuiltIn && !strings.HasPrefix(name, "__") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	out := make([]*model.TypeDoc, len(names))
	for i, name := range names {
		def := sg.API.Types[name]
		doc := &model.TypeDoc{
			Name: name, Kind: model.TypeKind(def.Kind), Description: optional(def.Description),
			Fields: []*model.FieldDoc{}, EnumValues: []*model.EnumValueDoc{}, PossibleTypes: []string{},
			Interfaces: append([]string{}, def.Interfaces...),
		}
		for _, f := range def.Fields {
			if !strings.HasPrefix(f.Name, "__") { // __schema, __type and __typename
				doc.Fields = append(doc.Fields, fieldDoc(sg, def, f))
			}
		}
		for _, v := range def.EnumValues {
			reason, deprecated := introspect.Deprecation(v.Directives)
			doc.EnumValues = append(doc.EnumValues, &model.EnumValueDoc{
				Name: v.Name, Description: optional(v.Description), Deprecated: deprecated, DeprecationReason: optional(reason),
			})
		}
		if def.IsAbstractType() {
			for _, p := range sg.API.GetPossibleTypes(def) {
				doc.PossibleTypes = append(doc.PossibleTypes, p.Name)
			}
			slices.Sort(doc.PossibleTypes)
		}
		out[i] = doc
	}
	return out
}

func fieldDoc(sg *federation.Supergraph, parent *ast.Definition, f *ast.FieldDefinition) *model.FieldDoc {
	reason, deprecated := introspect.Deprecation(f.Directives)
	doc := &model.FieldDoc{
		Name: f.Name, Description: optional(f.Description), Type: f.Type.String(),
		Args: []*model.ArgDoc{}, Deprecated: deprecated, DeprecationReason: optional(reason),
		Subgraphs: []string{},
	}
	for _, a := range f.Arguments {
		doc.Args = append(doc.Args, &model.ArgDoc{
			Name: a.Name, Description: optional(a.Description), Type: a.Type.String(), DefaultValue: literal(a.DefaultValue),
		})
	}
	if parent.Kind == ast.InputObject {
		doc.DefaultValue = literal(f.DefaultValue)
		return doc
	}
	if jf := sg.Field(parent.Name, f.Name); jf != nil {
		for _, sub := range sg.Subgraphs {
			if jf.Resolvable(sub.ID) {
				doc.Subgraphs = append(doc.Subgraphs, sub.Name)
			}
		}
		slices.Sort(doc.Subgraphs)
	}
	return doc
}

// literal prints a default value as a GraphQL literal; nil when there is none.
func literal(v *ast.Value) *string {
	if v == nil {
		return nil
	}
	s := v.String()
	return &s
}

// optional turns GraphQL's "no description" (gqlparser's "") into null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
