package gateway_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/connectors/grpc/importer"
	"github.com/atrium-gateway/atrium/demo/pricing"
	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/gateway"
)

// TestGRPCImportServesTheService: what `atrium connector grpc` writes for a service found
// by server reflection composes as it is and answers queries against the real server
// (the demo's pricing service, generated code, nothing shared with the importer).
func TestGRPCImportServesTheService(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := pricing.NewServer()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)

	d, err := importer.Reflect(context.Background(), ln.Addr().String(), importer.ReflectOptions{})
	require.NoError(t, err)
	res, err := importer.Import(d, importer.Options{Name: "pricing", Address: ln.Addr().String()})
	require.NoError(t, err)
	s := serveComposed(t, []compose.Input{{Name: "pricing", URL: "http://none", SDL: res.SDL}}, gateway.Options{})

	var out struct {
		Price struct {
			Upc, AmountCents, Currency, Tier string
			UpdatedAt                        string
		}
		BatchGetPrices []struct{ Upc string }
		Promotions     []struct {
			Upc        string
			PercentOff int
			Note       *string
		}
	}
	s.data(t, `{ price(upc: "2") { upc amountCents currency tier updatedAt }
		batchGetPrices(upcs: ["3", "nope", "1"]) { upc }
		promotions { upc percentOff note } }`, &out)
	assert.Equal(t, "2", out.Price.Upc)
	assert.Equal(t, "USD", out.Price.Currency)
	assert.Equal(t, "PRICE_TIER_STANDARD", out.Price.Tier)
	assert.Equal(t, "2025-01-02T09:00:00Z", out.Price.UpdatedAt)
	assert.NotEmpty(t, out.Price.AmountCents)
	require.Len(t, out.BatchGetPrices, 2)
	assert.Equal(t, "3", out.BatchGetPrices[0].Upc)
	require.NotEmpty(t, out.Promotions)
	hasNull := false
	for _, p := range out.Promotions {
		hasNull = hasNull || p.Note == nil
	}
	assert.True(t, hasNull, "an unset StringValue wrapper is null")

	// NOT_FOUND from the service is the field's error, coded by the status.
	body := s.query(t, `{ price(upc: "nope") { upc } }`, nil)
	assert.Contains(t, body, `"code":"NOT_FOUND"`)
	assert.NotContains(t, body, ln.Addr().String())
}
