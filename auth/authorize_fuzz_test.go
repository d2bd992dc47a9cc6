package auth_test

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/planner"
)

// dashboard is a realistic operation on the shop supergraph: fragments, aliases, lists,
// an interface with fragments on its implementations, and a condition variable.
const dashboard = `query Dashboard($id: ID!, $withStaff: Boolean = true) {
  me { id name email badge secret { code } posts { id title author { ...UserCard } } drafts { id title } }
  user(id: $id) { ...UserCard salary }
  other: user(id: "u2") { ...UserCard secret { code } }
  latest { id title body author { ...UserCard } }
  feed { id title ... on PublicPost { body author { name } } ... on PrivatePost { viewers { ...UserCard } } }
  staff @include(if: $withStaff) { ...UserCard }
  users { id name }
}
fragment UserCard on User { id name email badge }`

// FuzzAuthorize: for any operation that validates and any rights, Filter never panics,
// never leaves a removed field in the operation to plan, never leaves a selection empty,
// reports each path once, and the planner accepts what it returns.
func FuzzAuthorize(f *testing.F) {
	f.Add(dashboard, uint64(0))
	f.Add(dashboard, ^uint64(0))
	f.Add(`{ feed { __typename ... on PrivatePost { viewers { id } } } }`, uint64(5))
	f.Add(`mutation { deleteUser(id: "1") touch(id: "1") }`, uint64(2))
	f.Add(`{ a: user(id: "1") { ...F ... on User { email } } } fragment F on User { salary ...G } fragment G on User { secret { code } }`, uint64(3))
	sg, a := shopAuthorizer(f, shopSupergraph(f))
	f.Fuzz(func(t *testing.T, query string, bits uint64) {
		doc, errs := gqlparser.LoadQueryWithRules(sg.API, query, nil)
		if len(errs) > 0 {
			return
		}
		for _, op := range doc.Operations {
			held := make([]bool, len(a.Held(nil)))
			for i := range held {
				held[i] = bits>>(uint(i)%64)&1 == 1
			}
			vars := map[string]any{"id": "u1", "withStaff": bits&1 == 0}
			fl := a.Filter(op, vars, held)
			if fl.Denied == nil && fl.Operation != op {
				t.Fatal("nothing removed, yet the operation changed")
			}
			checkFiltered(t, sg.API, fl)
			seen := map[string]bool{}
			for _, p := range fl.Paths {
				if seen[p.String()] {
					t.Fatalf("path %s reported twice", p)
				}
				seen[p.String()] = true
			}
			if fl.Denied != nil {
				_, _ = planner.BuildFiltered(sg, op, fl.Operation, fl.Denied, vars)
			}
		}
	})
}

// checkFiltered walks the operation to plan: no removed field, no empty selection.
func checkFiltered(t *testing.T, api *ast.Schema, fl *auth.Filtered) {
	t.Helper()
	var walk func(set ast.SelectionSet, depth int)
	walk = func(set ast.SelectionSet, depth int) {
		if depth > 64 {
			return
		}
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if fl.Denied[s] {
					t.Fatalf("removed field %s is still in the operation", s.Name)
				}
				if s.Definition != nil {
					if def := api.Types[s.Definition.Type.Name()]; def != nil && def.IsCompositeType() && len(s.SelectionSet) == 0 {
						t.Fatalf("field %s lost its whole selection but stayed", s.Name)
					}
				}
				walk(s.SelectionSet, depth+1)
			case *ast.InlineFragment:
				if len(s.SelectionSet) == 0 {
					t.Fatal("an empty inline fragment stayed")
				}
				walk(s.SelectionSet, depth+1)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet, depth+1)
				}
			}
		}
	}
	walk(fl.Operation.SelectionSet, 0)
}

// BenchmarkAuthorize measures the dashboard operation: what every request pays (the mask
// of its rights, for the plan-cache key) and what a plan-cache miss adds (the filter).
func BenchmarkAuthorize(b *testing.B) {
	sg, a := shopAuthorizer(b, shopSupergraph(b))
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, dashboard, nil)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	op := doc.Operations[0]
	atoms := a.Atoms(op)
	vars := map[string]any{"id": "u1"}
	staff := &auth.Principal{Subject: "u1", Scopes: []string{"email:read", "posts:read"}, Claims: map[string]any{"groups": []any{"staff"}}}
	b.Run("mask/anonymous", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = a.Mask(nil, atoms)
		}
	})
	b.Run("mask/staff", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = a.Mask(staff, atoms)
		}
	})
	b.Run("atoms", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = a.Atoms(op)
		}
	})
	for name, p := range map[string]*auth.Principal{"anonymous": nil, "staff": staff} {
		mask, _ := a.Mask(p, atoms)
		held := a.HeldFromMask(atoms, mask)
		b.Run("filter/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = a.Filter(op, vars, held)
			}
		})
	}
}
