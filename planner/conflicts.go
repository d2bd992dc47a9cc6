package planner

import "strconv"

// aliasConflicts finds fields of one operation that share a response key with different
// types (User.id: ID! and Admin.id: ID under sibling fragments), which GraphQL validation
// rejects, and gives every type but the first an internal alias ("_id_t1"), returning how to
// rename the answer back, outermost first. Fields with one key and one type are checked
// together one level down, as validation does.
func (st *step) aliasConflicts() []Rename {
	var renames []Rename
	var level func(lists [][]*sel, path []string)
	level = func(lists [][]*sel, path []string) {
		type member struct {
			s    *sel
			cond string
		}
		groups := map[string][]member{}
		var order []string
		var gather func(list []*sel, cond string)
		gather = func(list []*sel, cond string) {
			for _, s := range list {
				if s.typeCond != "" {
					gather(s.children, s.typeCond)
					continue
				}
				k := s.key()
				if _, ok := groups[k]; !ok {
					order = append(order, k)
				}
				groups[k] = append(groups[k], member{s, cond})
			}
		}
		for _, list := range lists {
			gather(list, "")
		}
		for _, k := range order {
			var types []string
			byType := map[int][][]*sel{}
			seen := map[string]bool{}
			for _, m := range groups[k] {
				idx := 0
				if m.s.typ != "" {
					idx = -1
					for i, t := range types {
						if t == m.s.typ {
							idx = i
						}
					}
					if idx < 0 {
						types = append(types, m.s.typ)
						idx = len(types) - 1
					}
				}
				if idx > 0 {
					alias := "_" + k + "_t" + strconv.Itoa(idx)
					m.s.alias = alias
					if id := m.cond + "|" + alias; !seen[id] {
						seen[id] = true
						renames = append(renames, Rename{Path: path, TypeCond: m.cond, From: alias, To: k})
					}
				}
				byType[idx] = append(byType[idx], m.s.children)
			}
			sub := append(path[:len(path):len(path)], k)
			for i := 0; i < len(types) || i == 0; i++ {
				if len(byType[i]) > 0 {
					level(byType[i], sub)
				}
			}
		}
	}
	level([][]*sel{st.out}, nil)
	return renames
}
