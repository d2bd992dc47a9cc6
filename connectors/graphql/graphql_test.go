package graphql

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/connectors"
)

func TestFetchSendsAGraphQLRequest(t *testing.T) {
	var got map[string]any
	var header http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header = r.Header
		b, _ := io.ReadAll(r.Body)
		require.NoError(t, json.Unmarshal(b, &got))
		_, _ = w.Write([]byte(`{"data":{"a":1}}`))
	}))
	defer srv.Close()
	c := New("s", srv.URL, nil, time.Second)
	body, err := c.Fetch(context.Background(), &connectors.Request{
		Query: "query Q($x:Int){a(x:$x)}", OperationName: "Q", Variables: []byte(`{"x":"\"quoted\""}`),
		Header: http.Header{"Authorization": {"Bearer t"}},
	}, []byte("prefix:"))
	require.NoError(t, err)
	assert.Equal(t, `prefix:{"data":{"a":1}}`, string(body), "the body is appended to dst")
	assert.Equal(t, map[string]any{"query": "query Q($x:Int){a(x:$x)}", "operationName": "Q", "variables": map[string]any{"x": `"quoted"`}}, got)
	assert.Equal(t, "application/json", header.Get("Content-Type"))
	assert.Contains(t, header.Get("Accept"), "application/graphql-response+json")
	assert.Equal(t, "Bearer t", header.Get("Authorization"))
}

func TestFetchFailures(t *testing.T) {
	cases := map[string]http.HandlerFunc{
		"bad status, not JSON": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
		},
		"too large": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"data":"` + strings.Repeat("x", 2048) + `"}`))
		},
		"slow": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
			}
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			c := New("s", srv.URL, nil, 100*time.Millisecond)
			c.MaxResponseBytes = 1024
			_, err := c.Fetch(context.Background(), &connectors.Request{Query: "{a}"}, nil)
			require.Error(t, err)
			assert.True(t, errors.Is(err, connectors.ErrUnavailable))
		})
	}
	c := New("s", "http://127.0.0.1:1/graphql", nil, time.Second)
	_, err := c.Fetch(context.Background(), &connectors.Request{Query: "{a}"}, nil)
	assert.ErrorIs(t, err, connectors.ErrUnavailable)
}

func TestGraphQLErrorsWithA4xxStatusAreAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/graphql-response+json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors":[{"message":"bad"}]}`))
	}))
	defer srv.Close()
	body, err := New("s", srv.URL, nil, time.Second).Fetch(context.Background(), &connectors.Request{Query: "{a}"}, nil)
	require.NoError(t, err)
	assert.Contains(t, string(body), `"bad"`)
}
