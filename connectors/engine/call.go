package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/atrium-gateway/atrium/connectors/mapping"
	"github.com/atrium-gateway/atrium/upstream"
)

// response is a backend's answer: its status and its body decoded as JSON (numbers kept
// exact). Cached responses are shared between requests: nobody may modify body.
type response struct {
	status int
	body   any
}

// fieldError is a failed connector call as the client sees it: a message, a code and, for
// HTTP failures, the status. It names no URL, host or upstream body.
type fieldError struct {
	message    string
	extensions map[string]any
}

func (e *fieldError) Error() string { return e.message }

func failure(code, message string, c *connector) *fieldError {
	return &fieldError{message: message, extensions: map[string]any{"code": code, "connector": map[string]any{"coordinate": c.coordinate}}}
}

// do makes one call, or answers it from the cache.
func (s *Subgraph) do(ctx context.Context, c *connector, cl *call) (*response, error) {
	cacheKey := ""
	if cl.idempotent && s.cache != nil {
		cacheKey = c.source.name + "\x00" + cl.key
		if r, ok := s.cache.get(cacheKey); ok {
			return r, nil
		}
	}
	send := s.fetch
	if c.rpc != nil {
		send = s.invoke
	}
	r, ttl, size, err := send(ctx, c, cl)
	if err != nil || r == nil {
		return nil, err
	}
	if cacheKey != "" && ttl > 0 {
		s.cache.set(cacheKey, r, ttl, size)
	}
	return r, nil
}

// fetch sends an HTTP call through the source's traffic pool. It answers how long the
// answer may be cached and its size.
func (s *Subgraph) fetch(ctx context.Context, c *connector, cl *call) (*response, time.Duration, int, error) {
	src := s.backends[c.source]
	resp, err := src.pool.Do(ctx, &upstream.Request{Method: cl.method, PathQuery: cl.pathQuery, Header: cl.header, Body: cl.body,
		Idempotent: cl.idempotent})
	if err != nil {
		code, msg := "UPSTREAM_UNAVAILABLE", "The backend service is unavailable"
		if errors.Is(err, upstream.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			code, msg = "UPSTREAM_TIMEOUT", "The backend service did not answer in time"
		}
		s.log.Warn("connector call failed", "connector", c.coordinate, "error", err)
		return nil, 0, 0, failure(code, msg, c)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, s.opts.MaxResponseBytes+1))
	if err != nil {
		return nil, 0, 0, failure("UPSTREAM_UNAVAILABLE", "The backend service is unavailable", c)
	}
	ok := resp.StatusCode/100 == 2
	if int64(len(raw)) > s.opts.MaxResponseBytes {
		s.log.Warn("connector response too large", "connector", c.coordinate, "limit", s.opts.MaxResponseBytes)
		return nil, 0, 0, failure("CONNECTOR_RESPONSE_INVALID", "The backend's response is too large", c)
	}
	body, derr := decode(raw)
	if derr != nil {
		if ok {
			s.log.Warn("connector response is not JSON", "connector", c.coordinate, "status", resp.StatusCode, "excerpt", excerpt(raw))
			return nil, 0, 0, failure("CONNECTOR_RESPONSE_INVALID", "The backend's response is not JSON", c)
		}
		body = nil
	}
	r := &response{status: resp.StatusCode, body: body}
	if resp.StatusCode == http.StatusNotFound && src.cfg.Treat404AsNull {
		return nil, 0, 0, nil // not found: null, no error
	}
	if !ok {
		return nil, 0, 0, c.httpFailure(r)
	}
	return r, cacheTTL(resp.Header, src.cfg.CacheTTL), len(raw), nil
}

// httpFailure is the error of a non-success status: "Request failed" with the status, or
// what the connector's errors mapping selects from the body.
func (c *connector) httpFailure(r *response) error {
	e := failure("CONNECTOR_FETCH", "Request failed", c)
	e.extensions["http"] = map[string]any{"status": r.status}
	if c.errors != nil {
		vars := mapping.Vars{"$status": json.Number(strconv.Itoa(r.status))}
		if c.errors.message != nil {
			if m, _ := c.errors.message.Apply(r.body, vars); m != nil {
				if s, ok := scalarString(m); ok && s != "" {
					e.message = s
				}
			}
		}
		if c.errors.extensions != nil {
			if x, _ := c.errors.extensions.Apply(r.body, vars); x != nil {
				if m, ok := x.(map[string]any); ok {
					for k, v := range m {
						e.extensions[k] = v
					}
				}
			}
		}
	}
	return e
}

// decode reads one JSON value, numbers as json.Number; an empty body is null.
func decode(raw []byte) (any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

// excerpt is a short, single-line start of a body for logs.
func excerpt(raw []byte) string {
	if len(raw) > 512 {
		raw = raw[:512]
	}
	return strings.ToValidUTF8(strings.Join(strings.Fields(string(raw)), " "), "?")
}

// cacheTTL is how long a GET answer may be kept: the backend's Cache-Control (s-maxage,
// else max-age, minus Age) bounded by the configured TTL; with no Cache-Control, the
// configured TTL. no-store, no-cache, private, Set-Cookie and Vary: * keep it out.
func cacheTTL(h http.Header, configured time.Duration) time.Duration {
	if h.Get("Set-Cookie") != "" || strings.TrimSpace(h.Get("Vary")) == "*" {
		return 0
	}
	cc := strings.ToLower(h.Get("Cache-Control"))
	if cc == "" {
		return configured
	}
	maxAge, sMaxAge := -1, -1
	for _, d := range strings.Split(cc, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch name {
		case "no-store", "no-cache", "private":
			return 0
		case "max-age":
			maxAge, _ = strconv.Atoi(strings.Trim(value, `"`))
		case "s-maxage":
			sMaxAge, _ = strconv.Atoi(strings.Trim(value, `"`))
		}
	}
	secs := maxAge
	if sMaxAge >= 0 {
		secs = sMaxAge
	}
	if secs < 0 {
		return configured
	}
	if age, err := strconv.Atoi(h.Get("Age")); err == nil && age > 0 {
		secs -= age
	}
	ttl := time.Duration(max(secs, 0)) * time.Second
	if configured > 0 && configured < ttl {
		ttl = configured
	}
	return ttl
}
