package upstream

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// ErrUnavailable and ErrTimeout are wrapped by every error Do returns. Their text, and the
// text of the errors wrapping them, names no host or URL.
var (
	// ErrUnavailable: no endpoint could be reached, every endpoint's breaker is open, or
	// the caller canceled the call (then the error also wraps context.Canceled).
	ErrUnavailable = errors.New("backend unavailable")
	// ErrTimeout: the last attempt ran out of time, per attempt (Config.Timeout) or overall
	// (the context deadline; then the error also wraps context.DeadlineExceeded).
	ErrTimeout = errors.New("backend timed out")
)

// callError is what Do returns. Error() is safe to show to anyone; Unwrap yields the kind
// (ErrUnavailable or ErrTimeout) and the underlying cause, for errors.Is/As only: the
// cause's own text may name hosts.
type callError struct {
	msg   string
	kind  error
	cause error
}

func (e *callError) Error() string { return e.msg }

func (e *callError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

func (p *Pool) fail(kind error, detail string, attempts int, cause error) error {
	msg := p.prefix + kind.Error() + ": " + detail
	if attempts > 1 {
		msg += " (" + strconv.Itoa(attempts) + " attempts)"
	}
	return &callError{msg: msg, kind: kind, cause: cause}
}

// contextError is the error for a call whose context ended.
func (p *Pool) contextError(ctx context.Context, attempts int) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return p.fail(ErrTimeout, "request deadline exceeded", attempts, context.DeadlineExceeded)
	}
	return p.fail(ErrUnavailable, "request canceled by the caller", attempts, context.Canceled)
}

// neverLeft reports whether err proves the request was not sent: the connection to the
// backend (or its proxy) could not be opened.
func neverLeft(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
}

// describe names a transport error without its addresses.
func describe(err error) string {
	var (
		dns   *net.DNSError
		cert  *tls.CertificateVerificationError
		rec   tls.RecordHeaderError
		alert tls.AlertError
		ne    net.Error
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &dns):
		return "host name not resolved"
	case errors.As(err, &cert), errors.As(err, &rec), errors.As(err, &alert):
		return "TLS handshake failed"
	case errors.As(err, &ne) && ne.Timeout():
		if neverLeft(err) {
			return "connect timed out"
		}
		return "timed out"
	case neverLeft(err):
		return "could not connect"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed without a response"
	}
	return "transport error"
}

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}
