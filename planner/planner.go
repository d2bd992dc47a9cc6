package planner

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// Error is an operation the planner cannot serve with this supergraph.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

func errorf(format string, args ...any) error { return &Error{Message: fmt.Sprintf(format, args...)} }

// Build plans operation op (validated against sg.API) for the given variable values. Only
// the values of variables read by @skip/@include influence the plan (see ConditionVariables).
func Build(sg *federation.Supergraph, op *ast.OperationDefinition, vars map[string]any) (*Plan, error) {
	return build(sg, op, op, nil, vars)
}

// BuildFiltered plans filtered, which is op without the selections authorization removed,
// and shapes the response after op itself: the fields of op in denied are written as null
// (with GraphQL null propagation, as if a subgraph had answered null), so no subgraph is
// ever asked for them and the client still gets the shape it asked for.
func BuildFiltered(sg *federation.Supergraph, op, filtered *ast.OperationDefinition, denied map[*ast.Field]bool, vars map[string]any) (*Plan, error) {
	return build(sg, op, filtered, denied, vars)
}

func build(sg *federation.Supergraph, op, planned *ast.OperationDefinition, denied map[*ast.Field]bool, vars map[string]any) (*Plan, error) {
	p := newPlanner(sg, planned, collector{schema: sg.Schema, vars: vars})
	shape, err := (&shaper{api: sg.API, vars: vars, denied: denied}).shape(RootType(sg.API, op.Operation), []ast.SelectionSet{op.SelectionSet})
	if err != nil {
		return nil, err
	}
	if err := p.retry(p.planRoot); err != nil {
		return nil, err
	}
	root, n, err := p.tree()
	if err != nil {
		return nil, err
	}
	return &Plan{Kind: op.Operation, Root: root, Shape: shape, Fetches: n}, nil
}

// RootType names the root type of an operation of kind op; "" when the schema has none.
func RootType(schema *ast.Schema, op ast.Operation) string {
	switch op {
	case ast.Mutation:
		if schema.Mutation != nil {
			return schema.Mutation.Name
		}
	case ast.Subscription:
		if schema.Subscription != nil {
			return schema.Subscription.Name
		}
	default:
		if schema.Query != nil {
			return schema.Query.Name
		}
	}
	return ""
}

func newPlanner(sg *federation.Supergraph, op *ast.OperationDefinition, col collector) *planner {
	return &planner{sg: sg, op: op, col: col, inputs: map[string]bool{}}
}

type planner struct {
	sg    *federation.Supergraph
	op    *ast.OperationDefinition
	col   collector // holds the request's variables for @skip/@include
	steps []*step
	// touched collects the steps that a nested planning call created or extended, so that a
	// step whose representation needs their output can depend on them.
	touched []*step
	// inputs guards against a key or requirement that can only be reached through itself.
	inputs map[string]bool
	// frames are the composite fields being planned, outermost first.
	frames []frame
	// avoid holds, per field and place (fieldPoint), the subgraphs where its selection could
	// not be planned; it survives the restarts of retry (nil until then).
	avoid map[string][]federation.SubgraphID
}

// chain returns the frames of fetch st that lead to the current position, outermost first.
func (p *planner) chain(st *step) []frame {
	i := len(p.frames)
	for i > 0 && p.frames[i-1].st == st {
		i--
	}
	return p.frames[i:]
}

// frame is a composite field on the way down: where it was added and from which type.
type frame struct {
	st    *step
	out   *[]*sel // the selection list holding the field
	typ   string  // the type declaring the field
	field *cfield
	path  []string // response path of the object holding the field
}

// step is a fetch being built: one subgraph operation.
type step struct {
	id      int
	sub     federation.SubgraphID
	entity  bool
	path    []string
	pathKey string
	// more are further paths of a fetch merged from identical ones (see mergeSteps).
	more   [][]string
	parent *step
	deps   []*step
	// out is the selection of a root operation, or the `... on T` fragments under _entities.
	out []*sel
	// inputs holds per entity type the fields of a representation.
	inputs   []*InputType
	mutIndex int
}

func (s *step) addDep(d *step) {
	if d == s {
		return
	}
	for _, x := range s.deps {
		if x == d {
			return
		}
	}
	s.deps = append(s.deps, d)
}

// sel is a selection in a subgraph operation: a field, or an inline fragment when typeCond
// is set.
type sel struct {
	alias, name string
	args        ast.ArgumentList
	typeCond    string
	children    []*sel
	// typ is the field's type in the fetch's subgraph ("" when not needed), to find fields
	// that share a response key with different types.
	typ string
}

func (s *sel) key() string {
	if s.alias != "" {
		return s.alias
	}
	return s.name
}

// addField finds or adds field name under response key key. It reports false when key is
// already used by a different field.
func addField(out *[]*sel, key, name string, args ast.ArgumentList) (*sel, bool) {
	for _, s := range *out {
		if s.typeCond == "" && s.key() == key {
			if s.name != name || argsString(s.args) != argsString(args) {
				return nil, false
			}
			return s, true
		}
	}
	s := &sel{name: name, args: args}
	if key != name {
		s.alias = key
	}
	*out = append(*out, s)
	return s, true
}

func addFragment(out *[]*sel, typ string) *sel {
	for _, s := range *out {
		if s.typeCond == typ {
			return s
		}
	}
	s := &sel{typeCond: typ}
	*out = append(*out, s)
	return s
}

func argsString(args ast.ArgumentList) string {
	if len(args) == 0 {
		return ""
	}
	var b strings.Builder
	for _, a := range args {
		b.WriteString(a.Name)
		b.WriteByte(':')
		b.WriteString(a.Value.String())
		b.WriteByte(',')
	}
	return b.String()
}

func (p *planner) newStep(sub federation.SubgraphID, entity bool, path []string, parent *step) *step {
	st := &step{id: len(p.steps), sub: sub, entity: entity, path: path, pathKey: strings.Join(path, "."), parent: parent, mutIndex: -1}
	if parent != nil {
		st.deps = []*step{parent}
	}
	p.steps = append(p.steps, st)
	return st
}

func (p *planner) planRoot() error {
	rt := RootType(p.sg.Schema, p.op.Operation)
	if p.op.Operation == ast.Subscription {
		return errorf("subscriptions are not supported yet")
	}
	t := p.sg.Types[rt]
	fields := p.col.collect(rt, []ast.SelectionSet{p.op.SelectionSet})
	var last *step
	bySub := map[federation.SubgraphID]*step{}
	for _, f := range fields {
		if f.name == "__typename" || f.name == "__schema" || f.name == "__type" {
			continue
		}
		fi := t.Fields[f.name]
		if fi == nil {
			return errorf("cannot query field %q on type %q", f.name, rt)
		}
		sub := p.chooseRootSubgraph(fi, f, bySub, last)
		if sub < 0 {
			return errorf("no subgraph can resolve %s.%s", rt, f.name)
		}
		var st *step
		if p.op.Operation == ast.Mutation {
			// Mutation fields run in order; adjacent fields for one subgraph share a fetch.
			if last != nil && last.sub == sub {
				st = last
			} else {
				st = p.newStep(sub, false, nil, nil)
				st.mutIndex = len(bySub)
				bySub[len(bySub)] = st
			}
		} else {
			st = bySub[sub]
			if st == nil {
				st = p.newStep(sub, false, nil, nil)
				bySub[sub] = st
			}
		}
		last = st
		if err := p.planFields(st, &st.out, rt, []*cfield{f}, nil, nil, false); err != nil {
			return err
		}
	}
	return nil
}

// chooseRootSubgraph picks the subgraph for a root field that several subgraphs resolve: the
// one whose plan of the field alone has the fewest fetches (a subgraph where the field's
// selection cannot be planned is never chosen); ties go to a subgraph already used, then to
// the one resolving most of the field's direct children, then to the first.
func (p *planner) chooseRootSubgraph(fi *federation.Field, f *cfield, used map[federation.SubgraphID]*step, last *step) federation.SubgraphID {
	best, bestFetches, bestRemote, bestScore := -1, 0, 0, -1
	var cands []federation.SubgraphID
	for sub := range p.sg.Subgraphs {
		if fi.Resolvable(sub) {
			cands = append(cands, sub)
		}
	}
	if len(cands) == 1 {
		return cands[0]
	}
	for _, sub := range cands {
		trial := newPlanner(p.sg, p.op, p.col)
		err := trial.retry(func() error {
			st := trial.newStep(sub, false, nil, nil)
			return trial.planFields(st, &st.out, fi.Parent.Name, []*cfield{f}, nil, nil, false)
		})
		if err != nil {
			continue
		}
		score := p.localChildren(fi, f, sub)
		if p.op.Operation == ast.Mutation {
			if last != nil && last.sub == sub {
				score += 1000
			}
		} else if used[sub] != nil {
			score += 1000
		}
		// Fewer fetches first; then fewer fields fetched through jumps; then the score.
		fetches := len(trial.steps)
		remote := trial.remoteSelections()
		if best < 0 || fetches < bestFetches || fetches == bestFetches && (remote < bestRemote || remote == bestRemote && score > bestScore) {
			best, bestFetches, bestRemote, bestScore = sub, fetches, remote, score
		}
	}
	if best < 0 && len(cands) > 0 {
		return cands[0] // let the real planning report why
	}
	return best
}

// remoteSelections counts the selections of entity fetches.
func (p *planner) remoteSelections() int {
	var count func([]*sel) int
	count = func(sels []*sel) int {
		n := len(sels)
		for _, s := range sels {
			n += count(s.children)
		}
		return n
	}
	n := 0
	for _, st := range p.steps {
		if st.entity {
			n += count(st.out)
		}
	}
	return n
}

// localChildren counts the direct child fields that sub can resolve without a jump.
func (p *planner) localChildren(fi *federation.Field, f *cfield, sub federation.SubgraphID) int {
	if len(f.sets) == 0 {
		return 0
	}
	rt := p.sg.Types[fi.Def.Type.Name()]
	if rt == nil {
		return 0
	}
	n := 0
	for _, c := range p.col.collect(rt.Name, f.sets) {
		if cf := rt.Fields[c.name]; cf != nil && cf.Resolvable(sub) {
			n++
		}
	}
	return n
}

// planFields plans fields of type typ at one position of step st: the ones st's subgraph
// resolves go into out; the others go to entity fetches into other subgraphs. prov is the
// @provides selection that applies here. atEntry is true at the top of an entity fetch,
// where @requires of st's subgraph are satisfied by the representation.
func (p *planner) planFields(st *step, out *[]*sel, typ string, fields []*cfield, path []string, prov ast.SelectionSet, atEntry bool) error {
	t := p.sg.Types[typ]
	if t == nil {
		return errorf("unknown type %s", typ)
	}
	var remote []*cfield
	for _, f := range fields {
		if f.name == "__typename" {
			addField(out, f.key, "__typename", nil)
			continue
		}
		fi := t.Fields[f.name]
		if fi == nil {
			return errorf("type %s has no field %s", typ, f.name)
		}
		provided, childProv := providedField(prov, typ, f.name)
		local := (provided || fi.Resolvable(st.sub)) && !p.avoided(path, typ, f, st.sub)
		if local && !provided && len(fi.In[st.sub].Requires) > 0 && !atEntry {
			local = false // its requirements must come in through a representation
		}
		if !local {
			remote = append(remote, f)
			continue
		}
		if !provided && fi.In[st.sub] != nil {
			childProv = fi.In[st.sub].Provides
		}
		if err := p.planLocal(st, out, fi, f, path, childProv); err != nil {
			return p.fallBack(st, t, f, path, prov, err)
		}
	}
	if len(remote) > 0 {
		return p.planJumps(st, out, t, remote, path, prov)
	}
	return nil
}

// planLocal adds field f, resolved by st's subgraph, and plans its selection.
func (p *planner) planLocal(st *step, out *[]*sel, fi *federation.Field, f *cfield, path []string, prov ast.SelectionSet) error {
	s, ok := addField(out, f.key, f.name, f.field.Arguments)
	if !ok {
		return errorf("response key %q is used by two different fields", f.key)
	}
	s.typ = fi.Def.Type.String()
	if in := fi.In[st.sub]; in != nil && in.Type != "" {
		s.typ = in.Type
	}
	if len(f.sets) == 0 {
		return nil
	}
	childPath := appendPath(path, f.key, fi.Def.Type)
	childType := fi.Def.Type.Name()
	if in := fi.In[st.sub]; in != nil && in.Type != "" {
		// @join__field(type:): this subgraph declares a narrower type (a member of the
		// union, say); fragments on other types cannot be sent to it.
		childType = strings.Trim(in.Type, "[]!")
	}
	p.frames = append(p.frames, frame{st: st, out: out, typ: fi.Parent.Name, field: f, path: path})
	err := p.planComposite(st, &s.children, childType, f.sets, childPath, prov, p.sharedMembers(st, childType))
	p.frames = p.frames[:len(p.frames)-1]
	return err
}

// sharedMembers handles a union-returning field that other subgraphs could also have
// answered at this place (a partial union): the subgraphs reachable here — from the root, or
// through the key of the nearest entity on the way down — may each know other members, and
// any of them could have been asked, so only the members they all know are planned; objects
// of the others keep just their __typename. Nil means no limit.
func (p *planner) sharedMembers(st *step, typ string) map[string]bool {
	t := p.sg.Types[typ]
	if t == nil || t.Kind != ast.Union {
		return nil
	}
	chain := p.chain(st)
	root := RootType(p.sg.Schema, p.op.Operation)
	reachable := func(sub federation.SubgraphID) bool {
		for k := len(chain) - 1; k >= 0; k-- {
			ok := true
			for _, fr := range chain[k:] {
				if fi := p.sg.Field(fr.typ, fr.field.name); fi == nil || !fi.Resolvable(sub) {
					ok = false
					break
				}
			}
			if !ok {
				return false
			}
			at := p.sg.Types[chain[k].typ]
			if chain[k].typ == root && !st.entity || at != nil && len(at.ResolvableKeys(sub)) > 0 {
				return true
			}
		}
		return false
	}
	var scope map[string]bool
	subs := 0
	for sub := range p.sg.Subgraphs {
		if t.In[sub] == nil || sub != st.sub && !reachable(sub) {
			continue
		}
		subs++
		known := map[string]bool{}
		for _, m := range t.In[sub].Members {
			if scope == nil || scope[m] {
				known[m] = true
			}
		}
		scope = known
	}
	if subs < 2 {
		return nil
	}
	return scope
}

// planComposite plans a selection set on a composite type (object, interface or union).
// scope, when not nil, limits the concrete types planned at an abstract position.
func (p *planner) planComposite(st *step, out *[]*sel, typ string, sets []ast.SelectionSet, path []string, prov ast.SelectionSet, scope map[string]bool) error {
	def := p.sg.Schema.Types[typ]
	if def == nil {
		return errorf("unknown type %s", typ)
	}
	if def.Kind == ast.Object {
		return p.planFields(st, out, typ, p.col.collect(typ, sets), path, prov, false)
	}
	// Abstract: the executor needs the runtime type of every object.
	addField(out, "__typename", "__typename", nil)
	if in := p.sg.Types[typ].In[st.sub]; in != nil && in.InterfaceObject {
		return p.planInterfaceObject(st, out, typ, sets, path, prov)
	}
	if def.Kind == ast.Interface && p.col.onlyOwnFields(typ, sets) && p.allLocal(st.sub, typ, sets, prov) {
		return p.planFields(st, out, typ, p.col.collect(typ, sets), path, prov, false)
	}
	known := 0
	for _, obj := range p.sg.PossibleTypes(typ) {
		if p.sg.HasMember(st.sub, typ, obj.Name) {
			known++
		}
	}
	if known == 0 && def.Kind == ast.Interface {
		// The subgraph knows no implementation: the fields on the interface itself must be
		// reachable (through an entity interface's key) or the operation cannot be planned.
		return p.planFields(st, out, typ, p.col.collect(typ, sets), path, prov, false)
	}
	for _, obj := range p.sg.PossibleTypes(typ) {
		if !p.sg.HasMember(st.sub, typ, obj.Name) || scope != nil && !scope[obj.Name] {
			continue
		}
		fields := p.col.collect(obj.Name, sets)
		if len(fields) == 0 {
			continue
		}
		frag := addFragment(out, obj.Name)
		if err := p.planFields(st, &frag.children, obj.Name, fields, path, prov, false); err != nil {
			return err
		}
		if len(frag.children) == 0 {
			addField(&frag.children, "__typename", "__typename", nil)
		}
	}
	return nil
}

func (p *planner) allLocal(sub federation.SubgraphID, typ string, sets []ast.SelectionSet, prov ast.SelectionSet) bool {
	t := p.sg.Types[typ]
	for _, f := range p.col.collect(typ, sets) {
		if f.name == "__typename" {
			continue
		}
		fi := t.Fields[f.name]
		provided, _ := providedField(prov, typ, f.name)
		if fi == nil || !(provided || fi.Resolvable(sub)) {
			return false
		}
		if in := fi.In[sub]; !provided && in != nil && len(in.Requires) > 0 {
			return false
		}
		// Implementations may disagree with the interface (external, overridden, requires):
		// then the selection is split by type.
		for _, obj := range p.sg.PossibleTypes(typ) {
			if !p.sg.HasMember(sub, typ, obj.Name) {
				continue
			}
			of := p.sg.Field(obj.Name, f.name)
			if of == nil || provided {
				continue
			}
			if !of.Resolvable(sub) || of.In[sub] != nil && len(of.In[sub].Requires) > 0 {
				return false
			}
		}
	}
	return true
}

// appendPath extends a response path by a field's key and one "@" per list level.
func appendPath(path []string, key string, typ *ast.Type) []string {
	out := make([]string, 0, len(path)+3)
	out = append(out, path...)
	out = append(out, key)
	for t := typ; t != nil; t = t.Elem {
		if t.Elem != nil {
			out = append(out, "@")
		}
	}
	return out
}

// providedField looks field name of type typ up in a @provides selection; it returns whether
// it is provided and the provided sub-selection.
func providedField(prov ast.SelectionSet, typ, name string) (bool, ast.SelectionSet) {
	found := false
	var sub ast.SelectionSet
	for _, s := range prov {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == name {
				found = true
				sub = append(sub, s.SelectionSet...)
			}
		case *ast.InlineFragment:
			if s.TypeCondition == "" || s.TypeCondition == typ {
				if ok, inner := providedField(s.SelectionSet, typ, name); ok {
					found = true
					sub = append(sub, inner...)
				}
			}
		}
	}
	return found, sub
}
