package auth

import (
	"slices"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/planner"
)

// Authorizer applies one supergraph's authorization directives (@authenticated,
// @requiresScopes, @policy) to operations, following Apollo Router's rules
// (docs/authorization.md). NewAuthorizer builds it once per supergraph version; it is
// immutable and safe for concurrent use.
//
// A principal is reduced to the atoms it holds: being authenticated, each scope and each
// policy the supergraph names. Which atoms an operation depends on is fixed by its text
// (Atoms), so a bit mask over them (Mask) is all that tells two callers' views of the
// operation apart: equal masks, equal answers, one plan.
type Authorizer struct {
	sg    *federation.Supergraph
	atoms []atom
	// grants are the policies of the policy atoms, by atom index (nil for other atoms).
	grants []*grant
	// fields is the requirement of selecting a field on a parent type (absent: none): the
	// field's own, its parent type's and its type's, and on an interface those of every
	// implementation's field.
	fields map[fieldKey]cond
	// types holds each type's own requirement; impls, for each interface, those of all its
	// implementations.
	types, impls map[string]cond
	undefined    []string
}

type fieldKey struct{ parent, name string }

type atomKind uint8

const (
	atomAuthenticated atomKind = iota
	atomScope
	atomPolicy
)

type atom struct {
	kind atomKind
	name string
}

// grant is a configured policy, compiled: its claims in a slice (a map is slower to walk
// on every request). nil for a policy that is not defined.
type grant struct {
	claims []claimRule
	scopes []string
}

type claimRule struct {
	name     string
	accepted []string
}

func compileGrant(p Policy, ok bool) *grant {
	if !ok || p.Empty() {
		return nil
	}
	g := &grant{scopes: p.Scopes}
	for name, accepted := range p.Claims {
		g.claims = append(g.claims, claimRule{name, accepted})
	}
	sort.Slice(g.claims, func(i, j int) bool { return g.claims[i].name < g.claims[j].name })
	return g
}

func (g *grant) allows(p *Principal) bool {
	if g == nil || p == nil || !p.HasScopes(g.scopes) {
		return false
	}
	for _, c := range g.claims {
		if !claimHolds(claimValue(p.Claims, c.name), c.accepted) {
			return false
		}
	}
	return true
}

// cond is a conjunction of conditions in disjunctive normal form over atom indexes: each
// one needs an inner list whose atoms are all held. An empty cond always holds.
type cond [][][]int

func (c cond) holds(held []bool) bool {
	for _, dnf := range c {
		ok := false
		for _, and := range dnf {
			all := true
			for _, a := range and {
				if !held[a] {
					all = false
					break
				}
			}
			if all {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// NewAuthorizer compiles sg's directives with rules; nil when sg has none (nothing to do).
func NewAuthorizer(sg *federation.Supergraph, rules Rules) *Authorizer {
	if !sg.HasAuthorization {
		return nil
	}
	a := &Authorizer{sg: sg, fields: map[fieldKey]cond{}, types: map[string]cond{}, impls: map[string]cond{}}
	index := map[atom]int{}
	undefined := map[string]bool{}
	id := func(at atom) int {
		if i, ok := index[at]; ok {
			return i
		}
		var g *grant
		if at.kind == atomPolicy {
			pol, defined := rules.Policies[at.name]
			if !defined {
				undefined[at.name] = true
			}
			g = compileGrant(pol, defined)
		}
		index[at] = len(a.atoms)
		a.grants = append(a.grants, g)
		a.atoms = append(a.atoms, at)
		return index[at]
	}
	compile := func(r *federation.Requirements) cond {
		if r == nil {
			return nil
		}
		var c cond
		if r.Authenticated {
			c = append(c, [][]int{{id(atom{kind: atomAuthenticated})}})
		}
		for _, part := range []struct {
			dnf  [][]string
			kind atomKind
		}{{r.Scopes, atomScope}, {r.Policies, atomPolicy}} {
			if part.dnf == nil {
				continue
			}
			dnf := make([][]int, len(part.dnf))
			for i, and := range part.dnf {
				for _, name := range and {
					dnf[i] = append(dnf[i], id(atom{kind: part.kind, name: name}))
				}
			}
			c = append(c, dnf)
		}
		return c
	}
	names := make([]string, 0, len(sg.Types))
	for name := range sg.Types {
		names = append(names, name)
	}
	sort.Strings(names) // atom numbering does not depend on map order
	for _, name := range names {
		if c := compile(sg.Types[name].Auth); c != nil {
			a.types[name] = c
		}
	}
	for _, name := range names {
		t := sg.Types[name]
		var possible []*ast.Definition
		if t.Kind == ast.Interface {
			possible = sg.PossibleTypes(name)
			var all cond
			for _, o := range possible {
				all = append(all, a.types[o.Name]...)
			}
			if all != nil {
				a.impls[name] = all
			}
		}
		fieldNames := make([]string, 0, len(t.Fields))
		for f := range t.Fields {
			fieldNames = append(fieldNames, f)
		}
		sort.Strings(fieldNames)
		for _, fname := range fieldNames {
			f := t.Fields[fname]
			c := append(append(compile(f.Auth), a.types[name]...), a.types[f.Def.Type.Name()]...)
			for _, o := range possible {
				if of := sg.Field(o.Name, fname); of != nil {
					c = append(c, compile(of.Auth)...)
				}
			}
			if c != nil {
				a.fields[fieldKey{name, fname}] = c
			}
		}
	}
	for name := range undefined {
		a.undefined = append(a.undefined, name)
	}
	sort.Strings(a.undefined)
	return a
}

// UndefinedPolicies lists the policy names the supergraph's @policy uses that Rules do not
// define: they are never granted.
func (a *Authorizer) UndefinedPolicies() []string { return a.undefined }

// fieldCond is the requirement of selecting field name on parent type typ; ok is false when
// the supergraph has no such field (an operation not validated against it).
func (a *Authorizer) fieldCond(typ, name string) (c cond, fd *ast.FieldDefinition, ok bool) {
	def := a.sg.Schema.Types[typ]
	if def == nil {
		return nil, nil, false
	}
	if fd = def.Fields.ForName(name); fd == nil {
		return nil, nil, false
	}
	return a.fields[fieldKey{typ, name}], fd, true
}

// abstractCond is what selecting fields on interface typ itself needs: the requirements of
// all its implementations (Apollo's rule; __typename and fragments on implementations
// are checked on their own).
func (a *Authorizer) abstractCond(typ string, set ast.SelectionSet) cond {
	c, ok := a.impls[typ]
	if !ok || !ownFields(typ, set) {
		return nil
	}
	return c
}

// ownFields reports whether set selects a field other than __typename on typ itself
// (directly or in fragments on typ).
func ownFields(typ string, set ast.SelectionSet) bool {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name != "__typename" {
				return true
			}
		case *ast.InlineFragment:
			if (s.TypeCondition == "" || s.TypeCondition == typ) && ownFields(typ, s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && s.Definition.TypeCondition == typ && ownFields(typ, s.Definition.SelectionSet) {
				return true
			}
		}
	}
	return false
}

// Atoms lists, in increasing order, the atoms that decide what op shows a caller: every
// requirement met anywhere in the operation, whatever its variables. The result depends on
// op only; a caller caches it with the operation.
func (a *Authorizer) Atoms(op *ast.OperationDefinition) []int {
	seen := map[int]bool{}
	visited := map[*ast.FragmentDefinition]bool{}
	add := func(c cond) {
		for _, dnf := range c {
			for _, and := range dnf {
				for _, at := range and {
					seen[at] = true
				}
			}
		}
	}
	var walk func(typ string, set ast.SelectionSet)
	fragment := func(typ, cond string, set ast.SelectionSet) {
		if cond == "" {
			cond = typ
		}
		add(a.types[cond])
		if cond != typ {
			add(a.abstractCond(cond, set))
		}
	}
	walk = func(typ string, set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if strings.HasPrefix(s.Name, "__") {
					continue
				}
				c, fd, ok := a.fieldCond(typ, s.Name)
				if !ok {
					continue
				}
				add(c)
				add(a.abstractCond(fd.Type.Name(), s.SelectionSet))
				walk(fd.Type.Name(), s.SelectionSet)
			case *ast.InlineFragment:
				fragment(typ, s.TypeCondition, s.SelectionSet)
				cond := s.TypeCondition
				if cond == "" {
					cond = typ
				}
				walk(cond, s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition == nil {
					continue
				}
				fragment(typ, s.Definition.TypeCondition, s.Definition.SelectionSet)
				if !visited[s.Definition] {
					visited[s.Definition] = true
					walk(s.Definition.TypeCondition, s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(planner.RootType(a.sg.Schema, op.Operation), op.SelectionSet)
	out := make([]int, 0, len(seen))
	for at := range seen {
		out = append(out, at)
	}
	slices.Sort(out)
	return out
}

// Mask tells which of atoms (from Atoms) principal p holds: bit i for atoms[i]. ok is false
// when there are more than 64 atoms (use Held). An anonymous caller holds nothing, at no
// cost. Mask does not allocate.
func (a *Authorizer) Mask(p *Principal, atoms []int) (mask uint64, ok bool) {
	if len(atoms) > 64 {
		return 0, false
	}
	if p == nil {
		return 0, true
	}
	for i, at := range atoms {
		if a.holds(p, at) {
			mask |= 1 << i
		}
	}
	return mask, true
}

// HeldFromMask expands a Mask over atoms into the per-atom form Filter reads.
func (a *Authorizer) HeldFromMask(atoms []int, mask uint64) []bool {
	held := make([]bool, len(a.atoms))
	for i, at := range atoms {
		held[at] = mask&(1<<i) != 0
	}
	return held
}

// Held is what p holds of every atom of the supergraph, for Filter.
func (a *Authorizer) Held(p *Principal) []bool {
	held := make([]bool, len(a.atoms))
	if p != nil {
		for i := range a.atoms {
			held[i] = a.holds(p, i)
		}
	}
	return held
}

func (a *Authorizer) holds(p *Principal, i int) bool {
	at := a.atoms[i]
	switch at.kind {
	case atomAuthenticated:
		return p != nil
	case atomScope:
		return p != nil && slices.Contains(p.Scopes, at.name)
	default:
		return a.grants[i].allows(p)
	}
}

// Filtered is what authorization removes from one operation for one caller.
type Filtered struct {
	// Operation is the operation without the removed selections; it is the input operation
	// itself when nothing was removed. Fragment spreads whose content changed are replaced
	// by inline fragments: shared fragment definitions are never modified.
	Operation *ast.OperationDefinition
	// Denied holds the fields of the input operation that were removed (nil when none):
	// fields the caller may not see, those in fragments on types it may not see, and fields
	// whose whole selection was removed.
	Denied map[*ast.Field]bool
	// Paths are the response paths of the removed fields the caller asked for, one per
	// path ("@" stands for the items of a list), in operation order.
	Paths []ast.Path
}

// Filter removes from op (validated against the supergraph's API schema) what a caller
// holding the atoms held may not see. vars are the request's variables: a field that
// @skip/@include leave out is removed when denied but reported in no path.
func (a *Authorizer) Filter(op *ast.OperationDefinition, vars map[string]any, held []bool) *Filtered {
	f := &filter{a: a, held: held, vars: vars}
	set, changed := f.set(planner.RootType(a.sg.Schema, op.Operation), op.SelectionSet, true)
	out := &Filtered{Operation: op, Denied: f.denied, Paths: f.paths}
	if changed {
		c := *op
		c.SelectionSet = set
		out.Operation = &c
	}
	return out
}

type filter struct {
	a      *Authorizer
	held   []bool
	vars   map[string]any
	denied map[*ast.Field]bool
	paths  []ast.Path
	seen   map[string]bool
	// path is the response path of the objects being filtered ("@" for list items).
	path []string
}

// set filters selection set at type typ, whose objects are at f.path; inc is false under a
// selection the request's @skip/@include leave out. It returns the set to plan (set itself
// when unchanged).
func (f *filter) set(typ string, set ast.SelectionSet, inc bool) (ast.SelectionSet, bool) {
	var out ast.SelectionSet
	changed := false
	for i, s := range set {
		kept, ch := f.selection(typ, s, inc)
		if ch && !changed {
			changed = true
			out = append(make(ast.SelectionSet, 0, len(set)), set[:i]...)
		}
		if changed && kept != nil {
			out = append(out, kept)
		}
	}
	if !changed {
		return set, false
	}
	return out, true
}

func (f *filter) selection(typ string, s ast.Selection, inc bool) (ast.Selection, bool) {
	switch s := s.(type) {
	case *ast.Field:
		if kept, ch := f.field(typ, s, inc && planner.Included(s.Directives, f.vars)); kept != nil {
			return kept, ch
		}
		return nil, true
	case *ast.InlineFragment:
		cond := s.TypeCondition
		if cond == "" {
			cond = typ
		}
		inc = inc && planner.Included(s.Directives, f.vars)
		if !f.fragmentAllowed(typ, cond, s.SelectionSet) {
			f.denyAll(cond, s.SelectionSet, inc)
			return nil, true
		}
		sub, ch := f.set(cond, s.SelectionSet, inc)
		if !ch {
			return s, false
		}
		if len(sub) == 0 {
			return nil, true
		}
		c := *s
		c.SelectionSet = sub
		return &c, true
	case *ast.FragmentSpread:
		if s.Definition == nil {
			return s, false
		}
		def := s.Definition
		inc = inc && planner.Included(s.Directives, f.vars)
		if !f.fragmentAllowed(typ, def.TypeCondition, def.SelectionSet) {
			f.denyAll(def.TypeCondition, def.SelectionSet, inc)
			return nil, true
		}
		sub, ch := f.set(def.TypeCondition, def.SelectionSet, inc)
		if !ch {
			return s, false
		}
		if len(sub) == 0 {
			return nil, true
		}
		return &ast.InlineFragment{TypeCondition: def.TypeCondition, Directives: s.Directives, SelectionSet: sub,
			ObjectDefinition: def.Definition, Position: s.Position}, true
	}
	return s, false
}

func (f *filter) fragmentAllowed(typ, cond string, set ast.SelectionSet) bool {
	if !f.a.types[cond].holds(f.held) {
		return false
	}
	return cond == typ || f.a.abstractCond(cond, set).holds(f.held)
}

// field filters one field on parent type typ: nil when it is removed.
func (f *filter) field(typ string, s *ast.Field, inc bool) (*ast.Field, bool) {
	if strings.HasPrefix(s.Name, "__") {
		return s, false // __typename and introspection are never restricted
	}
	c, fd, ok := f.a.fieldCond(typ, s.Name)
	if !ok || !c.holds(f.held) || !f.a.abstractCond(fd.Type.Name(), s.SelectionSet).holds(f.held) {
		f.deny(s, inc)
		return nil, true
	}
	if len(s.SelectionSet) == 0 {
		return s, false
	}
	depth := len(f.path)
	f.path = append(f.path, responseKey(s))
	for t := fd.Type; t.Elem != nil; t = t.Elem {
		f.path = append(f.path, "@")
	}
	sub, ch := f.set(fd.Type.Name(), s.SelectionSet, inc)
	f.path = f.path[:depth]
	if !ch {
		return s, false
	}
	if len(sub) == 0 {
		// Nothing left to ask for: the field goes too, its removed fields say why.
		f.mark(s)
		return nil, true
	}
	c2 := *s
	c2.SelectionSet = sub
	return &c2, true
}

// denyAll removes every field of a fragment the caller may not see.
func (f *filter) denyAll(typ string, set ast.SelectionSet, inc bool) {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				continue // still answered: the object is there, only its type is not visible
			}
			f.deny(s, inc && planner.Included(s.Directives, f.vars))
		case *ast.InlineFragment:
			cond := s.TypeCondition
			if cond == "" {
				cond = typ
			}
			f.denyAll(cond, s.SelectionSet, inc && planner.Included(s.Directives, f.vars))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				f.denyAll(s.Definition.TypeCondition, s.Definition.SelectionSet, inc && planner.Included(s.Directives, f.vars))
			}
		}
	}
}

// deny removes field s, at f.path; inc: the caller asked for it, its path is reported.
func (f *filter) deny(s *ast.Field, inc bool) {
	f.mark(s)
	if !inc {
		return
	}
	key := strings.Join(f.path, "\x00") + "\x00" + responseKey(s)
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if f.seen[key] {
		return
	}
	f.seen[key] = true
	at := make(ast.Path, 0, len(f.path)+1)
	for _, e := range f.path {
		at = append(at, ast.PathName(e))
	}
	f.paths = append(f.paths, append(at, ast.PathName(responseKey(s))))
}

func (f *filter) mark(s *ast.Field) {
	if f.denied == nil {
		f.denied = map[*ast.Field]bool{}
	}
	f.denied[s] = true
}

func responseKey(s *ast.Field) string {
	if s.Alias != "" {
		return s.Alias
	}
	return s.Name
}
