package resolvers_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// TestChangelogListsVersionsThatChangedTheAPI: a URL-only publish changes nothing for
// clients, so it is not in the changelog; paging goes by version.
func TestChangelogListsVersionsThatChangedTheAPI(t *testing.T) {
	t.Parallel()
	c, _ := serve(t, storetest.SQLite(t))
	sdl := func(fields string) string {
		return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
			type Query { ` + fields + ` }`
	}
	for i, step := range []struct{ url, fields, message string }{
		{"http://a:1/graphql", "a: Int", "first"},
		{"http://a:2/graphql", "a: Int", "move"},
		{"http://a:2/graphql", "a: Int b: String", "add b"},
		{"http://a:2/graphql", "b: String", "drop a"},
	} {
		res, err := c.Publish(t.Context(), "a", step.url, sdl(step.fields), "", step.message)
		require.NoError(t, err, i)
		require.True(t, res.Published, i)
	}
	type entry struct {
		Version int
		Message string
		Changes []struct{ Severity, Coordinate string }
	}
	var got struct{ Changelog []entry }
	require.NoError(t, c.Do(t.Context(), `{ changelog { version message changes { severity coordinate } } }`, nil, &got))
	require.Len(t, got.Changelog, 3, "the URL move is not a change of the API")
	assert.Equal(t, []int{4, 3, 1}, []int{got.Changelog[0].Version, got.Changelog[1].Version, got.Changelog[2].Version})
	assert.Equal(t, "drop a", got.Changelog[0].Message)
	assert.Equal(t, []struct{ Severity, Coordinate string }{{"BREAKING", "Query.a"}}, got.Changelog[0].Changes)

	require.NoError(t, c.Do(t.Context(), `{ changelog(first: 1, before: 4) { version message changes { severity coordinate } } }`, nil, &got))
	require.Len(t, got.Changelog, 1)
	assert.Equal(t, 3, got.Changelog[0].Version)

	for _, first := range []int{0, -1, 101} {
		_, errs := post(t, c, `query($n: Int) { changelog(first: $n) { version } }`, map[string]any{"n": first})
		require.Len(t, errs, 1, fmt.Sprint(first))
		assert.Equal(t, "BAD_USER_INPUT", errs[0].Extensions.Code)
	}
}
