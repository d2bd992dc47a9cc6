package connectors

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/sync/singleflight"
)

// Deduplicated shares one backend call among identical requests in flight at the same time:
// the second caller of a query that is already on its way waits for the first one's answer
// instead of sending it again. Requests are identical when their operation, variables and
// forwarded headers (Request.Header: another user's identity is another request) are.
// Mutations are never shared.
type Deduplicated struct {
	Next  Connector
	group singleflight.Group
}

var _ Connector = (*Deduplicated)(nil)

// Fetch sends req, or joins an identical request already in flight.
func (d *Deduplicated) Fetch(ctx context.Context, req *Request, dst []byte) ([]byte, error) {
	if req.Mutation {
		return d.Next.Fetch(ctx, req, dst)
	}
	var key strings.Builder
	key.Grow(len(req.Query) + len(req.OperationName) + len(req.Variables) + 2)
	key.WriteString(req.OperationName)
	key.WriteByte(0)
	key.WriteString(req.Query)
	key.WriteByte(0)
	key.Write(req.Variables)
	WriteHeaderKey(&key, req.Header)
	// The shared call must not fail because the caller that started it went away; the
	// connector's own timeout still bounds it.
	shared := context.WithoutCancel(ctx)
	ch := d.group.DoChan(key.String(), func() (any, error) {
		// The answer is shared by every waiter: it gets a buffer of its own.
		return d.Next.Fetch(shared, req, nil)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return append(dst, res.Val.([]byte)...), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// WriteHeaderKey writes h to a key, in name order, so that requests differing only in
// headers (another user's identity, another tenant) get different keys: dedup and the
// connector caches share it.
func WriteHeaderKey(key *strings.Builder, h http.Header) {
	if len(h) == 0 {
		return
	}
	var buf [8]string
	names := buf[:0]
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		key.WriteByte(0)
		key.WriteString(name)
		for _, v := range h[name] {
			key.WriteByte(1)
			key.WriteString(v)
		}
	}
}
