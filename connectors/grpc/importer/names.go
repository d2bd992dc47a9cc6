package importer

import (
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// words splits s into ASCII words: non-alphanumerics separate words, and so do case changes
// ("inProgress" → in Progress, "HTTPStatus" → HTTP Status). Letters and digits stay together.
func words(s string) []string {
	var out []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) {
			flush()
			continue
		}
		if len(cur) > 0 && isUpper(c) {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(s) && isLower(s[i+1])
			// "URLs" is one word: a plural acronym.
			plural := i+1 < len(s) && s[i+1] == 's' && (i+2 == len(s) || !isLower(s[i+2]))
			if isLower(prev) || isDigit(prev) || (isUpper(prev) && nextLower && !plural) {
				flush()
			}
		}
		cur = append(cur, c)
	}
	flush()
	return out
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) }

func capitalize(w string) string {
	if w == "" || !isLower(w[0]) {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}

// pascal joins the words of s capitalised ("acme.inv.v1" → AcmeInvV1).
func pascal(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		b.WriteString(capitalize(w))
	}
	return b.String()
}

// lowerCamel is a field name: the first word lowercased (entirely when it is an acronym),
// later words capitalised; "_" before a leading digit, fallback when nothing is left.
func lowerCamel(s, fallback string) string {
	ws := words(s)
	var b strings.Builder
	for i, w := range ws {
		switch {
		case i > 0:
			b.WriteString(capitalize(w))
		case strings.ToUpper(strings.TrimSuffix(w, "s")) == strings.TrimSuffix(w, "s"):
			b.WriteString(strings.ToLower(w))
		default:
			b.WriteString(strings.ToLower(w[:1]) + w[1:])
		}
	}
	out := b.String()
	if out == "" {
		return fallback
	}
	if isDigit(out[0]) {
		out = "_" + out
	}
	return out
}

// isName reports whether s is a GraphQL name that is not reserved for introspection.
func isName(s string) bool {
	if s == "" || strings.HasPrefix(s, "__") || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' {
			return false
		}
	}
	return true
}

// isKey reports whether s can be written as a key in the mapping language without quotes.
func isKey(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' {
			return false
		}
	}
	return true
}

// mappingKey writes s as a key of the mapping language: bare, or quoted.
func mappingKey(s string) string {
	if isKey(s) {
		return s
	}
	return strconv.Quote(s)
}

// namespace hands out unique names: a taken name gets a number ("Item2"). It remembers who
// took each name, for the report.
type namespace struct{ taken map[string]string }

func newNamespace(reserved ...string) *namespace {
	ns := &namespace{taken: map[string]string{}}
	for _, r := range reserved {
		ns.taken[r] = "reserved"
	}
	return ns
}

func (ns *namespace) has(name string) bool {
	_, ok := ns.taken[name]
	return ok
}

// claim takes name for owner, or the first free name with a number appended. When name was
// taken, it also returns who took it.
func (ns *namespace) claim(name, owner string) (string, string) {
	prev, ok := ns.taken[name]
	if !ok {
		ns.taken[name] = owner
		return name, ""
	}
	for i := 2; ; i++ {
		n := name + strconv.Itoa(i)
		if !ns.has(n) {
			ns.taken[n] = owner
			return n, prev
		}
	}
}

// singulars are the names a repeated field's items may have: "skus" → sku, "addresses" →
// address, "entries" → entry.
func singulars(plural string) []string {
	var out []string
	if s, ok := strings.CutSuffix(plural, "ies"); ok && s != "" {
		out = append(out, s+"y")
	}
	if s, ok := strings.CutSuffix(plural, "es"); ok && s != "" {
		out = append(out, s)
	}
	if s, ok := strings.CutSuffix(plural, "s"); ok && s != "" {
		out = append(out, s)
	}
	return out
}

// plurals are the ways a method name may write a type name in the plural (BatchGetPrices).
func plurals(name string) []string {
	out := []string{name + "s", name + "es"}
	if s, ok := strings.CutSuffix(name, "y"); ok {
		out = append(out, s+"ies")
	}
	return out
}

// reservedTypes are type names a message or enum cannot take, and why.
var reservedTypes = map[string]string{
	"Query": "the root query type", "Mutation": "the root mutation type", "Subscription": "the root subscription type",
	"String": "a built-in scalar", "Int": "a built-in scalar", "Float": "a built-in scalar", "Boolean": "a built-in scalar", "ID": "a built-in scalar",
	"Int64": "a scalar of the mapping", "UInt64": "a scalar of the mapping", "Bytes": "a scalar of the mapping",
	"DateTime": "a scalar of the mapping", "Duration": "a scalar of the mapping", "JSON": "a scalar of the mapping",
	"FieldSet": "a federation type", "_Any": "a federation type", "_Entity": "a federation type", "_Service": "a federation type",
	"link__Import": "a federation type", "link__Purpose": "a federation type", "federation__FieldSet": "a federation type",
	"atrium__JSONSelection": "a connectors type", "atrium__GRPCMetadata": "a connectors type", "atrium__GRPCBatch": "a connectors type",
}

// localName is a message's or enum's name inside its package, nesting joined:
// acme.inv.v1.Outer.Inner → OuterInner.
func localName(d protoreflect.Descriptor) string {
	name := string(d.FullName())
	if pkg := string(d.ParentFile().Package()); pkg != "" {
		name = strings.TrimPrefix(name, pkg+".")
	}
	name = strings.ReplaceAll(name, ".", "")
	for strings.HasPrefix(name, "__") {
		name = name[1:]
	}
	if name == "" || isDigit(name[0]) {
		name = "T" + name
	}
	return name
}

// nameTypes names the messages, enums, inputs and map entries reached. Messages and enums
// take their local names; names shared across packages are prefixed with the package in
// PascalCase, except that one type in an imported service's package keeps the short name.
// Reserved names are prefixed the same way. Inputs add "Input", entries are named after
// their message and field; a name still taken gets a number. Every rename is reported.
func (g *gen) nameTypes() {
	type elem struct {
		d      protoreflect.Descriptor
		local  string
		want   string
		reason string
	}
	var elems []*elem
	seen := map[protoreflect.FullName]bool{}
	add := func(d protoreflect.Descriptor) {
		if !seen[d.FullName()] {
			seen[d.FullName()] = true
			elems = append(elems, &elem{d: d, local: localName(d)})
		}
	}
	for _, o := range g.order {
		if o.entry == nil {
			add(o.msg)
		}
	}
	for _, e := range g.enumOrd {
		add(e.desc)
	}
	slices.SortFunc(elems, func(a, b *elem) int { return strings.Compare(string(a.d.FullName()), string(b.d.FullName())) })
	byLocal := map[string][]*elem{}
	for _, e := range elems {
		byLocal[e.local] = append(byLocal[e.local], e)
	}
	for _, e := range elems {
		e.want = e.local
		prefixed := pascal(string(e.d.ParentFile().Package())) + e.local
		if group := byLocal[e.local]; len(group) > 1 {
			var keepers, others []string
			for _, o := range group {
				if g.servicePkgs[o.d.ParentFile().Package()] {
					keepers = append(keepers, string(o.d.FullName()))
				}
				if o != e {
					others = append(others, string(o.d.FullName()))
				}
			}
			if len(keepers) != 1 || keepers[0] != string(e.d.FullName()) {
				e.want = prefixed
				e.reason = e.local + " is also the name of " + strings.Join(others, ", ")
			}
		}
		if why, ok := reservedTypes[e.want]; ok {
			e.reason = e.want + " is " + why
			e.want = prefixed
		}
	}
	types := newNamespace()
	for r := range reservedTypes {
		types.taken[r] = r + " (reserved)"
	}
	base := map[protoreflect.FullName]string{}
	for _, renamed := range []bool{false, true} {
		for _, e := range elems {
			if (e.want != e.local) != renamed {
				continue
			}
			name, clash := types.claim(e.want, string(e.d.FullName()))
			base[e.d.FullName()] = name
			switch {
			case clash != "":
				g.report(Changed, string(e.d.FullName()), "type named %s: %s is the name of %s", name, e.want, clash)
			case renamed:
				g.report(Changed, string(e.d.FullName()), "type named %s: %s", name, e.reason)
			}
		}
	}
	for _, e := range g.enumOrd {
		e.name = base[e.desc.FullName()]
	}
	objs := slices.Clone(g.order)
	slices.SortFunc(objs, func(a, b *objType) int {
		return strings.Compare(string(objFullName(a)), string(objFullName(b)))
	})
	for _, o := range objs {
		if o.entry == nil && !o.input {
			o.name = base[o.msg.FullName()]
		}
	}
	for _, o := range objs {
		if o.input {
			want := base[o.msg.FullName()] + "Input"
			name, clash := types.claim(want, "the input type of "+string(o.msg.FullName()))
			o.name = name
			if clash != "" {
				g.report(Changed, string(o.msg.FullName()), "input type named %s: %s is the name of %s", name, want, clash)
			}
		}
	}
	for _, o := range objs {
		if o.entry == nil {
			continue
		}
		parent := o.entry.ContainingMessage()
		owner, ok := base[parent.FullName()]
		if !ok {
			owner = localName(parent)
		}
		field := pascal(string(o.entry.Name()))
		if field == "" {
			field = "Field"
		}
		want := owner + field + "Entry"
		name, clash := types.claim(want, "the entry type of "+string(o.entry.FullName()))
		o.name = name
		if clash != "" {
			g.report(Changed, string(o.entry.FullName()), "entry type named %s: %s is the name of %s", name, want, clash)
		}
	}
}

// objFullName sorts objects: a message's name, a map field's name for entries.
func objFullName(o *objType) protoreflect.FullName {
	if o.entry != nil {
		return o.entry.FullName()
	}
	return o.msg.FullName()
}
