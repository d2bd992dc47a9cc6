package openapi

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLargeDocument imports a realistic ~35-operation document and checks what must hold for
// any document: the SDL validates, imports are byte-identical, nearly every operation maps,
// and it is fast.
func TestLargeDocument(t *testing.T) {
	spec, err := os.ReadFile("testdata/large/openapi.yaml")
	require.NoError(t, err)
	opts := Options{Name: "billing", Entities: true}
	start := time.Now()
	res, err := Import(spec, opts)
	elapsed := time.Since(start)
	require.NoError(t, err)
	assert.Less(t, elapsed, 2*time.Second)
	require.NoError(t, validateSDL(res.SDL))
	total := res.Mapped + res.Skipped
	assert.GreaterOrEqual(t, total, 30)
	assert.GreaterOrEqual(t, float64(res.Mapped)/float64(total), 0.95, "mapped %d of %d operations", res.Mapped, total)
	for range 3 {
		again, err := Import(spec, opts)
		require.NoError(t, err)
		require.Equal(t, res.SDL, again.SDL)
		require.Equal(t, res.Text(), again.Text())
		a, err := res.JSON()
		require.NoError(t, err)
		b, err := again.JSON()
		require.NoError(t, err)
		require.Equal(t, string(a), string(b))
	}
	assert.Equal(t, 4, strings.Count(res.SDL, "entity: true"))
}

func TestImportRefusesBadInput(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		spec string
		opts Options
		want string
	}{
		"empty":         {"", Options{Name: "x"}, "the document is empty"},
		"broken YAML":   {"openapi: 3.0.0\ninfo: [\n", Options{Name: "x"}, "not valid YAML or JSON: line 3, column 1"},
		"not OpenAPI":   {`{"hello": "world"}`, Options{Name: "x"}, "not an OpenAPI document"},
		"Swagger 2.0":   {"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", Options{Name: "x"}, "Swagger 2.0"},
		"OpenAPI 4":     {"openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", Options{Name: "x"}, `OpenAPI version "4.0.0" is not supported`},
		"missing $ref":  {"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {$ref: '#/components/schemas/Nope'}}}\n", Options{Name: "x"}, "cannot be read"},
		"bad name":      {minimal, Options{Name: "my api"}, `name "my api"`},
		"bad base URL":  {minimal, Options{Name: "x", BaseURL: "api.example.com"}, "absolute http(s) URL"},
		"bad include":   {minimal, Options{Name: "x", Include: []string{"tags:a"}}, "want tag:NAME or path:/GLOB"},
		"bad query":     {minimal, Options{Name: "x", Query: []string{"/search"}}, "want METHOD /path"},
		"unknown query": {minimal, Options{Name: "x", Query: []string{"POST /serch"}}, `no such operation`},
		"both kinds":    {minimal, Options{Name: "x", Query: []string{"GET /a"}, Mutation: []string{"get /a"}}, "both"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Import([]byte(c.spec), c.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "\n", "errors are one line")
		})
	}
}

const minimal = `openapi: 3.0.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        '204': {description: ok}
`

func TestNames(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][3]string{
		"first_name":  {"FirstName", "firstName", "FIRST_NAME"},
		"firstName":   {"FirstName", "firstName", "FIRST_NAME"},
		"HTTPStatus":  {"HTTPStatus", "httpStatus", "HTTP_STATUS"},
		"ID":          {"ID", "id", "ID"},
		"userID":      {"UserID", "userID", "USER_ID"},
		"v2Items":     {"V2Items", "v2Items", "V2_ITEMS"},
		"2fa":         {"T2fa", "_2fa", "_2FA"},
		"foo-bar.baz": {"FooBarBaz", "fooBarBaz", "FOO_BAR_BAZ"},
		"in-progress": {"InProgress", "inProgress", "IN_PROGRESS"},
		"$ref":        {"Ref", "ref", "REF"},
		"é":           {"X", "x", "VALUE"},
	} {
		assert.Equal(t, want[0], pascal(in, "X"), in)
		assert.Equal(t, want[1], lowerCamel(in, "x"), in)
		assert.Equal(t, want[2], upperSnake(in), in)
	}
	assert.Equal(t, "EMPTY", upperSnake(""))
}

func TestGlob(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pat, path string
		want      bool
	}{
		{"/admin/**", "/admin", true},
		{"/admin/**", "/admin/users/{id}", true},
		{"/admin/**", "/administrators", false},
		{"/*/internal/**", "/orders/internal/audit", true},
		{"/orders/*", "/orders/{id}", true},
		{"/orders/*", "/orders/{id}/lines", false},
		{"/**/lines", "/orders/{id}/lines", true},
	} {
		assert.Equal(t, c.want, globMatch(strings.Split(c.pat, "/"), strings.Split(c.path, "/")), "%s ~ %s", c.pat, c.path)
	}
}

func TestReportJSON(t *testing.T) {
	t.Parallel()
	res, err := Import([]byte(minimal), Options{Name: "x"})
	require.NoError(t, err)
	b, err := res.JSON()
	require.NoError(t, err)
	assert.JSONEq(t, `{
	  "name": "x", "title": "t", "apiVersion": "1", "openapi": "3.0.0",
	  "mapped": 1, "skipped": 0, "unmapped": 0, "changed": 1, "info": 0,
	  "summary": {"queries": 1, "mutations": 0, "excluded": 0, "objects": 0, "inputs": 0, "enums": 0, "scalars": 0},
	  "findings": [{"kind": "changed", "pointer": "#/servers", "line": 1, "column": 1,
	    "message": "no servers: baseURL is http://localhost",
	    "hint": "pass --base-url, or edit @source; atrium.yaml overrides it per environment"}]
	}`, string(b))
}
