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
)

// Subgraph sends operations to one subgraph's URL with a pooled HTTP client.
type Subgraph struct {
	Name    string
	URL     string
	Client  *http.Client
	Timeout time.Duration
	// MaxResponseBytes bounds the body read from the subgraph.
	MaxResponseBytes int64
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
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body.Bytes()))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", connectors.ErrUnavailable, err)
	}
	for k, v := range req.Header {
		hreq.Header[k] = v
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/graphql-response+json, application/json")
	resp, err := s.Client.Do(hreq)
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
