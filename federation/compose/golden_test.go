package compose

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the expected output of golden files")

// TestGolden runs every testdata/*/*.txt case: subgraphs in ("--- name url" then the SDL),
// then "=== supergraph" with the expected SDL, or "=== errors" with one diagnostic per line;
// "=== hints" lists hints. `go test ./federation/compose -update` rewrites the expectations.
// Every case is also composed with its subgraphs in reverse order: the result must not change.
func TestGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(file, "testdata/"), ".txt"), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			head, inputs := parseGolden(t, string(raw))
			r := Compose(inputs)
			got := head + renderResult(r)
			if *update {
				require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
				return
			}
			require.Equal(t, string(raw), got)
			reversed := make([]Input, len(inputs))
			for i, in := range inputs {
				reversed[len(inputs)-1-i] = in
			}
			require.Equal(t, got, head+renderResult(Compose(reversed)), "the input order changed the result")
		})
	}
}

// parseGolden splits a case into its input part (kept as written) and the subgraphs.
func parseGolden(t *testing.T, raw string) (string, []Input) {
	head := raw
	if i := strings.Index(raw, "\n=== "); i >= 0 {
		head = raw[:i+1]
	}
	var inputs []Input
	for _, part := range strings.Split("\n"+head, "\n--- ")[1:] {
		line, sdl, _ := strings.Cut(part, "\n")
		name, url, _ := strings.Cut(strings.TrimSpace(line), " ")
		if url == "" {
			url = "http://" + name + ".local/graphql"
		}
		inputs = append(inputs, Input{Name: name, URL: url, SDL: sdl})
	}
	require.NotEmpty(t, inputs, "a case needs at least one \"--- name url\" section")
	return head, inputs
}

func renderResult(r Result) string {
	var b strings.Builder
	if len(r.Errors) == 0 {
		b.WriteString("=== supergraph\n" + r.Supergraph + "\n")
	} else {
		b.WriteString("=== errors\n")
		for _, d := range r.Errors {
			b.WriteString(d.String() + "\n")
		}
	}
	if len(r.Hints) > 0 {
		b.WriteString("=== hints\n")
		for _, d := range r.Hints {
			b.WriteString(d.String() + "\n")
		}
	}
	return b.String()
}

// TestEveryDocumentedCodeHasACase keeps docs/composition.md honest: each error code in its
// table must be produced by some golden case (INVALID_SUPERGRAPH only by a bug).
func TestEveryDocumentedCodeHasACase(t *testing.T) {
	doc, err := os.ReadFile("../../docs/composition.md")
	require.NoError(t, err)
	var cases strings.Builder
	files, err := filepath.Glob("testdata/*/*.txt")
	require.NoError(t, err)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		cases.Write(raw)
	}
	codes := regexp.MustCompile("`([A-Z][A-Z_]+[A-Z])`").FindAllStringSubmatch(string(doc), -1)
	require.NotEmpty(t, codes)
	var missing []string
	for _, c := range codes {
		if code := c[1]; code != "INVALID_SUPERGRAPH" && !strings.Contains(cases.String(), "\n"+code+" ") {
			missing = append(missing, code)
		}
	}
	require.Empty(t, missing, "docs/composition.md names these codes but no golden case produces them")
}
