package mapping

import (
	"fmt"
	"slices"
	"strings"
)

// Parse parses a selection: the "selection" argument of @connect, or a body, queryParams or
// path mapping (they use the same language). Errors are *Error values positioned in src.
// The source may be at most 64 KiB, nest blocks, literals and method arguments at most 64
// deep, and chain at most 32 methods in one path.
func Parse(src string) (*Selection, error) {
	if len(src) > maxSource {
		return nil, errorAt(src, maxSource, "the selection is %d bytes long; the limit is %d", len(src), maxSource)
	}
	p := &parser{lx: lexer{src: src}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	items, err := p.items(tEOF, -1)
	if err != nil {
		return nil, err
	}
	s := &Selection{src: src}
	if len(items) == 1 && items[0].kind == itemMerge {
		s.single = items[0].path
	} else {
		s.root = &block{items: items}
	}
	return s, nil
}

type parser struct {
	lx    lexer
	tok   token // the current token, not yet consumed
	prev  int   // end offset of the last consumed token
	depth int
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.prev, p.tok = p.tok.end, t
	return nil
}

func (p *parser) fail(off int, format string, args ...any) error {
	return errorAt(p.lx.src, off, format, args...)
}

func (p *parser) expect(k tokKind, what string) (token, error) {
	t := p.tok
	if t.kind != k {
		return t, p.fail(t.pos, "expected %s, found %s", what, t.describe())
	}
	return t, p.advance()
}

// enter and leave count nesting, so deep input is an error rather than a stack overflow.
func (p *parser) enter(off int) error {
	p.depth++
	if p.depth > maxDepth {
		return p.fail(off, "nesting is deeper than %d levels", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// items parses named items up to end (not consumed): the end of the input at the top level
// (open < 0), or the '}' of the block opened at offset open.
func (p *parser) items(end tokKind, open int) ([]*item, error) {
	top := open < 0
	var items []*item
	for p.tok.kind != end {
		if p.tok.kind == tEOF {
			return nil, p.fail(p.tok.pos, "expected '}' to close the block opened at %s, found the end of the input", p.at(open))
		}
		it, err := p.item()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	for _, it := range items {
		if it.kind == itemMerge && it.path.block == nil && !(top && len(items) == 1) {
			text := p.lx.src[it.path.pos:it.path.end]
			return nil, p.fail(it.pos, "%s has no output name: give it an alias (name: %s) or end it with a { … } block "+
				"whose fields merge here (a path without a name may only stand alone as the whole selection)", text, text)
		}
	}
	return items, nil
}

func (p *parser) item() (*item, error) {
	t := p.tok
	switch t.kind {
	case tIdent, tString:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tColon {
			if err := p.advance(); err != nil {
				return nil, err
			}
			return p.aliased(t)
		}
		pa, err := p.keyPath(t)
		if err != nil {
			return nil, err
		}
		if len(pa.steps) == 1 {
			return &item{kind: itemNamed, name: t.text, path: pa, pos: t.pos}, nil
		}
		return &item{kind: itemMerge, path: pa, pos: t.pos}, nil
	case tDollar, tVar, tAt, tDollarParen:
		pa, err := p.path()
		if err != nil {
			return nil, err
		}
		return &item{kind: itemMerge, path: pa, pos: t.pos}, nil
	}
	return nil, p.fail(t.pos, "expected a field name, an alias (name:) or a path, found %s", t.describe())
}

// aliased parses what follows "name:": a { … } group or a path.
func (p *parser) aliased(name token) (*item, error) {
	it := &item{kind: itemNamed, name: name.text, alias: true, pos: name.pos}
	var err error
	switch t := p.tok; t.kind {
	case tLBrace:
		it.kind = itemGroup
		it.group, err = p.block()
	case tIdent, tString:
		if err = p.advance(); err == nil {
			it.path, err = p.keyPath(t)
		}
	case tDollar, tVar, tAt, tDollarParen:
		it.path, err = p.path()
	default:
		err = p.fail(t.pos, "expected a path or a { … } block after %q:, found %s", name.text, t.describe())
	}
	if err != nil {
		return nil, err
	}
	return it, nil
}

func (p *parser) block() (*block, error) {
	open, err := p.expect(tLBrace, "'{'")
	if err != nil {
		return nil, err
	}
	if err := p.enter(open.pos); err != nil {
		return nil, err
	}
	items, err := p.items(tRBrace, open.pos)
	if err != nil {
		return nil, err
	}
	p.leave()
	return &block{items: items, pos: open.pos}, p.advance()
}

// at formats an offset as line:col for messages that point back at an opening token.
func (p *parser) at(off int) string {
	line, col := lineCol(p.lx.src, off)
	return fmt.Sprintf("%d:%d", line, col)
}

// keyPath parses the rest of a path whose first key (already consumed) is key.
func (p *parser) keyPath(key token) (*path, error) {
	pa := &path{head: headKey, pos: key.pos, steps: []step{{kind: stepKey, key: key.text, pos: key.pos}}}
	return pa, p.tail(pa)
}

// path parses a path starting with $, $name, @ or $( … ).
func (p *parser) path() (*path, error) {
	t := p.tok
	pa := &path{pos: t.pos}
	switch t.kind {
	case tDollar:
		pa.head = headDollar
	case tAt:
		pa.head = headAt
	case tVar:
		if !slices.Contains(knownVars, t.text) {
			return nil, p.fail(t.pos, "unknown variable %s; the variables are $, @, %s", t.text, strings.Join(knownVars, ", "))
		}
		pa.head, pa.name = headVar, t.text
	case tDollarParen:
		pa.head = headExpr
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.fail(p.tok.pos, "expected ')' to close the '$(' at %s, found %s", p.at(t.pos), p.tok.describe())
		}
		p.leave()
		pa.expr = v
	default:
		return nil, p.fail(t.pos, "expected a path, found %s", t.describe())
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return pa, p.tail(pa)
}

// tail parses the steps of a path and its optional trailing block.
func (p *parser) tail(pa *path) error {
	methods := 0
	for {
		t := p.tok
		switch t.kind {
		case tDot:
			if err := p.advance(); err != nil {
				return err
			}
			k := p.tok
			if k.kind != tIdent && k.kind != tString {
				return p.fail(k.pos, "expected a key (a name or a quoted string) after '.', found %s", k.describe())
			}
			pa.steps = append(pa.steps, step{kind: stepKey, key: k.text, pos: k.pos})
		case tQuestion:
			pa.steps = append(pa.steps, step{kind: stepOptional, pos: t.pos})
		case tArrow:
			if methods++; methods > maxChain {
				return p.fail(t.pos, "more than %d methods in one chain", maxChain)
			}
			if err := p.advance(); err != nil {
				return err
			}
			call, err := p.method()
			if err != nil {
				return err
			}
			pa.steps = append(pa.steps, step{kind: stepMethod, call: call, pos: call.pos})
			continue // method has advanced past its name or arguments
		case tNumber:
			if p.lx.src[t.pos] == '.' { // ".5" after a path: a key was expected after the '.'
				return p.fail(t.pos+1, "expected a key (a name or a quoted string) after '.', found %s", p.lx.src[t.pos+1:t.end])
			}
			fallthrough
		default:
			pa.end = p.prev
			pa.text = pathText(pa)
			if t.kind == tLBrace {
				b, err := p.block()
				pa.block = b
				return err
			}
			return nil
		}
		if err := p.advance(); err != nil {
			return err
		}
	}
}
