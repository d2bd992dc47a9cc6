// Package graphql is the connector for Apollo Federation subgraphs served over HTTP.
package graphql

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/upstream"
)

// Subgraph sends operations to one subgraph's URL with a pooled HTTP client.
type Subgraph struct {
	Name    string
	URL     string
	Client  *http.Client
	Timeout time.Duration
	// MaxResponseBytes bounds the body read from the subgraph.
	MaxResponseBytes int64
	// Pool, when set, sends the requests instead of Client: several URLs, balancing,
	// health checks, retries of queries and a circuit breaker (see package upstream).
	Pool *upstream.Pool
}

var _ connectors.Connector = (*Subgraph)(nil)

// DefaultClient returns an HTTP client tuned for many concurrent keep-alive requests to a
// few hosts.
func DefaultClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = 256
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t}
}

// New returns a connector for the subgraph at url.
func New(name, url string, client *http.Client, timeout time.Duration) *Subgraph {
	if client == nil {
		client = DefaultClient()
	}
	return &Subgraph{Name: name, URL: url, Client: client, Timeout: timeout, MaxResponseBytes: 64 << 20}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Fetch posts req as a GraphQL-over-HTTP request.
func (s *Subgraph) Fetch(ctx context.Context, req *connectors.Request, dst []byte) ([]byte, error) {
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	body := bufPool.Get().(*bytes.Buffer)
	body.Reset()
	defer bufPool.Put(body)
	q := req.QueryJSON
	if q == nil {
		q, _ = json.Marshal(req.Query)
	}
	body.WriteString(`{"query":`)
	body.Write(q)
	if req.OperationName != "" {
		body.WriteString(`,"operationName":`)
		body.WriteString(strconv.Quote(req.OperationName))
	}
	if len(req.Variables) > 0 {
		body.WriteString(`,"variables":`)
		body.Write(req.Variables)
	}
	body.WriteByte('}')
	var resp *http.Response
	var err error
	if s.Pool != nil {
		h := make(http.Header, len(req.Header)+2)
		setHeaders(h, req.Header)
		resp, err = s.Pool.Do(ctx, &upstream.Request{Method: http.MethodPost, Header: h, Body: body.Bytes(), Idempotent: !req.Mutation})
	} else {
		var hreq *http.Request
		hreq, err = http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body.Bytes()))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", connectors.ErrUnavailable, err)
		}
		setHeaders(hreq.Header, req.Header)
		resp, err = s.Client.Do(hreq)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", connectors.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	read := bytes.NewBuffer(dst)
	if _, err := read.ReadFrom(io.LimitReader(resp.Body, s.MaxResponseBytes+1)); err != nil {
		return nil, fmt.Errorf("%w: reading response: %v", connectors.ErrUnavailable, err)
	}
	out := read.Bytes()[len(dst):]
	if int64(len(out)) > s.MaxResponseBytes {
		return nil, fmt.Errorf("%w: response larger than %d bytes", connectors.ErrUnavailable, s.MaxResponseBytes)
	}
	if resp.StatusCode/100 != 2 && !json.Valid(out) {
		return nil, fmt.Errorf("%w: status %d", connectors.ErrUnavailable, resp.StatusCode)
	}
	return read.Bytes(), nil
}

// setHeaders writes the forwarded headers and the GraphQL-over-HTTP ones into h.
func setHeaders(h, forwarded http.Header) {
	for k, v := range forwarded {
		h[k] = v
	}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/graphql-response+json, application/json")
}
