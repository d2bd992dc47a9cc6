package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const connectorSpec = `openapi: 3.0.3
info: {title: Billing, version: "1"}
servers: [{url: "https://api.example.com/v1"}]
paths:
  /invoices/{id}:
    get:
      operationId: getInvoice
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: an invoice
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  amount_cents: {type: integer, format: int32}
                  status: {type: string, enum: [paid, open]}
`

// unmappedSpec adds an operation the importer skips (a multipart upload).
const unmappedSpec = connectorSpec + `  /files:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object, properties: {file: {type: string, format: binary}}}
      responses:
        '204': {description: uploaded}
`

// strictExit replaces the --strict exit for one test and returns the status it was given
// (0 when it was not called).
func strictExit(t *testing.T) *int {
	t.Helper()
	code := new(int)
	prev := exitStrict
	exitStrict = func() { *code = 2 }
	t.Cleanup(func() { exitStrict = prev })
	return code
}

func TestConnectorOpenAPIWritesSchemaAndReport(t *testing.T) {
	spec := writeFile(t, "billing.yaml", connectorSpec)
	out := filepath.Join(t.TempDir(), "subgraphs")
	stdout, err := run(t, context.Background(), "connector", "openapi", "--spec", spec, "--name", "billing", "--out", out)
	require.NoError(t, err)
	assert.Contains(t, stdout, "billing.graphql: 1 operations mapped (1 Query, 0 Mutation), 0 skipped")

	sdl, err := os.ReadFile(filepath.Join(out, "billing.graphql"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(sdl), `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  @link(url: "https://specs.apollo.dev/connect/v0.3", import: ["@source", "@connect"])
  @source(name: "billing", http: { baseURL: "https://api.example.com/v1" })
`), string(sdl))
	assert.Contains(t, string(sdl), `GET: "/invoices/{$args.id}"`)
	assert.Contains(t, string(sdl), `amountCents: amount_cents`)
	assert.Contains(t, string(sdl), `status: status->match(["paid", "PAID"], ["open", "OPEN"])`)

	report, err := os.ReadFile(filepath.Join(out, "billing.report.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "OpenAPI import report: billing")
	assert.Contains(t, string(report), "operations: 1 mapped")

	// The same input writes the same bytes.
	_, err = run(t, context.Background(), "connector", "openapi", "--spec", spec, "--name", "billing", "--out", out)
	require.NoError(t, err)
	again, err := os.ReadFile(filepath.Join(out, "billing.graphql"))
	require.NoError(t, err)
	assert.Equal(t, string(sdl), string(again))
}

func TestConnectorOpenAPIJSONReport(t *testing.T) {
	spec := writeFile(t, "billing.yaml", unmappedSpec)
	out := t.TempDir()
	stdout, err := run(t, context.Background(), "connector", "openapi", "--spec", spec, "--name", "billing", "--out", out, "--json")
	require.NoError(t, err)
	var printed struct {
		Name     string `json:"name"`
		Mapped   int    `json:"mapped"`
		Skipped  int    `json:"skipped"`
		Unmapped int    `json:"unmapped"`
		Findings []struct {
			Kind, Path, Method, Pointer, Message string
			Line, Column                         int
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &printed), stdout)
	assert.Equal(t, "billing", printed.Name)
	assert.Equal(t, 1, printed.Mapped)
	assert.Equal(t, 1, printed.Skipped)
	require.Len(t, printed.Findings, 1)
	f := printed.Findings[0]
	assert.Equal(t, "unmapped", f.Kind)
	assert.Equal(t, "POST", f.Method)
	assert.Equal(t, "/files", f.Path)
	assert.Equal(t, "#/paths/~1files/post/requestBody/content", f.Pointer)
	assert.Equal(t, 25, f.Line, "the line of content: under requestBody")

	written, err := os.ReadFile(filepath.Join(out, "billing.report.json"))
	require.NoError(t, err)
	assert.Equal(t, stdout, string(written))
	assert.NoFileExists(t, filepath.Join(out, "billing.report.txt"))
}

func TestConnectorOpenAPIStrict(t *testing.T) {
	out := t.TempDir()
	code := strictExit(t)
	clean := writeFile(t, "clean.yaml", connectorSpec)
	_, err := run(t, context.Background(), "connector", "openapi", "--spec", clean, "--name", "billing", "--out", out, "--strict")
	require.NoError(t, err)
	assert.Equal(t, 0, *code)

	spec := writeFile(t, "billing.yaml", unmappedSpec)
	_, err = run(t, context.Background(), "connector", "openapi", "--spec", spec, "--name", "billing", "--out", out)
	require.NoError(t, err, "without --strict, unmapped parts are only reported")
	assert.Equal(t, 0, *code)

	_, err = run(t, context.Background(), "connector", "openapi", "--spec", spec, "--name", "billing", "--out", out, "--strict")
	require.Error(t, err)
	assert.Equal(t, 2, *code)
	assert.Contains(t, err.Error(), "--strict: 1 unmapped parts, listed in "+filepath.Join(out, "billing.report.txt"))
	assert.FileExists(t, filepath.Join(out, "billing.graphql"), "the files are written anyway")
}

func TestConnectorOpenAPIBadInput(t *testing.T) {
	code := strictExit(t)
	dir := t.TempDir()
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"missing file": {[]string{"--spec", filepath.Join(dir, "nope.yaml"), "--name", "x"}, "reading --spec " + filepath.Join(dir, "nope.yaml") + ": no such file or directory"},
		"directory":    {[]string{"--spec", dir, "--name", "x"}, "is a directory"},
		"broken YAML":  {[]string{"--spec", writeFile(t, "broken.yaml", "openapi: 3.0.0\ninfo: [\n"), "--name", "x"}, "broken.yaml: not valid YAML or JSON: line 3, column 1"},
		"not OpenAPI":  {[]string{"--spec", writeFile(t, "other.json", `{"name": "not an API"}`), "--name", "x"}, "other.json: not an OpenAPI document"},
		"Swagger 2":    {[]string{"--spec", writeFile(t, "swagger.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"), "--name", "x"}, "the document is Swagger 2.0, which is not supported"},
		"bad name":     {[]string{"--spec", writeFile(t, "ok.yaml", connectorSpec), "--name", "my api"}, `name "my api"`},
		"no name":      {[]string{"--spec", writeFile(t, "ok2.yaml", connectorSpec)}, `required flag(s) "name" not set`},
		"bad filter":   {[]string{"--spec", writeFile(t, "ok3.yaml", connectorSpec), "--name", "x", "--include", "admin"}, "--include \"admin\": want tag:NAME or path:/GLOB"},
	} {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			_, err := run(t, context.Background(), append([]string{"connector", "openapi", "--out", out}, c.args...)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "\n", "one line")
			entries, _ := os.ReadDir(out)
			assert.Empty(t, entries, "nothing written")
		})
	}
	assert.Equal(t, 0, *code, "bad input is status 1, not the --strict status")
}

func TestConnectorHelp(t *testing.T) {
	for _, c := range [][]string{{"connector", "--help"}, {"connector", "openapi", "--help"}, {"connector"}} {
		out, err := run(t, context.Background(), c...)
		require.NoError(t, err)
		assert.Contains(t, out, "Usage:")
	}
}
