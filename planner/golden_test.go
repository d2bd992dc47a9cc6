package planner_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/planner"
)

var update = flag.Bool("update", false, "rewrite the golden plan files")

// Golden files: testdata/plans/<name>.graphql holds a first line naming the supergraph
// ("# supergraph: ../testdata/bench-workload/supergraph.graphql"), optional lines
// "# variables: {json}" and "# override-labels: label1 label2" (progressive overrides
// switched on), the operation, a line
// "# ---- plan", and the expected plan text.
const separator = "# ---- plan\n"

func loadSupergraph(t testing.TB, path string) *federation.Supergraph {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	sg, err := federation.Parse(path, string(b))
	require.NoError(t, err)
	return sg
}

// planText plans query and returns the plan text, or "error: …" when planning fails. It also
// checks that planning is deterministic.
func planText(t testing.TB, sg *federation.Supergraph, query string, vars map[string]any) string {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, query, nil)
	if len(errs) > 0 {
		return "invalid: " + errs.Error() + "\n"
	}
	op := doc.Operations[0]
	p, err := planner.Build(sg, op, vars)
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	again, err := planner.Build(sg, op, vars)
	require.NoError(t, err)
	require.Equal(t, p.String(), again.String(), "planning must be deterministic")
	_, err = json.Marshal(p)
	require.NoError(t, err)
	return p.String()
}

func TestGoldenPlans(t *testing.T) {
	files, err := filepath.Glob("testdata/plans/*.graphql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".graphql"), func(t *testing.T) {
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			text := string(b)
			head, _, _ := strings.Cut(text, "\n")
			sgPath, ok := strings.CutPrefix(head, "# supergraph: ")
			require.True(t, ok, "first line must name the supergraph")
			query, want, ok := strings.Cut(text, separator)
			if !ok {
				query = text
			}
			var vars map[string]any
			var labels []string
			for _, line := range strings.Split(query, "\n") {
				if v, ok := strings.CutPrefix(line, "# variables: "); ok {
					require.NoError(t, json.Unmarshal([]byte(v), &vars))
				}
				if v, ok := strings.CutPrefix(line, "# override-labels: "); ok {
					labels = strings.Split(v, " ")
				}
			}
			sg := loadSupergraph(t, strings.TrimSpace(sgPath)).WithOverrides(func(label string) bool { return slices.Contains(labels, label) })
			got := planText(t, sg, query, vars)
			if *update {
				require.NoError(t, os.WriteFile(file, []byte(query+separator+got), 0o644))
				return
			}
			require.Equal(t, want, got)
		})
	}
}

// TestAuditPlans plans every case of the federation-gateway-audit and compares with
// testdata/audit/<suite>.txt, so every change to the planner shows up as a reviewed diff.
func TestAuditPlans(t *testing.T) {
	suites, err := filepath.Glob("../testdata/federation-audit/*/supergraph.graphql")
	require.NoError(t, err)
	require.Len(t, suites, 46)
	for _, sgFile := range suites {
		suite := filepath.Base(filepath.Dir(sgFile))
		t.Run(suite, func(t *testing.T) {
			sg := loadSupergraph(t, sgFile)
			var cases []struct {
				Query string `json:"query"`
			}
			b, err := os.ReadFile(filepath.Join(filepath.Dir(sgFile), "tests.json"))
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &cases))
			var out strings.Builder
			for i, c := range cases {
				fmt.Fprintf(&out, "## case %d\n%s\n%s", i, strings.TrimSpace(dedent(c.Query)), separator)
				out.WriteString(planText(t, sg, c.Query, nil))
				out.WriteString("\n")
			}
			golden := filepath.Join("testdata", "audit", suite+".txt")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(out.String()), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			require.Equal(t, string(want), out.String())
		})
	}
}

func dedent(s string) string {
	lines := strings.Split(s, "\n")
	min := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if min < 0 || n < min {
			min = n
		}
	}
	for i, l := range lines {
		if len(l) >= min && min > 0 {
			lines[i] = l[min:]
		}
	}
	return strings.Join(lines, "\n")
}
