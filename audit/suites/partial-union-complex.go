package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

const partialUnionComplexContainer = "container-1"

func partialUnionComplexCommon() map[string]any {
	return map[string]any{"__typename": "Common", "label": "common label"}
}

func partialUnionComplexActionsA() []any {
	return []any{partialUnionComplexCommon(), map[string]any{"__typename": "OnlyA", "a": "only a"}}
}

func partialUnionComplexActionsB() []any {
	return []any{partialUnionComplexCommon(), map[string]any{"__typename": "OnlyB", "b": "only b"}}
}

func partialUnionComplexShared() []any {
	return []any{partialUnionComplexCommon()}
}

// partialUnionComplexSubgraph builds a or b: both answer Container with their own union
// members, and Container.wrapper wraps whichever actions the parent carries.
func partialUnionComplexSubgraph(name, root string, own func() []any) *subgraph.Subgraph {
	container := func(actions []any) map[string]any {
		return map[string]any{"id": partialUnionComplexContainer, "actions": actions}
	}
	return &subgraph.Subgraph{
		Name: name,
		Resolvers: map[string]map[string]subgraph.Resolver{
			"Query": {
				root: func(map[string]any, map[string]any) (any, error) {
					return container(own()), nil
				},
				"shared": func(map[string]any, map[string]any) (any, error) {
					return container(partialUnionComplexShared()), nil
				},
			},
			"Container": {
				"wrapper": func(parent map[string]any, _ map[string]any) (any, error) {
					actions, ok := parent["actions"].([]any)
					if !ok {
						actions = own()
					}
					return map[string]any{"actions": actions}, nil
				},
			},
		},
		Entities: map[string]func(map[string]any) (any, error){
			"Container": func(rep map[string]any) (any, error) {
				if id, _ := rep["id"].(string); id != partialUnionComplexContainer {
					return nil, nil
				}
				return container(own()), nil
			},
		},
	}
}

func init() {
	subgraph.Register("partial-union-complex", func() *subgraph.Suite {
		a := partialUnionComplexSubgraph("a", "rootA", partialUnionComplexActionsA)
		b := partialUnionComplexSubgraph("b", "rootB", partialUnionComplexActionsB)
		b.Resolvers["Container"]["bWrapper"] = func(map[string]any, map[string]any) (any, error) {
			return map[string]any{"actions": partialUnionComplexActionsB()}, nil
		}
		return &subgraph.Suite{Name: "partial-union-complex", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
