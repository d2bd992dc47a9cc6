package mapping

import "encoding/json"

// This file parses method calls and literal expressions (method arguments, $( … ) and
// template expressions).

// method parses name[(args)] after "->" and checks the name and the number of arguments.
func (p *parser) method() (*methodCall, error) {
	name, err := p.expect(tIdent, "a method name after '->'")
	if err != nil {
		return nil, err
	}
	spec := methods[name.text]
	if spec == nil {
		return nil, p.fail(name.pos, "unknown method ->%s; the methods are %s", name.text, methodList())
	}
	call := &methodCall{spec: spec, pos: name.pos}
	hasArgs := p.tok.kind == tLParen
	if hasArgs {
		if call.args, err = p.args(); err != nil {
			return nil, err
		}
	}
	switch n := len(call.args); {
	case spec.max == 0 && hasArgs:
		return nil, p.fail(name.pos, "->%s takes no arguments: write ->%s", spec.name, spec.name)
	case n < spec.min:
		return nil, p.fail(name.pos, "->%s needs %s, found %d", spec.name, spec.arity(), n)
	case spec.max >= 0 && n > spec.max:
		return nil, p.fail(call.args[spec.max].pos, "->%s takes %s, found %d", spec.name, spec.arity(), n)
	}
	if spec.check != nil {
		if err := spec.check(p, call); err != nil {
			return nil, err
		}
	}
	return call, nil
}

func (p *parser) args() ([]*value, error) {
	open := p.tok
	if err := p.enter(open.pos); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	args, err := p.list(tRParen, "')'", open.pos)
	if err != nil {
		return nil, err
	}
	p.leave()
	return args, nil
}

// list parses comma-separated values up to end (consumed); a trailing comma is allowed.
func (p *parser) list(end tokKind, what string, open int) ([]*value, error) {
	var vs []*value
	for p.tok.kind != end {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
		if p.tok.kind == tComma {
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		if p.tok.kind != end {
			return nil, p.fail(p.tok.pos, "expected ',' or %s (opened at %s), found %s", what, p.at(open), p.tok.describe())
		}
	}
	return vs, p.advance()
}

// value parses a literal expression: string, number, true, false, null, object, list, or a
// path with an optional block.
func (p *parser) value() (*value, error) {
	t := p.tok
	v := &value{pos: t.pos}
	var err error
	switch t.kind {
	case tString:
		v.konst = t.text
	case tNumber:
		v.konst = json.Number(t.text)
	case tIdent:
		switch t.text {
		case "true", "false":
			v.konst = t.text == "true"
		case "null":
		default:
			if err = p.advance(); err != nil {
				return nil, err
			}
			v.kind = valuePath
			v.path, err = p.keyPath(t)
			return v, err
		}
	case tLBrace:
		v.kind = valueObject
		v.fields, err = p.object()
		return v, err
	case tLBracket:
		v.kind = valueArray
		if err = p.enter(t.pos); err != nil {
			return nil, err
		}
		if err = p.advance(); err != nil {
			return nil, err
		}
		if v.elems, err = p.list(tRBracket, "']'", t.pos); err != nil {
			return nil, err
		}
		p.leave()
		return v, nil
	case tDollar, tVar, tAt, tDollarParen:
		v.kind = valuePath
		v.path, err = p.path()
		return v, err
	default:
		return nil, p.fail(t.pos, "expected a value (a string, number, true, false, null, path, { … } or [ … ]), found %s", t.describe())
	}
	return v, p.advance()
}

// object parses { key: value, … }.
func (p *parser) object() ([]field, error) {
	open := p.tok
	if err := p.enter(open.pos); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var fs []field
	for p.tok.kind != tRBrace {
		k := p.tok
		if k.kind != tIdent && k.kind != tString {
			return nil, p.fail(k.pos, "expected a key (a name or a quoted string) in the object opened at %s, found %s", p.at(open.pos), k.describe())
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if _, err := p.expect(tColon, "':' after the key "+quote(k.text)); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		fs = append(fs, field{key: k.text, val: v})
		if p.tok.kind == tComma {
			if err := p.advance(); err != nil {
				return nil, err
			}
		} else if p.tok.kind != tRBrace {
			return nil, p.fail(p.tok.pos, "expected ',' or '}' (object opened at %s), found %s", p.at(open.pos), p.tok.describe())
		}
	}
	p.leave()
	return fs, p.advance()
}
