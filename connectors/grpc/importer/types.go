package importer

import (
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	connectorgrpc "github.com/atrium-gateway/atrium/connectors/grpc"
	"github.com/atrium-gateway/atrium/connectors/internal/naming"
	"github.com/atrium-gateway/atrium/connectors/internal/sdltext"
)

// gen holds one import: the services, the GraphQL types their methods reach and the report.
type gen struct {
	opts        Options
	services    []*service
	servicePkgs map[protoreflect.FullName]bool
	roots       []*rootField
	skipped     int

	objs    map[objKey]*objType
	entries map[protoreflect.FullName]*objType // by map field
	enums   map[protoreflect.FullName]*enumType
	scalars map[string]bool // custom scalars used
	order   []*objType      // objects in the order they were reached
	enumOrd []*enumType

	items []Item
	seen  map[string]bool
}

func newGen(opts Options) *gen {
	return &gen{
		opts:        opts,
		servicePkgs: map[protoreflect.FullName]bool{},
		objs:        map[objKey]*objType{},
		entries:     map[protoreflect.FullName]*objType{},
		enums:       map[protoreflect.FullName]*enumType{},
		scalars:     map[string]bool{},
		seen:        map[string]bool{},
	}
}

// service is an imported service: its source name and descriptor set.
type service struct {
	desc   protoreflect.ServiceDescriptor
	source string
	set    string
}

type objKey struct {
	msg   protoreflect.FullName
	input bool
}

// objType is a GraphQL object type (a message, or a map's entry) or input type.
type objType struct {
	msg    protoreflect.MessageDescriptor
	input  bool
	entry  protoreflect.FieldDescriptor // the map field, for entry types
	name   string
	desc   string
	fields []*objField
	lookup *lookup // the entity resolver, for entity types
}

// objField is a field of an object or input type, or an argument.
type objField struct {
	name       string // GraphQL name
	key        string // proto3 JSON key (json_name)
	fd         protoreflect.FieldDescriptor
	ref        ref
	desc       string
	deprecated bool
}

// ref is a GraphQL type reference: a scalar, an enum or an object, maybe a list.
type ref struct {
	scalar  string
	enum    *enumType
	obj     *objType
	list    bool
	nonNull bool // of the value, or of the list (items are always non-null)
}

func (r ref) named() string {
	switch {
	case r.obj != nil:
		return r.obj.name
	case r.enum != nil:
		if r.enum.asString {
			return "String"
		}
		return r.enum.name
	}
	return r.scalar
}

func (r ref) gql() string {
	s := r.named()
	if r.list {
		s = "[" + s + "!]"
	}
	if r.nonNull {
		s += "!"
	}
	return s
}

type enumType struct {
	desc     protoreflect.EnumDescriptor
	name     string
	doc      string
	values   []enumValue
	asString bool // no value is a valid GraphQL enum value
}

type enumValue struct {
	name, doc  string
	deprecated bool
}

// wellKnownScalars are the well-known message types that map to a scalar (Empty maps by
// the rule for messages without fields).
var wellKnownScalars = map[protoreflect.FullName]string{
	"google.protobuf.Timestamp":   "DateTime",
	"google.protobuf.Duration":    "Duration",
	"google.protobuf.DoubleValue": "Float",
	"google.protobuf.FloatValue":  "Float",
	"google.protobuf.Int64Value":  "Int64",
	"google.protobuf.UInt64Value": "UInt64",
	"google.protobuf.Int32Value":  "Int",
	"google.protobuf.UInt32Value": "Int64",
	"google.protobuf.BoolValue":   "Boolean",
	"google.protobuf.StringValue": "String",
	"google.protobuf.BytesValue":  "Bytes",
	"google.protobuf.Struct":      "JSON",
	"google.protobuf.Value":       "JSON",
	"google.protobuf.ListValue":   "JSON",
	"google.protobuf.Any":         "JSON",
	"google.protobuf.FieldMask":   "String",
}

// customScalars are the scalars the mapping declares when used, with their descriptions.
var customScalars = map[string]string{
	"Int64":    "A 64-bit integer (int64, sint64, sfixed64; also uint32, fixed32): a JSON string or number.",
	"UInt64":   "An unsigned 64-bit integer (uint64, fixed64): a JSON string or number.",
	"Bytes":    "Bytes, base64-encoded.",
	"DateTime": "A point in time in RFC 3339 form (google.protobuf.Timestamp).",
	"Duration": `A duration in seconds with an "s" suffix, like "1.5s" (google.protobuf.Duration).`,
	"JSON":     "Any JSON value, passed as is (google.protobuf.Struct, Value, ListValue and Any; maps in inputs).",
}

// wellKnownScalar returns the scalar a well-known message maps to.
func wellKnownScalar(md protoreflect.MessageDescriptor) (string, bool) {
	s, ok := wellKnownScalars[md.FullName()]
	if !ok || !connectorgrpc.WellKnown(md.ParentFile().Path()) {
		return "", false
	}
	return s, true
}

func (g *gen) useScalar(s string) string {
	if _, ok := customScalars[s]; ok {
		g.scalars[s] = true
	}
	return s
}

func scalarOf(fd protoreflect.FieldDescriptor) string {
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return "Int"
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return "Int64"
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return "UInt64"
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return "Float"
	case protoreflect.BoolKind:
		return "Boolean"
	case protoreflect.BytesKind:
		return "Bytes"
	}
	return "String"
}

// isIDField: a field named id or *_id of type string or an integer maps to ID.
func isIDField(fd protoreflect.FieldDescriptor) bool {
	name := string(fd.Name())
	if name != "id" && !strings.HasSuffix(name, "_id") {
		return false
	}
	switch fd.Kind() {
	case protoreflect.BoolKind, protoreflect.BytesKind, protoreflect.FloatKind, protoreflect.DoubleKind,
		protoreflect.EnumKind, protoreflect.MessageKind, protoreflect.GroupKind:
		return false
	}
	return true
}

func isMessage(fd protoreflect.FieldDescriptor) bool {
	return fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind
}

// fieldRef maps a field to its GraphQL type, as an output field or an input field.
func (g *gen) fieldRef(fd protoreflect.FieldDescriptor, input bool) ref {
	if fd.IsMap() {
		if input {
			return ref{scalar: g.useScalar("JSON")}
		}
		return ref{obj: g.entry(fd), list: true, nonNull: true}
	}
	r := g.elemRef(fd, input)
	if fd.IsList() {
		r.list, r.nonNull = true, !input
	} else {
		// JSON from a non-message is google.protobuf.NullValue, whose JSON form is null.
		r.nonNull = !input && !fd.HasPresence() && r.scalar != "JSON"
	}
	return r
}

// elemRef maps the type of one value of a field.
func (g *gen) elemRef(fd protoreflect.FieldDescriptor, input bool) ref {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return g.messageRef(fd.Message(), input, string(fd.FullName()))
	case protoreflect.EnumKind:
		if fd.Enum().FullName() == "google.protobuf.NullValue" {
			return ref{scalar: g.useScalar("JSON")}
		}
		return ref{enum: g.enum(fd.Enum())}
	}
	if isIDField(fd) {
		return ref{scalar: "ID"}
	}
	return ref{scalar: g.useScalar(scalarOf(fd))}
}

// messageRef maps a message used as a value: a well-known scalar, JSON for a message with
// no fields, else an object or input type. element names the use, for the report.
func (g *gen) messageRef(md protoreflect.MessageDescriptor, input bool, element string) ref {
	if s, ok := wellKnownScalar(md); ok {
		if md.FullName() == "google.protobuf.Any" {
			g.report(Changed, element, "google.protobuf.Any mapped to JSON: values keep their \"@type\" but the schema does not type them, and the gateway encodes only types in the descriptor set")
		}
		return ref{scalar: g.useScalar(s)}
	}
	if md.Fields().Len() == 0 {
		g.report(Info, element, "%s has no fields: mapped to JSON (its value is {})", md.FullName())
		return ref{scalar: g.useScalar("JSON")}
	}
	if input {
		return ref{obj: g.inputType(md)}
	}
	return ref{obj: g.outputType(md)}
}

// outputType returns the object type of a message, collecting its fields the first time.
func (g *gen) outputType(md protoreflect.MessageDescriptor) *objType {
	return g.object(md, false)
}

// inputType returns the input type of a message.
func (g *gen) inputType(md protoreflect.MessageDescriptor) *objType {
	return g.object(md, true)
}

func (g *gen) object(md protoreflect.MessageDescriptor, input bool) *objType {
	k := objKey{md.FullName(), input}
	if o := g.objs[k]; o != nil {
		return o
	}
	o := &objType{msg: md, input: input, desc: comments(md)}
	g.objs[k] = o
	g.order = append(g.order, o)
	o.fields = g.fields(md.Fields(), input)
	return o
}

// fields maps the fields of a message (as an object or input type, or as arguments).
func (g *gen) fields(fds protoreflect.FieldDescriptors, input bool) []*objField {
	names := naming.NewNamespace()
	var out []*objField
	for i := range fds.Len() {
		fd := fds.Get(i)
		f := &objField{fd: fd, key: fd.JSONName(), desc: comments(fd), deprecated: deprecated(fd)}
		f.name = g.fieldName(fd, names)
		f.ref = g.fieldRef(fd, input)
		out = append(out, f)
	}
	return out
}

// fieldName is a field's json_name, or, when that is not a GraphQL name, one made from it.
func (g *gen) fieldName(fd protoreflect.FieldDescriptor, names *naming.Namespace) string {
	want := fd.JSONName()
	if !isName(want) {
		want = style.LowerCamel(want, style.LowerCamel(string(fd.Name()), "field"))
	}
	name, clash := names.Claim(want, string(fd.FullName()))
	if name != fd.JSONName() {
		why := "its JSON name " + strconv.Quote(fd.JSONName()) + " is not a GraphQL name"
		if clash != "" {
			why = want + " is the name of " + clash
		}
		g.report(Changed, string(fd.FullName()), "field named %s: %s", name, why)
	}
	return name
}

// entry returns the entry type of a map field.
func (g *gen) entry(fd protoreflect.FieldDescriptor) *objType {
	if o := g.entries[fd.FullName()]; o != nil {
		return o
	}
	o := &objType{msg: fd.Message(), entry: fd, desc: "An entry of the map " + string(fd.FullName()) + "."}
	g.entries[fd.FullName()] = o
	g.order = append(g.order, o)
	// JSON object keys are strings: Int and Boolean keys would not read as such, so they
	// are String (Int64 and UInt64 take strings).
	key := g.elemRef(fd.MapKey(), false)
	if key.scalar == "Int" || key.scalar == "Boolean" {
		key.scalar = "String"
	}
	key.nonNull = true
	value := g.elemRef(fd.MapValue(), false)
	value.nonNull = !fd.MapValue().HasPresence() && !isMessage(fd.MapValue())
	o.fields = []*objField{
		{name: "key", key: "key", fd: fd.MapKey(), ref: key},
		{name: "value", key: "value", fd: fd.MapValue(), ref: value},
	}
	return o
}

// enum returns the enum type of a proto enum.
func (g *gen) enum(ed protoreflect.EnumDescriptor) *enumType {
	if e := g.enums[ed.FullName()]; e != nil {
		return e
	}
	e := &enumType{desc: ed, doc: comments(ed)}
	g.enums[ed.FullName()] = e
	g.enumOrd = append(g.enumOrd, e)
	seen := map[string]bool{}
	for i := range ed.Values().Len() {
		v := ed.Values().Get(i)
		name := string(v.Name())
		if !isName(name) || name == "true" || name == "false" || name == "null" {
			g.report(Unmapped, string(v.FullName()), "%s cannot be a GraphQL enum value: left out", name)
			continue
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		opts, _ := v.Options().(*descriptorpb.EnumValueOptions)
		e.values = append(e.values, enumValue{name: name, doc: comments(v), deprecated: opts.GetDeprecated()})
	}
	if len(e.values) == 0 {
		e.asString = true
		g.report(Changed, string(ed.FullName()), "no value can be a GraphQL enum value: mapped to String")
	}
	return e
}

func deprecated(fd protoreflect.FieldDescriptor) bool {
	opts, _ := fd.Options().(*descriptorpb.FieldOptions)
	return opts.GetDeprecated()
}

// comments is a descriptor's leading comment (else its trailing one), without the
// indentation the comment markers leave.
func comments(d protoreflect.Descriptor) string {
	f := d.ParentFile()
	if f == nil {
		return ""
	}
	loc := f.SourceLocations().ByDescriptor(d)
	text := loc.LeadingComments
	if strings.TrimSpace(text) == "" {
		text = loc.TrailingComments
	}
	lines := strings.Split(strings.TrimRight(text, "\n "), "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			lines[i] = l[indent:]
		}
	}
	return sdltext.Clean(strings.Join(lines, "\n"))
}
