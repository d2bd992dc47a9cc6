package mapping

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a parse error (or a template execution error), positioned in the source text.
type Error struct {
	Line    int // 1-based line
	Col     int // 1-based column, in characters (Unicode code points)
	Message string
}

// Error formats the error as "line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Message) }

// errorAt builds an Error at byte offset off of src.
func errorAt(src string, off int, format string, args ...any) *Error {
	line, col := lineCol(src, off)
	return &Error{Line: line, Col: col, Message: fmt.Sprintf(format, args...)}
}

// lineCol converts a byte offset into a 1-based line and column (in code points).
func lineCol(src string, off int) (int, int) {
	off = min(max(off, 0), len(src))
	before := src[:off]
	line := 1 + strings.Count(before, "\n")
	start := strings.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCountInString(before[start:])
}

type tokKind uint8

const (
	tEOF         tokKind = iota
	tIdent               // name
	tString              // 'text' or "text" (text holds the decoded value)
	tNumber              // 12, -1.5 (text holds a valid JSON number)
	tDollar              // $
	tVar                 // $args (text holds "$args")
	tDollarParen         // $(
	tAt                  // @
	tDot                 // .
	tQuestion            // ?
	tArrow               // ->
	tColon               // :
	tComma               // ,
	tLBrace              // {
	tRBrace              // }
	tLParen              // (
	tRParen              // )
	tLBracket            // [
	tRBracket            // ]
)

var punct = map[byte]tokKind{
	'@': tAt, '?': tQuestion, ':': tColon, ',': tComma, '{': tLBrace, '}': tRBrace,
	'(': tLParen, ')': tRParen, '[': tLBracket, ']': tRBracket,
}

type token struct {
	kind tokKind
	text string
	pos  int // byte offset of the first character
	end  int // byte offset after the last character
}

// describe names a token for error messages.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "the end of the input"
	case tIdent:
		return fmt.Sprintf("name %q", t.text)
	case tString:
		return fmt.Sprintf("string %q", t.text)
	case tNumber:
		return "number " + t.text
	case tVar:
		return "variable " + t.text
	case tDollarParen:
		return "'$('"
	case tArrow:
		return "'->'"
	case tDollar:
		return "'$'"
	}
	for c, k := range punct {
		if k == t.kind {
			return fmt.Sprintf("'%c'", c)
		}
	}
	return "'.'"
}

// lexer splits source text into tokens. Whitespace (space, tab, CR, LF) and # comments may
// sit between tokens; none may sit inside a name, after "$" or inside "->".
type lexer struct {
	src string
	pos int
}

func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }

func (l *lexer) skipSpace() {
	for l.pos < len(l.src) {
		switch l.src[l.pos] {
		case ' ', '\t', '\r', '\n':
			l.pos++
		case '#':
			if i := strings.IndexByte(l.src[l.pos:], '\n'); i >= 0 {
				l.pos += i + 1
			} else {
				l.pos = len(l.src)
			}
		default:
			return
		}
	}
}

func (l *lexer) identEnd(i int) int {
	for i < len(l.src) && isIdentChar(l.src[i]) {
		i++
	}
	return i
}

// next scans the next token.
func (l *lexer) next() (token, *Error) {
	l.skipSpace()
	start := l.pos
	tok := func(k tokKind, end int, text string) (token, *Error) {
		l.pos = end
		return token{kind: k, text: text, pos: start, end: end}, nil
	}
	if start >= len(l.src) {
		return tok(tEOF, start, "")
	}
	c := l.src[start]
	var c1 byte
	if start+1 < len(l.src) {
		c1 = l.src[start+1]
	}
	switch {
	case isIdentStart(c):
		end := l.identEnd(start + 1)
		return tok(tIdent, end, l.src[start:end])
	case c == '$' && isIdentStart(c1):
		end := l.identEnd(start + 2)
		return tok(tVar, end, l.src[start:end])
	case c == '$' && c1 == '(':
		return tok(tDollarParen, start+2, "")
	case c == '$':
		return tok(tDollar, start+1, "")
	case c == '-' && c1 == '>':
		return tok(tArrow, start+2, "")
	case isDigit(c), c == '-' || c == '.':
		if c == '.' && !isDigit(c1) {
			return tok(tDot, start+1, "")
		}
		return l.number()
	case c == '\'' || c == '"':
		return l.str()
	}
	if k, ok := punct[c]; ok {
		return tok(k, start+1, "")
	}
	r, _ := utf8.DecodeRuneInString(l.src[start:])
	return token{}, errorAt(l.src, start, "unexpected character %q", r)
}

// number scans -?(digits(.digits*)?|.digits) and returns it as JSON number text: leading
// zeros are dropped, ".5" becomes "0.5" and "1." becomes "1" (the value is unchanged).
func (l *lexer) number() (token, *Error) {
	start, i := l.pos, l.pos
	neg := l.src[i] == '-'
	if neg {
		i++
	}
	intStart := i
	for i < len(l.src) && isDigit(l.src[i]) {
		i++
	}
	intPart := l.src[intStart:i]
	var frac string
	if i < len(l.src) && l.src[i] == '.' {
		i++
		fracStart := i
		for i < len(l.src) && isDigit(l.src[i]) {
			i++
		}
		frac = l.src[fracStart:i]
	}
	if intPart == "" && frac == "" {
		return token{}, errorAt(l.src, start, "expected a number or '->' after '-'")
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	text := intPart
	if frac != "" {
		text += "." + frac
	}
	if neg {
		text = "-" + text
	}
	l.pos = i
	return token{kind: tNumber, text: text, pos: start, end: i}, nil
}

// str scans a quoted string. A backslash escapes the next character; "\n" is a newline.
func (l *lexer) str() (token, *Error) {
	start := l.pos
	quote := l.src[start]
	var b strings.Builder
	for i := start + 1; i < len(l.src); i++ {
		c := l.src[i]
		switch {
		case c == quote:
			l.pos = i + 1
			return token{kind: tString, text: b.String(), pos: start, end: i + 1}, nil
		case c == '\\' && i+1 < len(l.src):
			i++
			if l.src[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(l.src[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return token{}, errorAt(l.src, start, "unterminated string: no closing %c", quote)
}
