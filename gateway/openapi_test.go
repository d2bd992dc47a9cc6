package gateway_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/connectors/openapi"
	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/gateway"
)

// TestOpenAPIImportServesThePetstore: the SDL `atrium connector openapi` writes for the
// petstore document composes as it is and answers queries against a real REST server.
func TestOpenAPIImportServesThePetstore(t *testing.T) {
	var mu sync.Mutex
	var uris []string
	mux := http.NewServeMux()
	pet := func(id int) map[string]any {
		return map[string]any{"id": id, "name": "Rex", "tag": "dog", "status": "available", "price_cents": 12000,
			"owner": map[string]any{"id": 7, "first_name": "Ada"}, "photo_urls": []string{"a.jpg"}}
	}
	mux.HandleFunc("GET /pets", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uris = append(uris, r.RequestURI)
		mu.Unlock()
		_ = json.NewEncoder(w).Encode([]any{pet(1), pet(2)})
	})
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(pet(9007199254740993)) // beyond float64's exact integers
	})
	backend := httptest.NewServer(mux)
	t.Cleanup(backend.Close)

	spec, err := os.ReadFile("../connectors/openapi/testdata/petstore/openapi.yaml")
	require.NoError(t, err)
	imported, err := openapi.Import(spec, openapi.Options{Name: "petstore", BaseURL: backend.URL})
	require.NoError(t, err)
	s := serveComposed(t, []compose.Input{{Name: "petstore", URL: backend.URL, SDL: imported.SDL}}, gateway.Options{})

	var out struct {
		ListPets []struct {
			ID     json.Number
			Status string
			Owner  struct{ FirstName string }
		}
		ShowPetByID struct{ ID json.Number } `json:"showPetById"`
	}
	s.data(t, `{ listPets(limit: 2, status: AVAILABLE, tags: ["a", "b"]) { id status owner { firstName } }
		showPetById(petId: "9007199254740993") { id } }`, &out)
	require.Len(t, out.ListPets, 2)
	assert.Equal(t, "AVAILABLE", out.ListPets[0].Status)
	assert.Equal(t, "Ada", out.ListPets[0].Owner.FirstName)
	assert.Equal(t, "9007199254740993", out.ShowPetByID.ID.String(), "int64 ids stay exact")
	assert.Equal(t, []string{"/pets?limit=2&status=available&tags=a%2Cb"}, uris)
}
