package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

type nullKeysBook struct {
	id, upc              string
	authorID, authorName string
}

var nullKeysBooks = []nullKeysBook{
	{id: "1", upc: "b1", authorID: "a1", authorName: "Alice"},
	{id: "2", upc: "b2", authorID: "a2", authorName: "Bob"},
	{id: "3", upc: "b3", authorID: "a3", authorName: "Jack"},
}

var errNullKeysInvalidReference = errors.New("Invalid reference")

// nullKeysFind looks a book up by whichever keys the representation carries; upc wins when
// both are present (it is checked last).
func nullKeysFind(rep map[string]any) (nullKeysBook, bool) {
	var (
		book  nullKeysBook
		found bool
	)
	match := func(field string, of func(nullKeysBook) string) {
		v, present := rep[field]
		if !present {
			return
		}
		want, _ := v.(string)
		book, found = nullKeysBook{}, false
		for _, b := range nullKeysBooks {
			if v != nil && of(b) == want {
				book, found = b, true
				return
			}
		}
	}
	match("id", func(b nullKeysBook) string { return b.id })
	match("upc", func(b nullKeysBook) string { return b.upc })
	return book, found
}

func init() {
	subgraph.Register("null-keys", func() *subgraph.Suite {
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"bookContainers": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, len(nullKeysBooks))
						for i, b := range nullKeysBooks {
							out[i] = map[string]any{"book": map[string]any{"upc": b.upc}}
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Book": func(rep map[string]any) (any, error) {
					upc, ok := rep["upc"].(string)
					if ok {
						for _, b := range nullKeysBooks {
							if b.upc == upc {
								return map[string]any{"__typename": "Book", "upc": b.upc}, nil
							}
						}
					}
					return nil, errNullKeysInvalidReference
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Entities: map[string]func(map[string]any) (any, error){
				"Book": func(rep map[string]any) (any, error) {
					book, ok := nullKeysFind(rep)
					if !ok {
						return nil, errNullKeysInvalidReference
					}
					// b knows only books 1 and 2: book 3 has no id to reach c with.
					if book.id == "3" {
						return nil, nil
					}
					return map[string]any{"__typename": "Book", "id": book.id, "upc": book.upc}, nil
				},
			},
		}
		c := &subgraph.Subgraph{
			Name: "c",
			Entities: map[string]func(map[string]any) (any, error){
				"Book": func(rep map[string]any) (any, error) {
					book, ok := nullKeysFind(rep)
					if !ok {
						return nil, errNullKeysInvalidReference
					}
					return map[string]any{
						"__typename": "Book",
						"id":         book.id,
						"author":     map[string]any{"__typename": "Author", "id": book.authorID, "name": book.authorName},
					}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "null-keys", Subgraphs: []*subgraph.Subgraph{a, b, c}}
	})
}
