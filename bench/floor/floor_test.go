package floor_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/bench/floor"
)

func TestFailingSubgraphsAreA502(t *testing.T) {
	t.Parallel()
	errors := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"errors":[{"message":"boom"}]}`))
	}))
	t.Cleanup(errors.Close)
	for name, base := range map[string]string{"unreachable": "http://127.0.0.1:1", "errors": errors.URL} {
		rec := httptest.NewRecorder()
		floor.New(base, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{}`)))
		assert.Equal(t, http.StatusBadGateway, rec.Code, name)
		assert.Contains(t, rec.Body.String(), "TestQuery__", name)
	}
}

// TestEmptyLists: empty lists are written [], not null, by a fresh run and by runs taken
// again from the pool; entity fetches with nothing to resolve are not sent.
func TestEmptyLists(t *testing.T) {
	t.Parallel()
	answers := map[string]string{
		"TestQuery__accounts__0":  `{"data":{"users":[]}}`,
		"TestQuery__products__7":  `{"data":{"topProducts":[{"name":"A","price":1,"upc":"1","weight":2,"__typename":"Product"}]}}`,
		"TestQuery__reviews__9":   `{"data":{"_entities":[{"reviews":[]}]}}`,
		"TestQuery__inventory__3": `{"data":{"_entities":[{"inStock":true,"shippingEstimate":5}]}}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ OperationName string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || answers[body.OperationName] == "" {
			http.Error(w, "unexpected request "+body.OperationName, http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(answers[body.OperationName]))
	}))
	t.Cleanup(srv.Close)
	f := floor.New(srv.URL, nil)
	for range 3 {
		got, err := f.Answer(t.Context(), nil)
		require.NoError(t, err)
		assert.Equal(t, `{"data":{"users":[],"topProducts":[{"inStock":true,"name":"A","price":1,"shippingEstimate":5,"upc":"1","weight":2,"reviews":[]}]}}`, string(got))
	}
}
