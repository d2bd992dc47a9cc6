package importer

import (
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/atrium-gateway/atrium/connectors/internal/naming"
)

// style keeps plural acronyms one word: a field "URLs" becomes urls, not urLs.
var style = naming.Style{PluralAcronyms: true}

// isName reports whether s is a GraphQL name that is not reserved for introspection.
func isName(s string) bool {
	return naming.IsIdent(s) && !strings.HasPrefix(s, "__")
}

// mappingKey writes s as a key of the mapping language: bare, or quoted.
func mappingKey(s string) string {
	if naming.IsIdent(s) {
		return s
	}
	return strconv.Quote(s)
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
	if name == "" || naming.IsDigit(name[0]) {
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
		prefixed := style.Pascal(string(e.d.ParentFile().Package())) + e.local
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
	types := naming.NewNamespace()
	for r := range reservedTypes {
		types.Reserve(r, r+" (reserved)")
	}
	base := map[protoreflect.FullName]string{}
	for _, renamed := range []bool{false, true} {
		for _, e := range elems {
			if (e.want != e.local) != renamed {
				continue
			}
			name, clash := types.Claim(e.want, string(e.d.FullName()))
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
			name, clash := types.Claim(want, "the input type of "+string(o.msg.FullName()))
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
		field := style.Pascal(string(o.entry.Name()))
		if field == "" {
			field = "Field"
		}
		want := owner + field + "Entry"
		name, clash := types.Claim(want, "the entry type of "+string(o.entry.FullName()))
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
