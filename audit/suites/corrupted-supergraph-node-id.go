package suites

import (
	"slices"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// corrupted-supergraph-node-id: both subgraphs resolve the shared Query.node, but each
// knows only its own fields of the other's type and answers id "never" for it, so the gateway
// must not take Node.id from the subgraph that does not own the type.
func init() {
	subgraph.Register("corrupted-supergraph-node-id", func() *subgraph.Suite {
		type account struct{ id, username string }
		type chat struct{ id, accountID, text string }
		accounts := []account{{id: "a1", username: "a1-username"}}
		chats := []chat{{id: "c1", accountID: "a1", text: "c1-text"}}

		findAccount := func(id any) *account {
			for i := range accounts {
				if accounts[i].id == id {
					return &accounts[i]
				}
			}
			return nil
		}
		findChat := func(id any) *chat {
			for i := range chats {
				if chats[i].id == id {
					return &chats[i]
				}
			}
			return nil
		}
		// a's view of an Account, b's of a Chat.
		accountA := func(a *account) map[string]any {
			return map[string]any{"__typename": "Account", "id": a.id, "username": a.username}
		}
		chatB := func(c *chat) map[string]any {
			return map[string]any{"__typename": "Chat", "id": c.id, "text": c.text}
		}
		chatIDs := func(accountID string) []any {
			out := []any{}
			for _, c := range chats {
				if c.accountID == accountID {
					out = append(out, c.id)
				}
			}
			return out
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"node": func(_, args map[string]any) (any, error) {
						if acc := findAccount(args["id"]); acc != nil {
							return accountA(acc), nil
						}
						if c := findChat(args["id"]); c != nil {
							return map[string]any{"__typename": "Chat", "id": "never", "accountId": c.accountID}, nil
						}
						return nil, nil
					},
					"account": func(_, args map[string]any) (any, error) {
						if acc := findAccount(args["id"]); acc != nil {
							return accountA(acc), nil
						}
						return nil, nil
					},
				},
				"Chat": {
					"account": func(parent, _ map[string]any) (any, error) {
						if acc := findAccount(parent["accountId"]); acc != nil {
							return accountA(acc), nil
						}
						return nil, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Account": func(rep map[string]any) (any, error) {
					if acc := findAccount(rep["id"]); acc != nil {
						return accountA(acc), nil
					}
					return nil, nil
				},
				"Chat": func(rep map[string]any) (any, error) {
					if c := findChat(rep["id"]); c != nil {
						return map[string]any{"__typename": "Chat", "id": c.id, "accountId": c.accountID}, nil
					}
					return nil, nil
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"node": func(_, args map[string]any) (any, error) {
						if acc := findAccount(args["id"]); acc != nil {
							return map[string]any{"__typename": "Account", "id": "never", "chatIds": chatIDs(acc.id)}, nil
						}
						if c := findChat(args["id"]); c != nil {
							return chatB(c), nil
						}
						return nil, nil
					},
					"chat": func(_, args map[string]any) (any, error) {
						if c := findChat(args["id"]); c != nil {
							return chatB(c), nil
						}
						return nil, nil
					},
				},
				"Account": {
					"chats": func(parent, _ map[string]any) (any, error) {
						ids, _ := parent["chatIds"].([]any)
						out := []any{}
						for i := range chats {
							if slices.Contains(ids, any(chats[i].id)) {
								out = append(out, chatB(&chats[i]))
							}
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Account": func(rep map[string]any) (any, error) {
					if acc := findAccount(rep["id"]); acc != nil {
						return map[string]any{"__typename": "Account", "id": acc.id, "chatIds": chatIDs(acc.id)}, nil
					}
					return nil, nil
				},
				"Chat": func(rep map[string]any) (any, error) {
					if c := findChat(rep["id"]); c != nil {
						return chatB(c), nil
					}
					return nil, nil
				},
			},
		}
		return &subgraph.Suite{Name: "corrupted-supergraph-node-id", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
