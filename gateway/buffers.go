package gateway

import (
	"context"
	"net/http"
	"sync"
)

// Response buffers are recycled across requests: the executor writes the answer into one,
// the transport copies it to the client, and Snapshot.ServeHTTP takes it back once the
// handler has returned. A request carries its buffer in its context.

type bufferKey struct{}

type responseBuf struct{ b []byte }

var responsePool = sync.Pool{New: func() any { return &responseBuf{} }}

// maxPooledResponse keeps a rare huge answer from pinning its memory in the pool.
const maxPooledResponse = 4 << 20

// withResponseBuffer serves r with a recycled response buffer.
func withResponseBuffer(h http.Handler, w http.ResponseWriter, r *http.Request) {
	buf := responsePool.Get().(*responseBuf)
	h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bufferKey{}, buf)))
	if cap(buf.b) <= maxPooledResponse {
		responsePool.Put(buf)
	}
}

// responseBuffer returns the request's recycled buffer (nil without one) and marks it
// handed out, so that the answer written into it is what the buffer holds until release.
func responseBuffer(ctx context.Context) []byte {
	buf, _ := ctx.Value(bufferKey{}).(*responseBuf)
	if buf == nil {
		return nil
	}
	return buf.b[:0]
}

// keepResponseBuffer records the (possibly grown) buffer an answer was written into.
func keepResponseBuffer(ctx context.Context, data []byte) {
	if buf, _ := ctx.Value(bufferKey{}).(*responseBuf); buf != nil {
		buf.b = data
	}
}
