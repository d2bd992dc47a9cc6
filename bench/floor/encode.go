package floor

import (
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

// The response, written by hand in the query's field order:
//
//	fragment User on User { id username name }
//	fragment Review on Review { id body }
//	fragment Product on Product { inStock name price shippingEstimate upc weight }
//	users { ...User reviews { ...Review product { ...Product reviews { ...Review
//	  author { ...User reviews { ...Review product { ...Product } } } } } } }
//	topProducts { ...Product reviews { ...Review author { ...User reviews { ...Review
//	  product { ...Product } } } } }
func appendResponse(b []byte, users []*user, top []*product) []byte {
	b = append(b, `{"data":{"users":`...)
	if users == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, u := range users {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendUser(b, u, true)
		}
		b = append(b, ']')
	}
	b = append(b, `,"topProducts":`...)
	if top == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, p := range top {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendProduct(b, p, true)
		}
		b = append(b, ']')
	}
	return append(b, "}}"...)
}

// appendUser writes { ...User reviews { ...Review product { ...Product [reviews] } } }, the
// products' reviews only when deep (users at the root; authors are not).
func appendUser(b []byte, u *user, deep bool) []byte {
	if u == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = appendStr(b, u.id)
	b = append(b, `,"username":`...)
	b = appendStr(b, u.username)
	b = append(b, `,"name":`...)
	b = appendStr(b, u.name)
	b = append(b, `,"reviews":`...)
	if u.reviews == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i, rv := range u.reviews {
		if i > 0 {
			b = append(b, ',')
		}
		if rv == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, `{"id":`...)
		b = appendStr(b, rv.id)
		b = append(b, `,"body":`...)
		b = appendStr(b, rv.body)
		b = append(b, `,"product":`...)
		b = appendProduct(b, rv.product, deep)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendProduct writes { ...Product } and, when deep,
// reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } }.
func appendProduct(b []byte, p *product, deep bool) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"inStock":`...)
	switch {
	case !p.inStock.valid:
		b = append(b, "null"...)
	case p.inStock.v:
		b = append(b, "true"...)
	default:
		b = append(b, "false"...)
	}
	b = append(b, `,"name":`...)
	b = appendStr(b, p.name)
	b = append(b, `,"price":`...)
	b = appendNum(b, p.price)
	b = append(b, `,"shippingEstimate":`...)
	b = appendNum(b, p.shippingEstimate)
	b = append(b, `,"upc":`...)
	b = appendStr(b, p.upc)
	b = append(b, `,"weight":`...)
	b = appendNum(b, p.weight)
	if !deep {
		return append(b, '}')
	}
	b = append(b, `,"reviews":`...)
	if p.reviews == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i, rv := range p.reviews {
		if i > 0 {
			b = append(b, ',')
		}
		if rv == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, `{"id":`...)
		b = appendStr(b, rv.id)
		b = append(b, `,"body":`...)
		b = appendStr(b, rv.body)
		b = append(b, `,"author":`...)
		b = appendUser(b, rv.author, false)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendStr(b []byte, s str) []byte {
	if !s.valid {
		return append(b, "null"...)
	}
	return appendString(b, s.v)
}

func appendNum(b []byte, n num) []byte {
	if !n.valid {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, n.v, 10)
}

// appendString writes s as a JSON string, escaping what JSON requires and replacing invalid
// UTF-8 (as Atrium's executor does).
func appendString(b []byte, s []byte) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip 8 plain bytes (printable ASCII other than " and \) at a time.
		for i+8 <= len(s) && plain8(binary.LittleEndian.Uint64(s[i:])) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				const hex = "0123456789abcdef"
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plain8 reports whether the 8 bytes of w are all printable ASCII other than '"' and '\\'
// (bytes 0x20 to 0x7f that JSON writes as they are).
func plain8(w uint64) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	q := w ^ (ones * '"')
	bs := w ^ (ones * '\\')
	// A byte's high bit is set in: w when it is ≥ 0x80; (w-0x20…)&^w when some byte is below
	// 0x20; (x-0x01…)&^x when some byte of x is zero. Each test is exact as to whether any
	// byte matches.
	return (w|((w-ones*0x20)&^w)|((q-ones)&^q)|((bs-ones)&^bs))&highs == 0
}
