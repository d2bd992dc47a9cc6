package connectors

import (
	"context"
	"strings"

	"golang.org/x/sync/singleflight"
)

// Deduplicated shares one backend call among identical requests in flight at the same time:
// the second caller of a query that is already on its way waits for the first one's answer
// instead of sending it again. Mutations are never shared.
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
