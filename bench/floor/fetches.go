package floor

import (
	"github.com/valyala/fastjson"
)

// The plan's seven fetches, one method each (see Fetches for their operations and paths).
// Fetches that run in parallel write different objects or different fields of the tree, and
// use different scratch lists.

// accounts0: users { id username name __typename }.
func (r *run) accounts0() {
	data := r.fetch(accounts0, bodies[accounts0])
	v := data.Get("users")
	if v == nil || v.Type() != fastjson.TypeArray {
		r.users = nil
		return
	}
	items := v.GetArray()
	r.users = list(r.users, len(items))
	for i, o := range items {
		if o.Type() != fastjson.TypeObject {
			continue
		}
		u := grab(&r.usersArena.users)
		u.id, u.username, u.name = getStr(o, "id"), getStr(o, "username"), getStr(o, "name")
		r.users[i] = u
	}
}

// products7: topProducts { name price upc weight __typename }.
func (r *run) products7() {
	data := r.fetch(products7, bodies[products7])
	v := data.Get("topProducts")
	if v == nil || v.Type() != fastjson.TypeArray {
		r.top = nil
		return
	}
	items := v.GetArray()
	r.top = list(r.top, len(items))
	for i, o := range items {
		if o.Type() != fastjson.TypeObject {
			continue
		}
		p := grab(&r.topArena.products)
		p.name, p.price, p.upc, p.weight = getStr(o, "name"), getNum(o, "price"), getStr(o, "upc"), getNum(o, "weight")
		r.top[i] = p
	}
}

// list returns a list of n nil objects (not nil itself: an empty list is [], not null),
// reusing l's memory.
func list[T any](l []*T, n int) []*T {
	if l == nil || cap(l) < n {
		return make([]*T, n)
	}
	l = l[:n]
	clear(l)
	return l
}

// reviews1 (users.@): each user's reviews, down to the authors' reviews' products' upc.
func (r *run) reviews1() {
	resolve(r, reviews1, r.users, userRep, func(u *user, e *fastjson.Value) {
		u.reviews = r.usersArena.decodeReviews(e.Get("reviews"))
	})
}

// reviews9 (topProducts.@): each top product's reviews, down to the authors' reviews'
// products' upc.
func (r *run) reviews9() {
	resolve(r, reviews9, r.top, productRep, func(p *product, e *fastjson.Value) {
		p.reviews = r.topArena.decodeReviews(e.Get("reviews"))
	})
}

// products2: { price weight name } of the products at its three paths.
func (r *run) products2() {
	ps := userLeafProducts(r.products[:0], r.users)
	ps = userProducts(ps, r.users)
	ps = topLeafProducts(ps, r.top)
	r.products = ps
	resolve(r, products2, ps, productRep, setDetails)
}

// accounts4: { name } of the users at its two paths.
func (r *run) accounts4() {
	us := userAuthors(r.authors[:0], r.users)
	us = topAuthors(us, r.top)
	r.authors = us
	resolve(r, accounts4, us, userRep, setName)
}

// inventory3: { inStock shippingEstimate } of the products at its four paths.
func (r *run) inventory3() {
	ps := userLeafProducts(r.products[:0], r.users)
	ps = userProducts(ps, r.users)
	ps = append(ps, r.top...)
	ps = topLeafProducts(ps, r.top)
	r.products = ps
	resolve(r, inventory3, ps, stockRep, setStock)
}

// The plan's Flatten paths over the tree, each appending the objects it reaches to dst,
// depth-first in list order (a nil object ends a path).

// userProducts is users.@.reviews.@.product.
func userProducts(dst []*product, users []*user) []*product {
	for _, u := range users {
		if u != nil {
			dst = reviewProducts(dst, u.reviews)
		}
	}
	return dst
}

// userAuthors is users.@.reviews.@.product.reviews.@.author.
func userAuthors(dst []*user, users []*user) []*user {
	for _, u := range users {
		if u == nil {
			continue
		}
		for _, rv := range u.reviews {
			if rv != nil && rv.product != nil {
				dst = reviewAuthors(dst, rv.product.reviews)
			}
		}
	}
	return dst
}

// userLeafProducts is users.@.reviews.@.product.reviews.@.author.reviews.@.product.
func userLeafProducts(dst []*product, users []*user) []*product {
	for _, u := range users {
		if u == nil {
			continue
		}
		for _, rv := range u.reviews {
			if rv == nil || rv.product == nil {
				continue
			}
			for _, rv2 := range rv.product.reviews {
				if rv2 != nil && rv2.author != nil {
					dst = reviewProducts(dst, rv2.author.reviews)
				}
			}
		}
	}
	return dst
}

// topAuthors is topProducts.@.reviews.@.author.
func topAuthors(dst []*user, top []*product) []*user {
	for _, p := range top {
		if p != nil {
			dst = reviewAuthors(dst, p.reviews)
		}
	}
	return dst
}

// topLeafProducts is topProducts.@.reviews.@.author.reviews.@.product.
func topLeafProducts(dst []*product, top []*product) []*product {
	for _, p := range top {
		if p == nil {
			continue
		}
		for _, rv := range p.reviews {
			if rv != nil && rv.author != nil {
				dst = reviewProducts(dst, rv.author.reviews)
			}
		}
	}
	return dst
}

// reviewProducts is reviews.@.product.
func reviewProducts(dst []*product, reviews []*review) []*product {
	for _, rv := range reviews {
		if rv != nil && rv.product != nil {
			dst = append(dst, rv.product)
		}
	}
	return dst
}

// reviewAuthors is reviews.@.author.
func reviewAuthors(dst []*user, reviews []*review) []*user {
	for _, rv := range reviews {
		if rv != nil && rv.author != nil {
			dst = append(dst, rv.author)
		}
	}
	return dst
}

// setDetails takes products' { price weight name }.
func setDetails(p *product, e *fastjson.Value) {
	p.price, p.weight, p.name = getNum(e, "price"), getNum(e, "weight"), getStr(e, "name")
}

// setName takes accounts' { name }.
func setName(u *user, e *fastjson.Value) { u.name = getStr(e, "name") }

// setStock takes inventory's { inStock shippingEstimate }.
func setStock(p *product, e *fastjson.Value) {
	p.inStock, p.shippingEstimate = getBool(e, "inStock"), getNum(e, "shippingEstimate")
}

// resolve runs entity fetch i for objs (the objects at its paths, in the order the plan walks
// them; nil ones are skipped): rep writes an object's representation (false when its key is
// null: the object is skipped too), set copies the entity answered for that representation
// into the object. Objects with equal representations share one entity.
func resolve[T any](r *run, i int, objs []*T, rep func([]byte, *T) ([]byte, bool), set func(*T, *fastjson.Value)) {
	if r.failure() != nil {
		return
	}
	rs := newReps(i)
	defer rs.release()
	for _, o := range objs {
		at := int32(-1)
		if o != nil {
			if b, ok := rep(rs.scratch[:0], o); ok {
				rs.scratch = b
				at = rs.add(b)
			}
		}
		rs.at = append(rs.at, at)
	}
	ents := r.entities(i, rs)
	if ents == nil {
		return
	}
	for k, o := range objs {
		if at := rs.at[k]; at >= 0 {
			if e := ents[at]; e.Type() == fastjson.TypeObject {
				set(o, e)
			}
		}
	}
}
