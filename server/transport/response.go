package transport

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// How specifically an Accept range names a media type; a more specific range
// decides the quality (RFC 9110, section 12.5.1).
const (
	noMatch    = iota
	anyType    // */*
	anySubtype // application/*
	exactType  // application/json
)

// negotiate picks the response media type from the request's Accept header
// values. No Accept header means application/json, as the spec asks of
// servers that still speak it; wildcards alone also get application/json, and
// a client that names both types at the same quality gets
// application/graphql-response+json. ok is false when neither is acceptable.
func negotiate(accept []string) (media string, ok bool) {
	var jq, gq float64
	var js, gs int
	seen := false
	for _, value := range accept {
		for part := range strings.SplitSeq(value, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			seen = true
			mediaRange, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if qs, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(qs, 64); err != nil {
					continue
				}
			}
			if s := specificity(mediaRange, mediaJSON); s > js {
				js, jq = s, q
			}
			if s := specificity(mediaRange, mediaGraphQLResponse); s > gs {
				gs, gq = s, q
			}
		}
	}
	switch {
	case !seen:
		return mediaJSON, true
	case jq <= 0 && gq <= 0:
		return "", false
	case gq != jq:
		if gq > jq {
			return mediaGraphQLResponse, true
		}
		return mediaJSON, true
	case gs > js || gs == exactType:
		return mediaGraphQLResponse, true
	default:
		return mediaJSON, true
	}
}

func specificity(mediaRange, media string) int {
	switch {
	case mediaRange == media:
		return exactType
	case mediaRange == "application/*":
		return anySubtype
	case mediaRange == "*/*":
		return anyType
	default:
		return noMatch
	}
}

var writePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeResponse writes resp as {"errors":…,"data":…,"extensions":…}. Data is
// copied to w byte for byte: the executor owns it and vouches that it is
// valid JSON. Only the errors and extensions, which are small, are encoded.
// Label, Path and HasNext belong to incremental delivery, which this
// transport does not do, and are not written.
func writeResponse(w http.ResponseWriter, status int, media string, resp *graphql.Response) {
	head := writePool.Get().(*bytes.Buffer)
	tail := writePool.Get().(*bytes.Buffer)
	defer func() {
		for _, b := range []*bytes.Buffer{head, tail} {
			if b.Cap() <= maxPooledBody {
				b.Reset()
				writePool.Put(b)
			}
		}
	}()

	fields := 0
	head.WriteByte('{')
	if len(resp.Errors) > 0 {
		head.WriteString(`"errors":`)
		if !encodeJSON(head, resp.Errors) {
			writeUnencodable(w, media)
			return
		}
		fields++
	}
	if len(resp.Data) > 0 {
		if fields > 0 {
			head.WriteByte(',')
		}
		head.WriteString(`"data":`)
		fields++
	}
	if len(resp.Extensions) > 0 {
		if fields > 0 {
			tail.WriteByte(',')
		}
		tail.WriteString(`"extensions":`)
		if !encodeJSON(tail, resp.Extensions) {
			writeUnencodable(w, media)
			return
		}
	}
	tail.WriteByte('}')

	h := w.Header()
	h.Set("Content-Type", media+"; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(head.Len()+len(resp.Data)+tail.Len()))
	w.WriteHeader(status)
	// Write errors mean the client has gone; there is no one to tell.
	_, _ = w.Write(head.Bytes())
	_, _ = w.Write(resp.Data)
	_, _ = w.Write(tail.Bytes())
}

// encodeJSON appends v to buf without HTML escaping and without the
// encoder's trailing newline. On failure buf is left as it was.
func encodeJSON(buf *bytes.Buffer, v any) bool {
	n := buf.Len()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		buf.Truncate(n)
		return false
	}
	buf.Truncate(buf.Len() - 1)
	return true
}

// writeUnencodable answers when an error or extension value cannot be encoded
// as JSON (a resolver put a channel or a func in it): a server bug, reported
// without its details.
func writeUnencodable(w http.ResponseWriter, media string) {
	writeError(w, media, &requestError{
		status:  http.StatusInternalServerError,
		code:    "INTERNAL_SERVER_ERROR",
		message: "the response could not be encoded as JSON",
	})
}

// writeError answers a request refused by the transport itself.
func writeError(w http.ResponseWriter, media string, e *requestError) {
	writeResponse(w, e.status, media, &graphql.Response{Errors: gqlerror.List{{
		Message:    e.message,
		Extensions: map[string]any{"code": e.code},
	}}})
}
