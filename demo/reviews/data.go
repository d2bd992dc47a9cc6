package reviews

import "github.com/atrium-gateway/atrium/demo/reviews/graph/model"

// review is one row of the reviews table.
type review struct {
	id, body, authorID, upc string
}

var reviews = []review{
	{id: "r1", body: "Love it!", authorID: "u1", upc: "1"},
	{id: "r2", body: "Too expensive.", authorID: "u1", upc: "2"},
	{id: "r3", body: "Could be better.", authorID: "u2", upc: "3"},
	{id: "r4", body: "Prefer something else.", authorID: "u2", upc: "1"},
	{id: "r5", body: "Sturdy and cheap.", authorID: "u3", upc: "4"},
	{id: "r6", body: "Great picture.", authorID: "u3", upc: "5"},
	{id: "r7", body: "Too bright at night.", authorID: "u4", upc: "6"},
	{id: "r8", body: "Summer is saved.", authorID: "u5", upc: "7"},
	{id: "r9", body: "Keeps the beer cold.", authorID: "u6", upc: "8"},
	{id: "r10", body: "Wobbles a bit.", authorID: "u1", upc: "1"},
}

// usernames are the authors' usernames, the same as in the accounts subgraph: this is what
// makes `Review.author @provides(fields: "username")` true.
var usernames = map[string]string{
	"u1": "ada",
	"u2": "alan",
	"u3": "grace",
	"u4": "edsger",
	"u5": "barbara",
	"u6": "ken",
}

// reviewsWhere returns fresh models of the reviews matching keep, in table order.
func reviewsWhere(keep func(review) bool) []*model.Review {
	out := []*model.Review{}
	for _, r := range reviews {
		if keep(r) {
			out = append(out, r.model())
		}
	}
	return out
}

// model returns the review with its author (id and provided username) and product (upc).
func (r review) model() *model.Review {
	author := &model.User{ID: r.authorID}
	if name, ok := usernames[r.authorID]; ok {
		author.Username = &name
	}
	return &model.Review{ID: r.id, Body: r.body, Author: author, Product: &model.Product{Upc: r.upc}}
}
