// Package jsonenc writes JSON text into byte slices without reflection, for the response
// writers on the request path (executor, introspection, connectors).
package jsonenc

import (
	"encoding/binary"
	"unicode/utf8"
	"unsafe"
)

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// plain8 reports whether none of the eight bytes in x needs escaping or is non-ASCII.
func plain8(x uint64) bool {
	hasZero := func(v uint64) uint64 { return (v - lsb) & ^v & msb }
	control := (x - 0x20*lsb) & ^x & msb // a byte below 0x20
	return (control | hasZero(x^('"'*lsb)) | hasZero(x^('\\'*lsb)) | x&msb) == 0
}

// AppendString appends s as a JSON string. Invalid UTF-8 becomes \ufffd, so the output is
// always valid JSON.
func AppendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	i := 0
	// Plain ASCII runs, eight bytes at a time: most answers are long plain text.
	for i+8 <= len(s) && plain8(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))) {
		i += 8
	}
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				const hex = "0123456789abcdef"
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
