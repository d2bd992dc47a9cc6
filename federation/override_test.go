package federation

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressiveOverrides(t *testing.T) {
	b, err := os.ReadFile("../testdata/progressive-override/supergraph.graphql")
	require.NoError(t, err)
	sg, err := Parse("progressive-override.graphql", string(b))
	require.NoError(t, err)
	assert.Equal(t, []string{"new-prices", "percent(0)", "percent(100)", "percent(50)"}, sg.OverrideLabels(), "the gone subgraph's label is not one")

	newID, oldID := sg.SubgraphByName("new").ID, sg.SubgraphByName("old").ID
	price := sg.Field("Product", "price")
	assert.True(t, price.Resolvable(oldID), "labels are off in the parsed model")
	assert.False(t, price.Resolvable(newID))
	weight := sg.Field("Product", "weight")
	assert.True(t, weight.Resolvable(newID), "an override from a gone subgraph does not wait for its label")

	on := sg.WithOverrides(func(label string) bool { return label == "new-prices" })
	assert.True(t, on.Field("Product", "price").Resolvable(newID))
	assert.False(t, on.Field("Product", "price").Resolvable(oldID))
	assert.True(t, on.Field("Product", "stock").Resolvable(oldID), "other labels stay off")
	assert.True(t, price.Resolvable(oldID), "the view leaves the parsed model alone")
	assert.Same(t, sg.Types["Query"], on.Types["Query"], "untouched types are shared")

	assert.Same(t, sg, sg.WithOverrides(func(string) bool { return false }))
}

func TestPercentLabel(t *testing.T) {
	for label, want := range map[string]float64{"percent(0)": 0, "percent(50)": 50, "percent(12.5)": 12.5, "percent(100)": 100} {
		n, ok := PercentLabel(label)
		assert.True(t, ok, label)
		assert.Equal(t, want, n, label)
	}
	for _, label := range []string{"percent(101)", "percent(-1)", "percent()", "percent(x)", "percent(5", "50", "new-prices"} {
		_, ok := PercentLabel(label)
		assert.False(t, ok, label)
	}
}
