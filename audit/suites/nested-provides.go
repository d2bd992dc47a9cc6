package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// nestedProvidesPunish mirrors the audit's PUNISH_FOR_POOR_PLANS default ("1"): resolvers
// that a good plan never needs fail.
const nestedProvidesPunish = true

var errNestedProvidesPoorPlan = errors.New("You should be using the categories subgraph!")

type nestedProvidesCategory struct {
	id, name      string
	subCategories []string
}

var nestedProvidesProducts = []struct {
	id         string
	categories []string
}{
	{id: "p1", categories: []string{"c1", "c2"}},
	{id: "p2", categories: []string{"c3", "c2"}},
}

var nestedProvidesCategories = []nestedProvidesCategory{
	{id: "c1", name: "Category 1", subCategories: []string{"c2"}},
	{id: "c2", name: "Category 2", subCategories: []string{"c3"}},
	{id: "c3", name: "Category 3", subCategories: []string{"c1"}},
}

func nestedProvidesFindCategory(id string) (nestedProvidesCategory, bool) {
	for _, c := range nestedProvidesCategories {
		if c.id == id {
			return c, true
		}
	}
	return nestedProvidesCategory{}, false
}

func nestedProvidesFindProduct(rep map[string]any) (string, []string, bool) {
	id, _ := rep["id"].(string)
	for _, p := range nestedProvidesProducts {
		if p.id == id {
			return p.id, p.categories, true
		}
	}
	return "", nil, false
}

// nestedProvidesLinks maps category ids to {id, subCategories: ids}, as the subcategories
// subgraph returns them (no name).
func nestedProvidesLinks(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		if c, ok := nestedProvidesFindCategory(id); ok {
			out[i] = map[string]any{"id": c.id, "subCategories": c.subCategories}
		}
	}
	return out
}

func init() {
	subgraph.Register("nested-provides", func() *subgraph.Suite {
		allProducts := &subgraph.Subgraph{
			Name: "all-products",
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					if nestedProvidesPunish {
						return nil, errNestedProvidesPoorPlan
					}
					id, _, ok := nestedProvidesFindProduct(rep)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": id}, nil
				},
			},
		}

		category := &subgraph.Subgraph{
			Name: "category",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"products": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, len(nestedProvidesProducts))
						for i, p := range nestedProvidesProducts {
							cats := make([]any, len(p.categories))
							for j, catID := range p.categories {
								cat, ok := nestedProvidesFindCategory(catID)
								if !ok {
									continue
								}
								subs := make([]any, len(cat.subCategories))
								for k, subID := range cat.subCategories {
									if sub, ok := nestedProvidesFindCategory(subID); ok {
										subs[k] = map[string]any{"id": sub.id, "name": sub.name}
									}
								}
								cats[j] = map[string]any{"id": cat.id, "name": cat.name, "subCategories": subs}
							}
							out[i] = map[string]any{"id": p.id, "categories": cats}
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					if nestedProvidesPunish {
						return nil, errNestedProvidesPoorPlan
					}
					id, _, ok := nestedProvidesFindProduct(rep)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": id}, nil
				},
				"Category": func(rep map[string]any) (any, error) {
					if nestedProvidesPunish {
						return nil, errNestedProvidesPoorPlan
					}
					id, _ := rep["id"].(string)
					cat, ok := nestedProvidesFindCategory(id)
					if !ok {
						return nil, nil
					}
					// The name is deliberately not resolved here: only Query.products provides it.
					return map[string]any{"id": cat.id}, nil
				},
			},
		}

		subcategories := &subgraph.Subgraph{
			Name: "subcategories",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Product": {
					"categories": func(parent map[string]any, _ map[string]any) (any, error) {
						if nestedProvidesPunish {
							return nil, errNestedProvidesPoorPlan
						}
						ids, _ := parent["categories"].([]string)
						return nestedProvidesLinks(ids), nil
					},
				},
				"Category": {
					"subCategories": func(parent map[string]any, _ map[string]any) (any, error) {
						ids, _ := parent["subCategories"].([]string)
						return nestedProvidesLinks(ids), nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					if nestedProvidesPunish {
						return nil, errNestedProvidesPoorPlan
					}
					id, cats, ok := nestedProvidesFindProduct(rep)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": id, "categories": cats}, nil
				},
				"Category": func(rep map[string]any) (any, error) {
					id, _ := rep["id"].(string)
					cat, ok := nestedProvidesFindCategory(id)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": cat.id, "subCategories": cat.subCategories}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "nested-provides", Subgraphs: []*subgraph.Subgraph{allProducts, category, subcategories}}
	})
}
