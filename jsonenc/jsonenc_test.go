package jsonenc

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzAppendString: our JSON string writer must mean exactly what encoding/json writes.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain ascii text, long enough for words", "quote\" back\\slash", "tab\tnew\nline\x00\x1f",
		"héllo wörld ✓", "\xff\xfe invalid", strings.Repeat("abcdefgh", 9) + "\"", "1234567\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := AppendString(nil, s)
		var ours, theirs string
		if err := json.Unmarshal(got, &ours); err != nil {
			t.Fatalf("invalid JSON %q for %q: %v", got, s, err)
		}
		want, _ := json.Marshal(s)
		if err := json.Unmarshal(want, &theirs); err != nil {
			t.Fatal(err)
		}
		if ours != theirs {
			t.Fatalf("AppendString(%q) means %q, encoding/json %q", s, ours, theirs)
		}
	})
}

func TestPlain8(t *testing.T) {
	for _, c := range []struct {
		s     string
		plain bool
	}{{"abcdefgh", true}, {"abc\"efgh", false}, {"abc\\efgh", false}, {"abc\x1fefgh", false}, {"abc\x7fefgh", true}, {"abcé fgh"[:8], false}, {"        ", true}, {"!#$%&'()", true}} {
		var x uint64
		for i := 7; i >= 0; i-- {
			x = x<<8 | uint64(c.s[i])
		}
		if got := plain8(x); got != c.plain {
			t.Errorf("plain8(%q) = %v, want %v", c.s, got, c.plain)
		}
	}
}
