package mapping

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// numText gives the JSON text of a number value.
func numText(v any) (string, bool) {
	switch n := norm(v).(type) {
	case json.Number:
		return string(n), true
	case float64: // NaN or ±Inf: not JSON, but still a number for comparisons
		return strconv.FormatFloat(n, 'g', -1, 64), true
	}
	return "", false
}

// asInt reads an integral number (1, -2, 3.0) as an int.
func asInt(v any) (int, bool) {
	text, ok := numText(v)
	if !ok {
		return 0, false
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil && i >= math.MinInt32 && i <= math.MaxInt32 {
		return int(i), true
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

// length is the number of items of a list, characters of a string or keys of an object.
func length(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case string:
		return utf8.RuneCountInString(x)
	case map[string]any:
		return len(x)
	}
	return 0
}

// substr gives characters [start, end) of s, counted in code points.
func substr(s string, start, end int) string {
	from, i := len(s), 0
	for off := range s {
		if i == start {
			from = off
		}
		if i == end {
			return s[from:off]
		}
		i++
	}
	return s[from:]
}

// scalarText gives the text of a string, number or boolean.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	}
	return numText(v)
}

// brief describes a value for a message: short scalars in full, other values by kind.
func brief(v any) string {
	switch s := v.(type) {
	case nil:
		return "null"
	case string:
		if utf8.RuneCountInString(s) > 40 {
			s = substr(s, 0, 40) + "…"
		}
		return strconv.Quote(s)
	case []any, map[string]any:
		return aKind(v)
	}
	if text, ok := scalarText(v); ok {
		return text
	}
	return aKind(v)
}

// equal compares two values deeply; numbers compare by value (1 equals 1.0).
func equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equal(xv, yv) {
				return false
			}
		}
		return true
	}
	ta, okA := numText(a)
	tb, okB := numText(b)
	if !okA || !okB {
		return false
	}
	if ta == tb {
		return true
	}
	ia, errA := strconv.ParseInt(ta, 10, 64)
	ib, errB := strconv.ParseInt(tb, 10, 64)
	if errA == nil && errB == nil {
		return ia == ib
	}
	// big.Float rather than big.Rat: an exponent like 1e999999999 stays cheap.
	fa, _, errA := big.ParseFloat(ta, 10, 256, big.ToNearestEven)
	fb, _, errB := big.ParseFloat(tb, 10, 256, big.ToNearestEven)
	return errA == nil && errB == nil && fa.Cmp(fb) == 0
}

// keyText writes a key as it appears after "." in a path.
func keyText(k string) string {
	if isIdent(k) {
		return k
	}
	return quote(k)
}

func isIdent(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return true
}
