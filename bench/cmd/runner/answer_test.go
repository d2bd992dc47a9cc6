package main

import (
	"os"
	"strings"
	"testing"
)

func TestJSONDiff(t *testing.T) {
	t.Parallel()
	want := `{"data":{"users":[{"id":"1","name":"Uri"},{"id":"2","name":"Dotan"}],"n":1.50}}`
	for got, diff := range map[string]string{
		// Key order and whitespace do not matter; numbers compare as written.
		`{"data": {"n": 1.50, "users": [{"name":"Uri","id":"1"}, {"id":"2","name":"Dotan"}]}}`:        "",
		`{"data":{"users":[{"id":"1","name":"Uri"},{"id":"2","name":"Dotan"}],"n":1.5}}`:              `data.n: got 1.5, want 1.50`,
		`{"data":{"users":[{"id":"1","name":"Uri"}],"n":1.50}}`:                                       `data.users: got 1 elements, want 2`,
		`{"data":{"users":[{"id":"1","name":"Uri"},{"id":"2","name":null}],"n":1.50}}`:                `data.users[1].name: got null, want "Dotan"`,
		`{"data":{"users":[{"id":"1"},{"id":"2","name":"Dotan"}],"n":1.50}}`:                          `data.users[0]: missing key "name"`,
		`{"data":{"users":[{"id":"1","name":"Uri"},{"id":"2","name":"Dotan"}],"n":1.50},"errors":[]}`: `(top level): unexpected key "errors"`,
		`{"data":null}`: `data: got null, want an object`,
	} {
		d, err := jsonDiff([]byte(got), []byte(want))
		if err != nil {
			t.Fatal(err)
		}
		if d != diff {
			t.Errorf("jsonDiff(%s):\n got %q\nwant %q", got, d, diff)
		}
	}
	for _, bad := range []string{`{"data":`, `{} {}`, `<html>`} {
		if _, err := jsonDiff([]byte(bad), []byte(want)); err == nil || !strings.Contains(err.Error(), "not JSON") {
			t.Errorf("jsonDiff(%s): error %v", bad, err)
		}
	}
}

func TestExpectedResponseIsCompactAndEqualToItself(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../../testdata/bench-workload/expected-response.json")
	if err != nil {
		t.Skip("no workload:", err)
	}
	if d, err := jsonDiff(b, b); err != nil || d != "" {
		t.Errorf("jsonDiff(expected, expected) = %q, %v", d, err)
	}
}
