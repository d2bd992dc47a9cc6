package floor

import (
	"sync"
	"unsafe"

	"github.com/valyala/fastjson"
)

// str is a nullable String or ID. v points into the run's parsed answers.
type str struct {
	v     []byte
	valid bool
}

// num is a nullable Int.
type num struct {
	v     int64
	valid bool
}

// boolean is a nullable Boolean.
type boolean struct{ v, valid bool }

// The answer tree. A nil pointer or a nil list is a JSON null.
type user struct {
	id, username, name str
	reviews            []*review
}

type review struct {
	id, body str
	product  *product
	author   *user
}

type product struct {
	upc, name                       str
	price, weight, shippingEstimate num
	inStock                         boolean
	reviews                         []*review
}

func getStr(o *fastjson.Value, key string) str {
	v := o.Get(key)
	if v == nil || v.Type() != fastjson.TypeString {
		return str{}
	}
	return str{v: v.GetStringBytes(), valid: true}
}

func getNum(o *fastjson.Value, key string) num {
	v := o.Get(key)
	if v == nil || v.Type() != fastjson.TypeNumber {
		return num{}
	}
	return num{v: v.GetInt64(), valid: true}
}

func getBool(o *fastjson.Value, key string) boolean {
	switch o.Get(key).Type() {
	case fastjson.TypeTrue:
		return boolean{v: true, valid: true}
	case fastjson.TypeFalse:
		return boolean{valid: true}
	}
	return boolean{}
}

// arena hands out the tree's objects from chunks: one per branch of the plan that builds
// objects, so never shared between goroutines. An arena stays with its pooled run: reset
// keeps each kind's latest (largest) chunk, so that after a few requests one chunk of each
// holds a whole answer and building the tree allocates nothing.
type arena struct {
	users    []user
	reviews  []review
	products []product
	lists    []*review
}

func (a *arena) reset() {
	a.users, a.reviews, a.products, a.lists = a.users[:0], a.reviews[:0], a.products[:0], a.lists[:0]
}

// grab returns a zeroed object from the chunk (a reused chunk holds the last request's).
func grab[T any](chunk *[]T) *T {
	if len(*chunk) == cap(*chunk) {
		*chunk = make([]T, 0, max(64, 2*cap(*chunk)))
	}
	*chunk = (*chunk)[:len(*chunk)+1]
	p := &(*chunk)[len(*chunk)-1]
	var zero T
	*p = zero
	return p
}

// reviewList returns a list of n nil reviews (not nil itself: an empty list is [], not
// null).
func (a *arena) reviewList(n int) []*review {
	if a.lists == nil || cap(a.lists)-len(a.lists) < n {
		a.lists = make([]*review, 0, max(256, 2*cap(a.lists), n))
	}
	l := len(a.lists)
	a.lists = a.lists[:l+n]
	out := a.lists[l : l+n : l+n]
	clear(out)
	return out
}

// decodeReviews reads a list of reviews with whatever the fetch selected under them:
// id, body, product { upc reviews }, author { id username reviews }.
func (a *arena) decodeReviews(v *fastjson.Value) []*review {
	if v == nil || v.Type() != fastjson.TypeArray {
		return nil
	}
	items := v.GetArray()
	out := a.reviewList(len(items))
	for i, o := range items {
		if o.Type() != fastjson.TypeObject {
			continue
		}
		rv := grab(&a.reviews)
		rv.id, rv.body = getStr(o, "id"), getStr(o, "body")
		if p := o.Get("product"); p != nil && p.Type() == fastjson.TypeObject {
			rv.product = grab(&a.products)
			rv.product.upc = getStr(p, "upc")
			rv.product.reviews = a.decodeReviews(p.Get("reviews"))
		}
		if u := o.Get("author"); u != nil && u.Type() == fastjson.TypeObject {
			rv.author = grab(&a.users)
			rv.author.id, rv.author.username = getStr(u, "id"), getStr(u, "username")
			rv.author.reviews = a.decodeReviews(u.Get("reviews"))
		}
		out[i] = rv
	}
	return out
}

// reps is the request body of one entity fetch: its prefix, then each distinct
// representation once, in the order the objects are met (Atrium's order), with its position.
type reps struct {
	body  []byte
	index map[string]int32
	n     int32
	// at is, for each object of the fetch, the position of its representation (-1: none).
	at []int32
	// scratch holds the representation being written.
	scratch []byte
}

var repsPool = sync.Pool{New: func() any { return &reps{index: make(map[string]int32, 16)} }}

// newReps starts the request body of entity fetch i.
func newReps(i int) *reps {
	r := repsPool.Get().(*reps)
	r.body = append(r.body[:0], prefixes[i]...)
	return r
}

func (r *reps) release() {
	clear(r.index)
	r.n, r.at = 0, r.at[:0]
	repsPool.Put(r)
}

// add appends rep unless an equal one is already in the list, and returns its position.
func (r *reps) add(rep []byte) int32 {
	if i, seen := r.index[string(rep)]; seen {
		return i
	}
	if r.n > 0 {
		r.body = append(r.body, ',')
	}
	start := len(r.body)
	r.body = append(r.body, rep...)
	// The key points into body: those bytes are never written again while the key is in
	// the map (appending only adds bytes; a grown body leaves the old array as it was, and
	// release clears the map before the body is reused).
	r.index[unsafe.String(&r.body[start], len(rep))] = r.n
	r.n++
	return r.n - 1
}

// userRep writes {"__typename":"User","id":…}; ok is false when the key is null.
func userRep(b []byte, u *user) ([]byte, bool) {
	if !u.id.valid {
		return b, false
	}
	b = append(b[:0], `{"__typename":"User","id":`...)
	return append(appendString(b, u.id.v), '}'), true
}

// productRep writes {"__typename":"Product","upc":…}.
func productRep(b []byte, p *product) ([]byte, bool) {
	if !p.upc.valid {
		return b, false
	}
	b = append(b[:0], `{"__typename":"Product","upc":`...)
	return append(appendString(b, p.upc.v), '}'), true
}

// stockRep writes {"__typename":"Product","upc":…,"price":…,"weight":…} (inventory's key
// and the fields shippingEstimate @requires).
func stockRep(b []byte, p *product) ([]byte, bool) {
	if !p.upc.valid {
		return b, false
	}
	b = append(b[:0], `{"__typename":"Product","upc":`...)
	b = appendString(b, p.upc.v)
	b = append(b, `,"price":`...)
	b = appendNum(b, p.price)
	b = append(b, `,"weight":`...)
	b = appendNum(b, p.weight)
	return append(b, '}'), true
}
