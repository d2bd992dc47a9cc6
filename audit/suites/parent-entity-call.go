package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

type parentEntityCallProduct struct {
	id, pid, categoryID string
}

type parentEntityCallCategory struct {
	id, name string
	products int
}

var parentEntityCallProducts = []parentEntityCallProduct{
	{id: "p1", pid: "p1-pid", categoryID: "c1"},
	{id: "p2", pid: "p2-pid", categoryID: "c2"},
	{id: "p3", pid: "p3-pid", categoryID: "c1"},
}

// parentEntityCallCategories counts each category's products, like the audit's data module.
var parentEntityCallCategories = func() []parentEntityCallCategory {
	cats := []parentEntityCallCategory{{id: "c1", name: "c1-name"}, {id: "c2", name: "c2-name"}}
	for i := range cats {
		for _, p := range parentEntityCallProducts {
			if p.categoryID == cats[i].id {
				cats[i].products++
			}
		}
	}
	return cats
}()

func (p parentEntityCallProduct) object() map[string]any {
	return map[string]any{"id": p.id, "pid": p.pid, "categoryId": p.categoryID}
}

// parentEntityCallProductEntity matches id, and pid when the representation has one (always
// for b and c, whose only key is "id pid").
func parentEntityCallProductEntity(pidOptional bool) func(map[string]any) (any, error) {
	return func(rep map[string]any) (any, error) {
		id, _ := rep["id"].(string)
		pidValue, hasPid := rep["pid"]
		pid, _ := pidValue.(string)
		for _, p := range parentEntityCallProducts {
			if p.id != id {
				continue
			}
			if (pidOptional && !hasPid) || (pidValue != nil && p.pid == pid) {
				return p.object(), nil
			}
		}
		return nil, nil
	}
}

func parentEntityCallFindCategory(id any) (parentEntityCallCategory, bool) {
	s, _ := id.(string)
	for _, c := range parentEntityCallCategories {
		if c.id == s {
			return c, true
		}
	}
	return parentEntityCallCategory{}, false
}

// parentEntityCallCategoryField resolves Product.category to {id, name} (subgraphs a and b).
func parentEntityCallCategoryField(parent map[string]any, _ map[string]any) (any, error) {
	c, ok := parentEntityCallFindCategory(parent["categoryId"])
	if !ok {
		return nil, nil
	}
	return map[string]any{"id": c.id, "name": c.name}, nil
}

func parentEntityCallCategoryEntity(rep map[string]any) (any, error) {
	c, ok := parentEntityCallFindCategory(rep["id"])
	if !ok {
		return nil, nil
	}
	return map[string]any{"id": c.id, "name": c.name}, nil
}

func init() {
	subgraph.Register("parent-entity-call", func() *subgraph.Suite {
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"products": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, len(parentEntityCallProducts))
						for i, p := range parentEntityCallProducts {
							out[i] = p.object()
						}
						return out, nil
					},
				},
				"Product": {"category": parentEntityCallCategoryField},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product":  parentEntityCallProductEntity(true),
				"Category": parentEntityCallCategoryEntity,
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Product": {"category": parentEntityCallCategoryField},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product":  parentEntityCallProductEntity(false),
				"Category": parentEntityCallCategoryEntity,
			},
		}
		c := &subgraph.Subgraph{
			Name: "c",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Product": {
					// c's Category is a value type: only its details, no id.
					"category": func(parent map[string]any, _ map[string]any) (any, error) {
						cat, ok := parentEntityCallFindCategory(parent["categoryId"])
						if !ok {
							return nil, nil
						}
						return map[string]any{"details": map[string]any{"products": cat.products}}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": parentEntityCallProductEntity(false),
			},
		}
		return &subgraph.Suite{Name: "parent-entity-call", Subgraphs: []*subgraph.Subgraph{a, b, c}}
	})
}
