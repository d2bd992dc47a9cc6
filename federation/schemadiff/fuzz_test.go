package schemadiff

import (
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2"
	gql "github.com/vektah/gqlparser/v2/ast"
)

// FuzzDiff diffs pairs of schemas the fuzzer derives from the test cases: Diff must not
// panic, must be deterministic, must find nothing between a schema and itself, and every
// change it finds must be complete.
func FuzzDiff(f *testing.F) {
	for _, tc := range diffCases {
		f.Add(tc.old, tc.new)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		old, err := gqlparser.LoadSchema(&gql.Source{Name: "old", Input: a})
		if err != nil {
			return
		}
		new, err := gqlparser.LoadSchema(&gql.Source{Name: "new", Input: b})
		if err != nil {
			return
		}
		if self := Diff(old, old); len(self) != 0 {
			t.Fatalf("a schema differs from itself: %v", self)
		}
		changes := Diff(old, new)
		if again := Diff(old, new); !slices.EqualFunc(changes, again, func(x, y Change) bool {
			return x.String() == y.String() && slices.Equal(x.UsageCoordinates, y.UsageCoordinates)
		}) {
			t.Fatalf("Diff is not deterministic:\n%v\n%v", changes, again)
		}
		for _, c := range changes {
			if c.Code == "" || c.Coordinate == "" || c.Message == "" {
				t.Fatalf("incomplete change %+v", c)
			}
			if (c.Severity == Safe) != (len(c.UsageCoordinates) == 0) {
				t.Fatalf("usage coordinates of %v: %v", c, c.UsageCoordinates)
			}
		}
		_ = Diff(new, old)
	})
}
