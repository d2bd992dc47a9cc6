package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func TestBadInputIsRejectedWithTheField(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		withName := func(name string) store.Upsert { u := subgraph("users"); u.Name = name; return u }
		withURL := func(url string) store.Upsert { u := subgraph("users"); u.URL = url; return u }
		withSDL := func(sdl string) store.Upsert { u := subgraph("users"); u.SDL = sdl; return u }

		for _, tc := range []struct {
			name  string
			req   store.PublishRequest
			field string
		}{
			{"name starts with a digit", store.PublishRequest{Change: withName("1users"), SDL: "x"}, "change.name"},
			{"name has a dot", store.PublishRequest{Change: withName("us.ers"), SDL: "x"}, "change.name"},
			{"name is empty", store.PublishRequest{Change: withName(""), SDL: "x"}, "change.name"},
			{"name is 65 characters", store.PublishRequest{Change: withName("a" + strings.Repeat("b", 64)), SDL: "x"}, "change.name"},
			{"delete of a bad name", store.PublishRequest{Change: store.Delete{Name: "drop table"}, SDL: "x"}, "change.name"},
			{"relative URL", store.PublishRequest{Change: withURL("/graphql"), SDL: "x"}, "change.url"},
			{"ftp URL", store.PublishRequest{Change: withURL("ftp://users/graphql"), SDL: "x"}, "change.url"},
			{"URL without host", store.PublishRequest{Change: withURL("http:///graphql"), SDL: "x"}, "change.url"},
			{"URL with credentials", store.PublishRequest{Change: withURL("https://u:p@users/graphql"), SDL: "x"}, "change.url"},
			{"URL that does not parse", store.PublishRequest{Change: withURL("http://[::1/graphql"), SDL: "x"}, "change.url"},
			{"empty subgraph SDL", store.PublishRequest{Change: withSDL(" \n\t"), SDL: "x"}, "change.sdl"},
			{"NUL in subgraph SDL", store.PublishRequest{Change: withSDL("type Query { a: Int }\x00"), SDL: "x"}, "change.sdl"},
			{"invalid UTF-8 in subgraph SDL", store.PublishRequest{Change: withSDL("type Query { a: Int } \xff"), SDL: "x"}, "change.sdl"},
			{"huge subgraph SDL", store.PublishRequest{Change: withSDL(strings.Repeat("a", store.MaxSubgraphSDLBytes+1)), SDL: "x"}, "change.sdl"},
			{"empty supergraph SDL", store.PublishRequest{Change: subgraph("users")}, "sdl"},
			{"diff that is not JSON", store.PublishRequest{Change: subgraph("users"), SDL: "x", Diff: "{"}, "diff"},
			{"no change", store.PublishRequest{SDL: "x"}, "change"},
			{"negative base", store.PublishRequest{Base: -1, Change: subgraph("users"), SDL: "x"}, "base"},
		} {
			_, err := s.Publish(ctx, tc.req)
			var invalid *store.ValidationError
			require.True(t, errors.As(err, &invalid), "%s: %v", tc.name, err)
			require.Equal(t, tc.field, invalid.Field, tc.name)
			require.NotEmpty(t, invalid.Message, tc.name)
		}

		// Every problem is reported at once.
		_, err := s.Publish(ctx, store.PublishRequest{Change: store.Upsert{Name: "9", URL: "nope", SDL: ""}, SDL: ""})
		var all store.ValidationErrors
		require.True(t, errors.As(err, &all))
		fields := make([]string, len(all))
		for i, e := range all {
			fields[i] = e.Field
		}
		require.Equal(t, []string{"change.name", "change.url", "change.sdl", "sdl"}, fields)

		// Nothing was written by any of them.
		list, err := s.Subgraphs(ctx)
		require.NoError(t, err)
		require.Empty(t, list)

		_, err = s.RecordCheck(ctx, store.CheckResult{Subgraph: "bad name", SDL: "a\x00b", Result: "not json"})
		require.True(t, errors.As(err, &all))
		require.Len(t, all, 3)

		err = s.RecordUsage(ctx, []store.UsageRecord{
			{Hash: "ok", Count: 1, Coordinates: []string{"Query.user", "Query", "@skip", "@skip.if"}},
			{Hash: "", Count: 0, Coordinates: []string{"@", "Query.user.id.extra", "Query user"}},
		})
		require.True(t, errors.As(err, &all))
		fields = fields[:0]
		for _, e := range all {
			fields = append(fields, e.Field)
		}
		require.Equal(t, []string{
			"records[1].hash", "records[1].count",
			"records[1].coordinates[0]", "records[1].coordinates[1]", "records[1].coordinates[2]",
		}, fields)
		used, err := s.UsageSince(ctx, nowMinusDay(), []string{"Query.user"})
		require.NoError(t, err)
		require.Empty(t, used, "a batch with a bad record is not written at all")
	})
}
