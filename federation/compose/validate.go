package compose

import (
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// upgradeFed1 rewrites Federation 1 subgraphs into what they mean in Federation 2, as
// Apollo's schema upgrader does: key fields of an extension are resolvable there, externals
// nothing uses are dropped, @external/@key/@provides/@requires where Federation 2 has no
// meaning for them are dropped, and sharing that Federation 1 allowed implicitly is explicit.
func upgradeFed1(subs []*subgraph) {
	for _, sg := range subs {
		if sg.fed2 {
			continue
		}
		for _, name := range sg.order {
			t := sg.types[name]
			if t.kind == ast.Interface {
				t.keys = nil
				for _, f := range t.fields {
					f.external, f.provides, f.requires = false, "", ""
				}
			}
			kept := t.fields[:0]
			for _, f := range t.fields {
				if f.external && f.usedByKey && f.parent.isEntity() {
					// Federation 1 marks the key fields of `extend type` @external; they are
					// the owner's fields all the same.
					f.external = false
				}
				if f.external && !f.usedByRequires && !f.usedByProvides && !f.usedByKey {
					continue
				}
				f.shareable = true
				kept = append(kept, f)
			}
			t.fields = kept
		}
	}
}

// validate checks the Federation 2 rules that hold within one subgraph.
func (sg *subgraph) validate() []Diagnostic {
	errs := sg.validateAuth()
	for _, name := range sg.order {
		t := sg.types[name]
		if t.interfaceObject && len(t.keys) == 0 {
			errs = append(errs, errorf("INTERFACE_OBJECT_USAGE_ERROR", sg, t.pos, "The @interfaceObject directive can only be applied to entity types but type \"%s\" has no @key in this subgraph.", t.name))
		}
		if t.kind == ast.Interface && len(t.keys) > 0 && sg.fed2 && sg.version < 3 {
			errs = append(errs, errorf("KEY_UNSUPPORTED_ON_INTERFACE", sg, t.pos, "Cannot use @key on interface \"%s\": @key is not yet supported on interfaces", t.name))
		}
		for _, f := range t.fields {
			coord := t.name + "." + f.name
			if t.kind == ast.Interface && f.external && sg.fed2 {
				errs = append(errs, errorf("EXTERNAL_ON_INTERFACE", sg, f.pos, "Interface type field \"%s\" is marked @external but @external is not allowed on interface fields.", coord))
			}
			if t.kind == ast.Interface && f.shareable && sg.fed2 {
				errs = append(errs, errorf("INVALID_SHAREABLE_USAGE", sg, f.pos, "Invalid use of @shareable on field \"%s\": only object type fields can be marked with @shareable", coord))
			}
			if f.external && f.provides != "" {
				errs = append(errs, errorf("EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE", sg, f.pos, "Cannot have both @provides and @external on field \"%s\"", coord))
			}
			// (on an interface, or next to @provides, the error above already says what is wrong)
			if sg.fed2 && t.kind != ast.Interface && f.provides == "" && f.external && !f.fakeExternal && !f.usedByKey && !f.usedByRequires && !f.usedByProvides && !sg.implementsInterfaceField(t, f.name) {
				errs = append(errs, errorf("EXTERNAL_UNUSED", sg, f.pos, "Field \"%s\" is marked @external but is not used in any federation directive (@key, @provides, @requires) or to satisfy an interface; the field declaration has no use and should be removed (or the field should not be @external).", coord))
			}
			if f.hasOverride {
				if f.override == sg.name {
					errs = append(errs, errorf("OVERRIDE_FROM_SELF_ERROR", sg, f.pos, "Source and destination subgraphs \"%s\" are the same for overridden field \"%s\"", sg.name, coord))
				}
				if t.kind == ast.Interface {
					errs = append(errs, errorf("OVERRIDE_ON_INTERFACE", sg, f.pos, "@override cannot be used on field \"%s\" on interface type \"%s\"", coord, t.name))
				}
				if f.external || t.interfaceObject {
					errs = append(errs, errorf("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", sg, f.pos, "@override cannot be used on field \"%s\" since it is also marked @external or its type is an @interfaceObject", coord))
				}
				if f.overrideLabel != "" && !validLabel(f.overrideLabel) {
					errs = append(errs, errorf("OVERRIDE_LABEL_INVALID", sg, f.pos, "Invalid @override label %q on field \"%s\": labels must start with a letter and contain only letters, digits, '_', '-', ':', '.' and '/', or be percent(N) with 0 ≤ N ≤ 100", f.overrideLabel, coord))
				}
			}
		}
		if t.kind == ast.Interface && len(t.keys) > 0 {
			for _, impl := range sg.implementations(t.name) {
				if len(impl.keys) == 0 {
					errs = append(errs, errorf("INTERFACE_KEY_NOT_ON_IMPLEMENTATION", sg, impl.pos, "Key @key(fields: %q) on interface type \"%s\" is missing on implementation type \"%s\".", t.keys[0].fields, t.name, impl.name))
				}
			}
		}
	}
	return errs
}

var labelRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_\-:./]*$`)

// validLabel accepts percent(N) as the gateway reads it, or a plain label name.
func validLabel(l string) bool {
	if _, ok := federation.PercentLabel(l); ok {
		return true
	}
	return labelRE.MatchString(l) && !strings.HasPrefix(l, "percent(")
}

func (sg *subgraph) implementations(iface string) []*stype {
	var out []*stype
	for _, name := range sg.order {
		t := sg.types[name]
		for _, i := range t.interfaces {
			if i == iface && t.kind == ast.Object {
				out = append(out, t)
			}
		}
	}
	return out
}

func (sg *subgraph) implementsInterfaceField(t *stype, field string) bool {
	for _, i := range t.interfaces {
		if it := sg.types[i]; it != nil && it.field(field) != nil {
			return true
		}
	}
	return false
}
