package importer

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/atrium-gateway/atrium/connectors/internal/naming"
)

// rootField is a Query or Mutation field calling a unary method.
type rootField struct {
	svc        *service
	m          protoreflect.MethodDescriptor
	mutation   bool
	name       string
	desc       string
	deprecated bool
	args       []*objField // the request's fields
	valueArg   *objField   // the request is a well-known scalar: one argument, "value"
	result     ref
	resp       response
}

// response says how the response message becomes the field's value.
type response struct {
	empty bool      // no fields: Boolean, selection $(true)
	value bool      // a well-known scalar: selection $
	field *objField // the one field, unwrapped: selection $.field
	obj   *objType  // else the message's fields
}

// lookup is the entity resolver of a type: a method called with the type's key.
type lookup struct {
	svc    *service
	m      protoreflect.MethodDescriptor
	batch  bool
	key    *objField // the key field of the type
	reqKey string    // the request field the keys go into
	resp   response  // the response, read down to the type
}

// queryPrefixes mark methods that read: they become Query fields.
var queryPrefixes = []string{"BatchGet", "Get", "List", "Search", "Find", "Lookup", "Query", "Count", "Check", "Describe", "Fetch", "Read", "Exists"}

// hasWordPrefix reports whether name starts with the word p ("GetItem", not "Getaway").
func hasWordPrefix(name, p string) bool {
	rest, ok := strings.CutPrefix(name, p)
	return ok && (rest == "" || !naming.IsLower(rest[0]))
}

// methodSel is a --query or --mutation method: "Method" or "pkg.Service/Method".
type methodSel struct {
	flag, text, service, method string
	used                        bool
}

func parseMethodSels(opts Options) ([]*methodSel, error) {
	var out []*methodSel
	for _, k := range []struct {
		flag string
		list []string
	}{{"query", opts.Query}, {"mutation", opts.Mutation}} {
		for _, t := range k.list {
			s := &methodSel{flag: k.flag, text: t, method: t}
			if i := strings.LastIndex(t, "/"); i >= 0 {
				s.service, s.method = strings.TrimPrefix(t[:i], "/"), t[i+1:]
			}
			if !naming.IsIdent(s.method) || s.service != "" && !isServiceName(s.service) {
				return nil, fmt.Errorf("--%s %q: want a method name, e.g. GetItem or acme.inv.v1.InventoryService/GetItem", k.flag, t)
			}
			out = append(out, s)
		}
	}
	return out, nil
}

func isServiceName(s string) bool {
	for _, p := range strings.Split(s, ".") {
		if !naming.IsIdent(p) {
			return false
		}
	}
	return true
}

func (s *methodSel) matches(m protoreflect.MethodDescriptor) bool {
	if string(m.Name()) != s.method {
		return false
	}
	svc := m.Parent().(protoreflect.ServiceDescriptor)
	return s.service == "" || s.service == string(svc.FullName()) || s.service == string(svc.Name())
}

// run maps the methods, finds entity lookups and names the types.
func (g *gen) run() error {
	sels, err := parseMethodSels(g.opts)
	if err != nil {
		return err
	}
	for _, s := range g.services {
		methods := s.desc.Methods()
		for i := range methods.Len() {
			m := methods.Get(i)
			forced := ""
			for _, sel := range sels {
				if !sel.matches(m) {
					continue
				}
				sel.used = true
				if forced != "" && forced != sel.flag {
					return fmt.Errorf("%s is given both as --query and --mutation", m.FullName())
				}
				forced = sel.flag
			}
			if m.IsStreamingClient() || m.IsStreamingServer() {
				if forced != "" {
					return fmt.Errorf("--%s %s: %s is a streaming method; only unary methods are mapped", forced, m.Name(), m.FullName())
				}
				g.skipped++
				g.report(Unmapped, string(m.FullName()), "%s method: not mapped (only unary methods are)", streaming(m))
				continue
			}
			g.roots = append(g.roots, g.rootField(s, m, forced))
		}
	}
	for _, sel := range sels {
		if !sel.used {
			return fmt.Errorf("--%s %q: no method of that name in %s", sel.flag, sel.text, serviceNames(g.services))
		}
	}
	g.nameRoots()
	g.findLookups()
	g.nameTypes()
	return nil
}

func serviceNames(ss []*service) string {
	var names []string
	for _, s := range ss {
		names = append(names, string(s.desc.FullName()))
	}
	return strings.Join(names, ", ")
}

func streaming(m protoreflect.MethodDescriptor) string {
	switch {
	case m.IsStreamingClient() && m.IsStreamingServer():
		return "bidirectional-streaming"
	case m.IsStreamingClient():
		return "client-streaming"
	}
	return "server-streaming"
}

// isMutation applies the rules in order: flags, idempotency_level, name prefix.
func isMutation(m protoreflect.MethodDescriptor, forced string) bool {
	switch forced {
	case "query":
		return false
	case "mutation":
		return true
	}
	if opts, ok := m.Options().(*descriptorpb.MethodOptions); ok && opts.GetIdempotencyLevel() == descriptorpb.MethodOptions_NO_SIDE_EFFECTS {
		return false
	}
	for _, p := range queryPrefixes {
		if hasWordPrefix(string(m.Name()), p) {
			return false
		}
	}
	return true
}

func (g *gen) rootField(s *service, m protoreflect.MethodDescriptor, forced string) *rootField {
	opts, _ := m.Options().(*descriptorpb.MethodOptions)
	f := &rootField{svc: s, m: m, mutation: isMutation(m, forced), desc: comments(m), deprecated: opts.GetDeprecated()}
	in := m.Input()
	if sc, ok := wellKnownScalar(in); ok {
		f.valueArg = &objField{name: "value", key: "value", ref: ref{scalar: g.useScalar(sc)}}
		if in.FullName() == "google.protobuf.Any" {
			g.report(Changed, string(m.FullName()), "request google.protobuf.Any mapped to a JSON argument")
		}
	} else {
		f.args = g.fields(in.Fields(), true)
	}
	f.resp, f.result = g.response(m)
	f.result.nonNull = false // a failed call is a null field with an error
	return f
}

// response maps a method's response message.
func (g *gen) response(m protoreflect.MethodDescriptor) (response, ref) {
	out := m.Output()
	if sc, ok := wellKnownScalar(out); ok {
		if out.FullName() == "google.protobuf.Any" {
			g.report(Changed, string(m.FullName()), "response google.protobuf.Any mapped to JSON")
		}
		return response{value: true}, ref{scalar: g.useScalar(sc)}
	}
	switch out.Fields().Len() {
	case 0:
		return response{empty: true}, ref{scalar: "Boolean"}
	case 1:
		fd := out.Fields().Get(0)
		f := &objField{fd: fd, key: fd.JSONName(), name: fd.JSONName()}
		f.ref = g.fieldRef(fd, false)
		return response{field: f}, f.ref
	}
	o := g.outputType(out)
	return response{obj: o}, ref{obj: o}
}

// nameRoots names the root fields: Query fields drop a leading Get or List, mutations keep
// their verb; a name taken already gets the method's whole name, then the service's.
func (g *gen) nameRoots() {
	query := naming.NewNamespace("_entities", "_service")
	mutation := naming.NewNamespace()
	for _, f := range g.roots {
		ns := query
		method := string(f.m.Name())
		want := style.LowerCamel(method, "call")
		if f.mutation {
			ns = mutation
		} else {
			for _, p := range []string{"Get", "List"} {
				if rest, ok := strings.CutPrefix(method, p); ok && rest != "" && !naming.IsLower(rest[0]) {
					want = style.LowerCamel(rest, want)
					break
				}
			}
		}
		owner := string(f.m.FullName())
		if !ns.Has(want) {
			f.name, _ = ns.Claim(want, owner)
			continue
		}
		alt := style.LowerCamel(method, "call")
		if ns.Has(alt) {
			alt = style.LowerCamel(string(f.svc.desc.Name())+method, "call")
		}
		f.name, _ = ns.Claim(alt, owner)
		g.report(Changed, string(f.m.FullName()), "field named %s: %s is the field of %s", f.name, want, ns.Owner(want))
	}
}

// findLookups makes entity types: a batch lookup (BatchGet<T>s, Lookup<T>By<K>) wins over
// a Get<T> lookup; among lookups of one kind the first method wins.
func (g *gen) findLookups() {
	var batches, gets []*lookup
	var bTypes, gTypes []*objType
	for _, f := range g.roots {
		if f.mutation {
			continue
		}
		if l, t := g.batchLookup(f); l != nil {
			batches, bTypes = append(batches, l), append(bTypes, t)
		}
		if l, t := g.getLookup(f); l != nil {
			gets, gTypes = append(gets, l), append(gTypes, t)
		}
	}
	for _, c := range []struct {
		ls []*lookup
		ts []*objType
	}{{batches, bTypes}, {gets, gTypes}} {
		for i, l := range c.ls {
			t := c.ts[i]
			if t.lookup != nil {
				why := "the first method's lookup is used"
				if t.lookup.batch && !l.batch {
					why = "a batch lookup wins over a Get lookup"
				}
				g.report(Info, string(l.m.FullName()), "also an entity lookup of %s; %s: %s", t.msg.FullName(), why, t.lookup.m.Name())
				continue
			}
			t.lookup = l
		}
	}
}

// batchLookup: the request has exactly one field, a repeated scalar whose singular name is
// a field of T; the response has one repeated T field.
func (g *gen) batchLookup(f *rootField) (*lookup, *objType) {
	name := string(f.m.Name())
	var typeName string
	if rest, ok := strings.CutPrefix(name, "BatchGet"); ok && rest != "" {
		typeName = rest
	} else if rest, ok := strings.CutPrefix(name, "Lookup"); ok {
		if i := strings.LastIndex(rest, "By"); i > 0 {
			typeName = rest[:i]
		}
	}
	if typeName == "" || len(f.args) != 1 {
		return nil, nil
	}
	var respField protoreflect.FieldDescriptor
	fields := f.m.Output().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.IsList() && isMessage(fd) {
			if respField != nil {
				return nil, nil
			}
			respField = fd
		}
	}
	if respField == nil {
		return nil, nil
	}
	t := respField.Message()
	if typeName != string(t.Name()) && !slices.Contains(plurals(string(t.Name())), typeName) {
		return nil, nil
	}
	req := f.args[0].fd
	if !req.IsList() || req.IsMap() || isMessage(req) || !entityMessage(t) {
		return nil, nil
	}
	for _, s := range singulars(string(req.Name())) {
		if fd := keyOf(t, protoreflect.Name(s), req); fd != nil {
			obj := g.outputType(t)
			resp := response{field: &objField{fd: respField, key: respField.JSONName(), name: respField.JSONName(), ref: ref{obj: obj, list: true}}}
			return &lookup{svc: f.svc, m: f.m, batch: true, key: objFieldOf(obj, fd), reqKey: req.JSONName(), resp: resp}, obj
		}
	}
	return nil, nil
}

// getLookup: Get<T> whose request has exactly one field, a scalar that is a field of T,
// and whose response is T or unwraps to T.
func (g *gen) getLookup(f *rootField) (*lookup, *objType) {
	typeName, ok := strings.CutPrefix(string(f.m.Name()), "Get")
	if !ok || typeName == "" || len(f.args) != 1 {
		return nil, nil
	}
	out := f.m.Output()
	var resp response
	var t protoreflect.MessageDescriptor
	switch {
	case string(out.Name()) == typeName:
		t = out
	case out.Fields().Len() == 1:
		fd := out.Fields().Get(0)
		if fd.IsList() || !isMessage(fd) || string(fd.Message().Name()) != typeName {
			return nil, nil
		}
		t = fd.Message()
		resp.field = &objField{fd: fd, key: fd.JSONName(), name: fd.JSONName()}
	default:
		return nil, nil
	}
	req := f.args[0].fd
	if req.IsList() || isMessage(req) || !entityMessage(t) || keyOf(t, req.Name(), req) == nil {
		return nil, nil
	}
	obj := g.outputType(t)
	key := objFieldOf(obj, keyOf(t, req.Name(), req))
	if resp.field != nil {
		resp.field.ref = ref{obj: obj}
	} else {
		resp.obj = obj
	}
	return &lookup{svc: f.svc, m: f.m, key: key, reqKey: req.JSONName(), resp: resp}, obj
}

// entityMessage reports whether a message can be an entity: not a well-known scalar, not
// empty.
func entityMessage(md protoreflect.MessageDescriptor) bool {
	_, wkt := wellKnownScalar(md)
	return !wkt && md.Fields().Len() > 0 && !md.IsMapEntry()
}

// keyOf is the field of md named name when it is a singular scalar of the request field's
// type.
func keyOf(md protoreflect.MessageDescriptor, name protoreflect.Name, req protoreflect.FieldDescriptor) protoreflect.FieldDescriptor {
	fd := md.Fields().ByName(name)
	if fd == nil || fd.IsList() || fd.IsMap() || isMessage(fd) || fd.Kind() != req.Kind() {
		return nil
	}
	if fd.Kind() == protoreflect.EnumKind && fd.Enum().FullName() != req.Enum().FullName() {
		return nil
	}
	return fd
}

func objFieldOf(obj *objType, fd protoreflect.FieldDescriptor) *objField {
	for _, f := range obj.fields {
		if f.fd == fd {
			return f
		}
	}
	return nil
}
