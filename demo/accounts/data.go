package accounts

import "github.com/atrium-gateway/atrium/demo/accounts/graph/model"

// meID is the id of the signed-in user returned by Query.me.
const meID = "u1"

// brokenNameID is the user whose name resolver always fails.
const brokenNameID = "u6"

// user is one row of the accounts table. Birthdays are YYYYMMDD.
type user struct {
	id, name, username string
	birthday           int
}

var users = []user{
	{id: "u1", name: "Ada Lovelace", username: "ada", birthday: 18151210},
	{id: "u2", name: "Alan Turing", username: "alan", birthday: 19120623},
	{id: "u3", name: "Grace Hopper", username: "grace", birthday: 19061209},
	{id: "u4", name: "Edsger Dijkstra", username: "edsger", birthday: 19300511},
	{id: "u5", name: "Barbara Liskov", username: "barbara", birthday: 19391107},
	{id: "u6", name: "Ken Thompson", username: "ken", birthday: 19430204},
}

// findUser returns a fresh model of the user with the given id, or nil.
func findUser(id string) *model.User {
	for _, u := range users {
		if u.id == id {
			return u.model()
		}
	}
	return nil
}

func (u user) model() *model.User {
	return &model.User{ID: u.id, Name: &u.name, Username: &u.username, Birthday: &u.birthday}
}
