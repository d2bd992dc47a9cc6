// Package shipping is the demo's REST service: shipping rates of the catalogue's products
// and the carriers that deliver them, as plain JSON over HTTP. schema.graphql maps it into
// the graph with connector directives; the gateway calls it directly.
package shipping

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strconv"
)

// Name is the subgraph's name in the registry.
const Name = "shipping"

// SDL is the connector subgraph's schema; its baseURL is the default port, 4005.
//
//go:embed schema.graphql
var SDL string

type rate struct {
	UPC       string `json:"upc"`
	CostCents int    `json:"cost_cents"`
	Days      int    `json:"days"`
	Carrier   string `json:"carrier"`
}

type carrier struct {
	Code        string `json:"code"`
	DisplayName string `json:"display_name"`
}

var carriers = []carrier{{"ups", "UPS"}, {"dhl", "DHL Express"}, {"post", "PostNL"}}

// rateOf prices shipping for a product of the demo catalogue (upc "1" to "9"); ok is false
// for other upcs.
func rateOf(upc string) (rate, bool) {
	n, err := strconv.Atoi(upc)
	if err != nil || n < 1 || n > 9 {
		return rate{}, false
	}
	return rate{UPC: upc, CostCents: 299 + 100*n, Days: 1 + n%4, Carrier: carriers[n%len(carriers)].Code}, true
}

// Handler serves GET /v1/carriers, /v1/carriers/{code}, /v1/rates?upc=…&upc=… (many
// products at once) and /v1/rates/{upc}, plus /healthz for health checks.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /v1/carriers", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		writeJSON(w, http.StatusOK, carriers)
	})
	mux.HandleFunc("GET /v1/carriers/{code}", func(w http.ResponseWriter, r *http.Request) {
		for _, c := range carriers {
			if c.Code == r.PathValue("code") {
				w.Header().Set("Cache-Control", "public, max-age=300")
				writeJSON(w, http.StatusOK, c)
				return
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such carrier"})
	})
	mux.HandleFunc("GET /v1/rates", func(w http.ResponseWriter, r *http.Request) {
		out := []rate{}
		for _, upc := range r.URL.Query()["upc"] {
			if rt, ok := rateOf(upc); ok {
				out = append(out, rt)
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /v1/rates/{upc}", func(w http.ResponseWriter, r *http.Request) {
		if rt, ok := rateOf(r.PathValue("upc")); ok {
			writeJSON(w, http.StatusOK, rt)
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such product"})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
