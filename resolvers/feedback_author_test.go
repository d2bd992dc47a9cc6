package resolvers

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/atrium-gateway/atrium/auth"
)

// TestFeedbackAuthorsAreNamedNeverByEmail: feedback shows its authors to every user, so the
// name comes from the name claims, cut at an '@', and never from the email or the subject.
func TestFeedbackAuthorsAreNamedNeverByEmail(t *testing.T) {
	t.Parallel()
	user := func(claims map[string]any) *caller {
		return &caller{principal: &auth.Principal{Subject: "ada@example.com", ClientID: "atrium-portal", Claims: claims}}
	}
	for _, c := range []struct {
		caller *caller
		want   string
	}{
		{user(map[string]any{"name": "Ada Lovelace", "preferred_username": "ada", "email": "ada@example.com"}), "Ada Lovelace"},
		{user(map[string]any{"preferred_username": "ada", "email": "ada@example.com"}), "ada"},
		{user(map[string]any{"preferred_username": "ada.lovelace@example.com"}), "ada.lovelace"},
		{user(map[string]any{"name": " Ada\u0007 \n"}), "Ada"},
		{user(map[string]any{"email": "ada@example.com"}), "A developer"},
		{&caller{principal: &auth.Principal{Subject: "reports-bot", ClientID: "reports-bot"}}, "reports-bot"},
		{adminCaller, "Administrator"},
	} {
		assert.Equal(t, c.want, c.caller.authorName())
	}
}
