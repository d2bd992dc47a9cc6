package naming_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/atrium-gateway/atrium/connectors/internal/naming"
)

// The two styles differ only on plural acronyms ("URLs").
func TestStyles(t *testing.T) {
	t.Parallel()
	plain, plural := naming.Style{}, naming.Style{PluralAcronyms: true}
	for _, c := range []struct {
		in                 string
		plain, plural      []string
		camel, pluralCamel string
		pascal             string
	}{
		{"inProgress", []string{"in", "Progress"}, []string{"in", "Progress"}, "inProgress", "inProgress", "InProgress"},
		{"HTTPStatus", []string{"HTTP", "Status"}, []string{"HTTP", "Status"}, "httpStatus", "httpStatus", "HTTPStatus"},
		{"first_name", []string{"first", "name"}, []string{"first", "name"}, "firstName", "firstName", "FirstName"},
		{"acme.inv.v1", []string{"acme", "inv", "v1"}, []string{"acme", "inv", "v1"}, "acmeInvV1", "acmeInvV1", "AcmeInvV1"},
		{"URLs", []string{"UR", "Ls"}, []string{"URLs"}, "urLs", "urls", "URLs"},
		{"imageURLs", []string{"image", "UR", "Ls"}, []string{"image", "URLs"}, "imageURLs", "imageURLs", "ImageURLs"},
		{"IDsOnly", []string{"I", "Ds", "Only"}, []string{"IDs", "Only"}, "iDsOnly", "idsOnly", "IDsOnly"},
		{"2fa", []string{"2fa"}, []string{"2fa"}, "_2fa", "_2fa", "2fa"},
		{"$-é", nil, nil, "fallback", "fallback", ""},
	} {
		assert.Equal(t, c.plain, plain.Words(c.in), c.in)
		assert.Equal(t, c.plural, plural.Words(c.in), c.in)
		assert.Equal(t, c.camel, plain.LowerCamel(c.in, "fallback"), c.in)
		assert.Equal(t, c.pluralCamel, plural.LowerCamel(c.in, "fallback"), c.in)
		assert.Equal(t, c.pascal, plain.Pascal(c.in), c.in)
	}
}

func TestIsIdent(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{"a": true, "_a1": true, "__typename": true, "": false, "1a": false, "a-b": false, "é": false} {
		assert.Equal(t, want, naming.IsIdent(s), s)
	}
}

func TestNamespace(t *testing.T) {
	t.Parallel()
	ns := naming.NewNamespace("Query")
	name, clash := ns.Claim("Item", "a.Item")
	assert.Equal(t, [2]string{"Item", ""}, [2]string{name, clash})
	name, clash = ns.Claim("Item", "b.Item")
	assert.Equal(t, [2]string{"Item2", "a.Item"}, [2]string{name, clash})
	name, _ = ns.Claim("ITEM", "c.Item")
	assert.Equal(t, "ITEM", name, "case-sensitive")
	name, _ = ns.Claim("Query", "d.Query")
	assert.Equal(t, "Query2", name, "reserved")
	assert.True(t, ns.Has("Item2"))
	assert.Equal(t, "b.Item", ns.Owner("Item2"))
	assert.Equal(t, "", ns.Owner("Other"))

	folded := naming.NewFoldedNamespace()
	folded.Reserve("Pet", "comp:Pet")
	name, _ = folded.Claim("PET", "other")
	assert.Equal(t, "PET2", name, "case-insensitive")
	name, _ = folded.Claim("Pet", "comp:Pet")
	assert.Equal(t, "Pet", name, "a reserved name goes to its owner")
	name, _ = folded.Claim("pet", "other")
	assert.Equal(t, "pet2", name, "the same owner gets its name again")
}
