package federation

import (
	"slices"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Requirements are what the authorization directives on one type or field ask of a request
// (docs/authorization.md); all of them must hold.
type Requirements struct {
	// Authenticated is @authenticated: the request needs a principal.
	Authenticated bool
	// Scopes is @requiresScopes(scopes:) in disjunctive normal form: the principal must hold
	// every scope of at least one inner list. Nil when there is no @requiresScopes.
	Scopes [][]string
	// Policies is @policy(policies:), read like Scopes, with policy names.
	Policies [][]string
}

// Conjoin returns the condition, in disjunctive normal form (an OR of ANDs), that holds when
// every one of dnfs holds, as Apollo's composition merges @requiresScopes and @policy
// applied to one element in several subgraphs: inner lists sorted, duplicates dropped, the
// cartesian product of the conditions in order, then every AND that contains another one
// dropped ((A) OR (A AND B) is A). Nil stands for no condition; a condition with an empty
// inner list always holds, so it is nil too.
func Conjoin(dnfs ...[][]string) [][]string {
	var inputs [][][]string
	seen := map[string]bool{}
	for _, d := range dnfs {
		d = normalizeDNF(d)
		if d == nil {
			continue
		}
		if k := dnfKey(d); !seen[k] {
			seen[k] = true
			inputs = append(inputs, d)
		}
	}
	if len(inputs) == 0 {
		return nil
	}
	result := inputs[0]
	for _, cur := range inputs[1:] {
		var acc [][]string
		done := map[string]bool{}
		for _, a := range result {
			for _, c := range cur {
				cand := append(slices.Clone(a), c...)
				sort.Strings(cand)
				cand = slices.Compact(cand)
				if k := strings.Join(cand, "\x00"); !done[k] {
					done[k] = true
					acc = append(acc, cand)
				}
			}
		}
		result = dropSubsumed(acc)
	}
	return result
}

// normalizeDNF sorts each inner list (without duplicates) and the outer list; nil when the
// condition always holds.
func normalizeDNF(d [][]string) [][]string {
	if len(d) == 0 {
		return nil
	}
	out := make([][]string, 0, len(d))
	for _, and := range d {
		if len(and) == 0 {
			return nil
		}
		c := slices.Clone(and)
		sort.Strings(c)
		out = append(out, slices.Compact(c))
	}
	sort.SliceStable(out, func(i, j int) bool { return printList(out[i]) < printList(out[j]) })
	return out
}

// dropSubsumed keeps, shortest first, the ANDs that contain no AND already kept.
func dropSubsumed(d [][]string) [][]string {
	sort.SliceStable(d, func(i, j int) bool { return len(d[i]) < len(d[j]) })
	var out [][]string
	for _, cand := range d {
		redundant := false
		for _, kept := range out {
			if isSubset(kept, cand) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, cand)
		}
	}
	return out
}

func isSubset(small, big []string) bool {
	for _, s := range small {
		if !slices.Contains(big, s) {
			return false
		}
	}
	return true
}

func dnfKey(d [][]string) string {
	parts := make([]string, len(d))
	for i, and := range d {
		parts[i] = strings.Join(and, "\x00")
	}
	return strings.Join(parts, "\x01")
}

// printList writes a list of strings as GraphQL prints it: ["a", "b"].
func printList(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = (&ast.Value{Kind: ast.StringValue, Raw: s}).String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// PrintDNF writes a condition as a GraphQL list of lists: [["a", "b"], ["c"]].
func PrintDNF(d [][]string) string {
	parts := make([]string, len(d))
	for i, and := range d {
		parts[i] = printList(and)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// authSpecVersion is the one version of each authorization spec (whose directive is named
// after the spec).
var authSpecVersion = map[string]string{"authenticated": "v0.1", "requiresScopes": "v0.1", "policy": "v0.1"}

const specApollo = "https://specs.apollo.dev/"

// readRequirements reads the authorization directives among dirs (nil when there are none).
func (sp *specs) readRequirements(file string, dirs ast.DirectiveList) (*Requirements, error) {
	var r *Requirements
	for _, d := range dirs {
		var dnf *[][]string
		switch d.Name {
		case "":
			continue
		case sp.authenticated:
			if r == nil {
				r = &Requirements{}
			}
			r.Authenticated = true
			continue
		case sp.requiresScopes:
			if r == nil {
				r = &Requirements{}
			}
			dnf = &r.Scopes
		case sp.policy:
			if r == nil {
				r = &Requirements{}
			}
			dnf = &r.Policies
		default:
			continue
		}
		arg := "scopes"
		if d.Name == sp.policy {
			arg = "policies"
		}
		var val *ast.Value
		if a := d.Arguments.ForName(arg); a != nil {
			val = a.Value
		}
		v, err := ReadDNF(val)
		if err != nil {
			return nil, errAt(file, d.Position, "@%s(%s:): %v", d.Name, arg, err)
		}
		// [] and [[]] always hold (nil); two applications on one element must both hold.
		*dnf = Conjoin(*dnf, v)
	}
	if r != nil && !r.Authenticated && r.Scopes == nil && r.Policies == nil {
		return nil, nil
	}
	return r, nil
}

// ReadDNF reads the value of a [[String!]!]! argument (@requiresScopes(scopes:),
// @policy(policies:)), coercing single values to lists as GraphQL input coercion does ("a" is
// [["a"]], ["a", "b"] is [["a"], ["b"]]).
func ReadDNF(v *ast.Value) ([][]string, error) {
	if v == nil {
		return nil, errorString("missing")
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		return [][]string{{v.Raw}}, nil
	case ast.ListValue:
	default:
		return nil, errorString("not a list of lists of strings")
	}
	out := make([][]string, 0, len(v.Children))
	for _, c := range v.Children {
		switch c.Value.Kind {
		case ast.StringValue, ast.BlockValue:
			out = append(out, []string{c.Value.Raw})
		case ast.ListValue:
			and := make([]string, 0, len(c.Value.Children))
			for _, e := range c.Value.Children {
				if e.Value.Kind != ast.StringValue && e.Value.Kind != ast.BlockValue {
					return nil, errorString("not a list of lists of strings")
				}
				and = append(and, e.Value.Raw)
			}
			out = append(out, and)
		default:
			return nil, errorString("not a list of lists of strings")
		}
	}
	return out, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

// readAuthorization fills in the requirements of every type and field.
func (sg *Supergraph) readAuthorization(file string, sp *specs) error {
	if sp.authenticated == "" && sp.requiresScopes == "" && sp.policy == "" {
		return nil
	}
	for _, t := range sg.Types {
		r, err := sp.readRequirements(file, t.Def.Directives)
		if err != nil {
			return err
		}
		t.Auth = r
		sg.HasAuthorization = sg.HasAuthorization || r != nil
		for _, f := range t.Fields {
			r, err := sp.readRequirements(file, f.Def.Directives)
			if err != nil {
				return err
			}
			f.Auth = r
			sg.HasAuthorization = sg.HasAuthorization || r != nil
		}
	}
	return nil
}
