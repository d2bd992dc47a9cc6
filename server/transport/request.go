package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// requestError is a request refused before it reached the GraphQL executor.
// Its message is shown to the client, so it names what was wrong and never
// echoes the request or an internal error.
type requestError struct {
	status  int
	code    string
	message string
}

func badRequest(message string) *requestError {
	return &requestError{status: http.StatusBadRequest, code: "BAD_REQUEST", message: message}
}

// maxPooledBody is the largest buffer kept for reuse; a rare huge body should
// not pin its memory in the pool.
const maxPooledBody = 64 << 10

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// paramsFromBody reads and decodes a POST body of type application/json.
func (h HTTP) paramsFromBody(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, *requestError) {
	if rerr := checkContentType(r.Header.Get("Content-Type")); rerr != nil {
		return nil, rerr
	}

	limit := h.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	tooLarge := &requestError{
		status:  http.StatusRequestEntityTooLarge,
		code:    "PAYLOAD_TOO_LARGE",
		message: "request body is larger than the limit of " + strconv.FormatInt(limit, 10) + " bytes",
	}
	if r.ContentLength > limit {
		return nil, tooLarge
	}

	buf := bodyPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBody {
			buf.Reset()
			bodyPool.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, tooLarge
		}
		return nil, badRequest("request body could not be read")
	}
	// decodeBody copies every string it keeps, so buf can go back to the pool.
	return decodeBody(buf.Bytes())
}

func checkContentType(header string) *requestError {
	unsupported := func(message string) *requestError {
		return &requestError{status: http.StatusUnsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", message: message}
	}
	if header == "" {
		return unsupported("the Content-Type header is missing: send the request as application/json")
	}
	mediaType, params, err := mime.ParseMediaType(header)
	if err != nil {
		return unsupported("the Content-Type header could not be parsed: send the request as application/json")
	}
	if mediaType != mediaJSON {
		return unsupported("Content-Type " + mediaType + " is not supported: send the request as application/json")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return unsupported("charset " + cs + " is not supported: send the request as utf-8")
	}
	return nil
}

// decodeBody decodes {query, operationName, variables, extensions}. Numbers
// stay json.Number, as gqlgen's variable coercion expects.
func decodeBody(body []byte) (*graphql.RawParams, *requestError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("request body is empty: send a JSON object with a query")
	}
	fields, err := decodeObject(body)
	if errors.Is(err, errNotObject) || (err == nil && fields == nil) {
		return nil, badRequest("request body must be a JSON object")
	}
	if err != nil {
		return nil, badRequest("request body is not valid JSON")
	}

	params := &graphql.RawParams{}
	var ok bool
	if params.Extensions, ok = objectField(fields["extensions"]); !ok {
		return nil, badRequest("extensions must be an object")
	}
	if params.Variables, ok = objectField(fields["variables"]); !ok {
		return nil, badRequest("variables must be an object")
	}
	switch v := fields["operationName"].(type) {
	case nil:
	case string:
		params.OperationName = v
	default:
		return nil, badRequest("operationName must be a string")
	}
	switch v := fields["query"].(type) {
	case nil:
		// An automatic persisted query sends only its hash; the APQ
		// extension fills the query in.
		if _, apq := params.Extensions["persistedQuery"]; !apq {
			return nil, badRequest("query is required")
		}
	case string:
		params.Query = v
	default:
		return nil, badRequest("query must be a string")
	}
	return params, nil
}

// paramsFromURL reads query, operationName, variables and extensions from a
// GET request's URL query, the last two as URL-encoded JSON objects.
func paramsFromURL(rawQuery string) (*graphql.RawParams, *requestError) {
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, badRequest("the URL query string is not valid URL encoding")
	}
	params := &graphql.RawParams{
		Query:         values.Get("query"),
		OperationName: values.Get("operationName"),
	}
	for _, p := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &params.Variables}, {"extensions", &params.Extensions}} {
		raw := values.Get(p.name)
		if raw == "" {
			continue
		}
		obj, err := decodeObject([]byte(raw))
		if err != nil {
			return nil, badRequest(p.name + " must be a URL-encoded JSON object")
		}
		*p.dst = obj
	}
	if !values.Has("query") {
		if _, apq := params.Extensions["persistedQuery"]; !apq {
			return nil, badRequest("query is required")
		}
	}
	return params, nil
}

var (
	errNotObject = errors.New("not a JSON object")
	errNotJSON   = errors.New("not valid JSON")
)

// decodeObject decodes data, which must be exactly one JSON object or null
// (nil map), keeping numbers as json.Number.
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			return nil, errNotObject
		}
		return nil, errNotJSON
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) != 0 {
		return nil, errNotJSON
	}
	return obj, nil
}

// objectField accepts an absent or null field (nil) or a JSON object.
func objectField(v any) (map[string]any, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case map[string]any:
		return v, true
	default:
		return nil, false
	}
}
