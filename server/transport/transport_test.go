package transport_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/server/transport"
)

const (
	ctJSON    = "application/json; charset=utf-8"
	ctGQLResp = "application/graphql-response+json; charset=utf-8"
	gqlResp   = "application/graphql-response+json"
)

// errBody is the body of an error the transport raises itself.
func errBody(code, message string) string {
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{
		"message": message, "extensions": map[string]any{"code": code},
	}}})
	return string(b)
}

type httpCase struct {
	name        string
	method      string // POST when empty
	query       url.Values
	contentType string // application/json when empty; "-" for none
	accept      string
	body        string

	status      int
	respType    string            // Content-Type of the response
	respBody    string            // JSON-equal to the response, when set
	errContains string            // the first error's message contains it, when set
	noData      bool              // the response has no data key
	header      map[string]string // response headers that must be present
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	typename := `{"query":"{ __typename }"}`
	cases := []httpCase{
		// Media type negotiation.
		{name: "no accept is application/json", body: typename, status: 200, respType: ctJSON, respBody: `{"data":{"__typename":"Query"}}`},
		{name: "accept graphql-response+json", accept: gqlResp, body: typename, status: 200, respType: ctGQLResp, respBody: `{"data":{"__typename":"Query"}}`},
		{name: "accept application/json", accept: "application/json", body: typename, status: 200, respType: ctJSON},
		{name: "accept */*", accept: "*/*", body: typename, status: 200, respType: ctJSON},
		{name: "accept application/*", accept: "application/*", body: typename, status: 200, respType: ctJSON},
		{name: "spec's recommended accept", accept: gqlResp + ", application/json;q=0.9", body: typename, status: 200, respType: ctGQLResp},
		{name: "accept prefers json by quality", accept: "application/json, " + gqlResp + ";q=0.5", body: typename, status: 200, respType: ctJSON},
		{name: "named type beats wildcard", accept: "*/*, " + gqlResp, body: typename, status: 200, respType: ctGQLResp},
		{name: "accept neither", accept: "text/html", body: typename, status: 406, respType: ctJSON, respBody: errBody("NOT_ACCEPTABLE", "the Accept header must allow application/graphql-response+json or application/json")},
		{name: "accept json with q=0", accept: "application/json;q=0", body: typename, status: 406},

		// Request content type.
		{name: "charset utf-8", contentType: "application/json; charset=utf-8", body: typename, status: 200},
		{name: "charset UTF-8", contentType: "application/json;charset=UTF-8", body: typename, status: 200},
		{name: "charset latin1", contentType: "application/json; charset=iso-8859-1", body: typename, status: 415, respBody: errBody("UNSUPPORTED_MEDIA_TYPE", "charset iso-8859-1 is not supported: send the request as utf-8")},
		{name: "text/plain", contentType: "text/plain", body: typename, status: 415, respBody: errBody("UNSUPPORTED_MEDIA_TYPE", "Content-Type text/plain is not supported: send the request as application/json")},
		{name: "no content type", contentType: "-", body: typename, status: 415, errContains: "Content-Type header is missing"},
		{name: "unparsable content type", contentType: "application/json; =", body: typename, status: 415, errContains: "could not be parsed"},

		// Malformed requests: 400 whatever the media type.
		{name: "empty body", body: "", status: 400, respBody: errBody("BAD_REQUEST", "request body is empty: send a JSON object with a query")},
		{name: "malformed JSON", body: `{"query": "{ __typename }", "secret-token`, status: 400, respBody: errBody("BAD_REQUEST", "request body is not valid JSON")},
		{name: "malformed JSON graphql-response", accept: gqlResp, body: `{ "not a JSON`, status: 400, respType: ctGQLResp, errContains: "request body is not valid JSON"},
		{name: "trailing data", body: typename + ` {}`, status: 400, errContains: "request body is not valid JSON"},
		{name: "body is an array", body: `[` + typename + `]`, status: 400, respBody: errBody("BAD_REQUEST", "request body must be a JSON object")},
		{name: "body is null", body: `null`, status: 400, errContains: "request body must be a JSON object"},
		{name: "missing query", body: `{"qeury":"{ __typename }"}`, status: 400, respBody: errBody("BAD_REQUEST", "query is required")},
		{name: "null query", body: `{"query":null}`, status: 400, errContains: "query is required"},
		{name: "query is a number", body: `{"query":0}`, status: 400, respBody: errBody("BAD_REQUEST", "query must be a string")},
		{name: "query is an object", body: `{"query":{"obj":"ect"}}`, status: 400, errContains: "query must be a string"},
		{name: "operationName is a bool", body: `{"query":"{ __typename }","operationName":false}`, status: 400, respBody: errBody("BAD_REQUEST", "operationName must be a string")},
		{name: "variables is an array", body: `{"query":"{ __typename }","variables":["array"]}`, status: 400, respBody: errBody("BAD_REQUEST", "variables must be an object")},
		{name: "variables is a string", body: `{"query":"{ __typename }","variables":"{}"}`, status: 400, errContains: "variables must be an object"},
		{name: "extensions is a number", body: `{"query":"{ __typename }","extensions":0}`, status: 400, respBody: errBody("BAD_REQUEST", "extensions must be an object")},
		{name: "null parameters", body: `{"query":"{ __typename }","operationName":null,"variables":null,"extensions":null}`, status: 200, respBody: `{"data":{"__typename":"Query"}}`},

		// Execution.
		{name: "variables", body: `{"query":"query Q($s: String) { echo(s: $s) }","variables":{"s":"hi"}}`, status: 200, respBody: `{"data":{"echo":"hi"}}`},
		{name: "operationName picks the operation", body: `{"query":"query A { a: __typename } query B { b: __typename }","operationName":"B"}`, status: 200, respBody: `{"data":{"b":"Query"}}`},
		{name: "mutation by POST", body: `{"query":"mutation { touch }"}`, status: 200, respBody: `{"data":{"touch":true}}`},
		{name: "field error nulls data", body: `{"query":"{ boom }"}`, status: 200, respBody: `{"data":null,"errors":[{"message":"boom failed","path":["boom"]}]}`},
		{name: "field error nulls data graphql-response", accept: gqlResp, body: `{"query":"{ boom }"}`, status: 200, respType: ctGQLResp, respBody: `{"data":null,"errors":[{"message":"boom failed","path":["boom"]}]}`},
		{name: "no data after execution", body: `{"query":"{ reject }"}`, status: 200, respBody: `{"errors":[{"message":"reject refused to run"}]}`},
		{name: "no data after execution graphql-response", accept: gqlResp, body: `{"query":"{ reject }"}`, status: 500, respType: ctGQLResp, noData: true},

		// GraphQL request errors: 200 with application/json, 400 and no data with graphql-response+json.
		{name: "parse error", body: `{"query":"{"}`, status: 200, noData: true, errContains: "Expected Name"},
		{name: "parse error graphql-response", accept: gqlResp, body: `{"query":"{"}`, status: 400, respType: ctGQLResp, noData: true, errContains: "Expected Name"},
		{name: "validation error", body: `{"query":"{ nope }"}`, status: 200, noData: true, errContains: `Cannot query field "nope" on type "Query"`},
		{name: "validation error graphql-response", accept: gqlResp, body: `{"query":"{ nope }"}`, status: 400, noData: true, errContains: `Cannot query field "nope"`},
		{name: "unknown operationName", body: `{"query":"query A { __typename }","operationName":"B"}`, status: 200, noData: true, errContains: "operation B not found"},
		{name: "unknown operationName graphql-response", accept: gqlResp, body: `{"query":"query A { __typename }","operationName":"B"}`, status: 400, noData: true, errContains: "operation B not found"},
		{name: "variable coercion", body: `{"query":"query Q($s: String!) { echo(s: $s) }","variables":{"s":null}}`, status: 200, noData: true, errContains: "cannot be null"},
		{name: "variable coercion graphql-response", accept: gqlResp, body: `{"query":"query Q($s: String!) { echo(s: $s) }","variables":{"s":null}}`, status: 400, noData: true, errContains: "cannot be null"},
		{name: "persisted query hash without APQ", body: `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`, status: 200, noData: true, errContains: "no operation provided"},

		// GET.
		{name: "GET query", method: "GET", query: url.Values{"query": {"{ __typename }"}}, status: 200, respType: ctJSON, respBody: `{"data":{"__typename":"Query"}}`},
		{name: "GET variables", method: "GET", accept: gqlResp, query: url.Values{"query": {"query Q($s: String) { echo(s: $s) }"}, "variables": {`{"s":"hi"}`}, "operationName": {"Q"}}, status: 200, respType: ctGQLResp, respBody: `{"data":{"echo":"hi"}}`},
		{name: "GET extensions", method: "GET", query: url.Values{"query": {"{ __typename }"}, "extensions": {`{"some":"value"}`}}, status: 200},
		{name: "GET variables not JSON", method: "GET", query: url.Values{"query": {"{ __typename }"}, "variables": {`{"s":`}}, status: 400, respBody: errBody("BAD_REQUEST", "variables must be a URL-encoded JSON object")},
		{name: "GET variables an array", method: "GET", query: url.Values{"query": {"{ __typename }"}, "variables": {`[1]`}}, status: 400, errContains: "variables must be a URL-encoded JSON object"},
		{name: "GET extensions a string", method: "GET", query: url.Values{"query": {"{ __typename }"}, "extensions": {`"x"`}}, status: 400, errContains: "extensions must be a URL-encoded JSON object"},
		{name: "GET missing query", method: "GET", status: 400, errContains: "query is required"},
		{name: "GET mutation", method: "GET", query: url.Values{"query": {"mutation { touch }"}}, status: 405, header: map[string]string{"Allow": "POST"}, respBody: errBody("METHOD_NOT_ALLOWED", "mutations cannot be sent with GET: use POST")},
		{name: "GET mutation graphql-response", method: "GET", accept: gqlResp, query: url.Values{"query": {"query Q { __typename } mutation M { touch }"}, "operationName": {"M"}}, status: 405, respType: ctGQLResp, header: map[string]string{"Allow": "POST"}},
		{name: "GET validation error graphql-response", method: "GET", accept: gqlResp, query: url.Values{"query": {"{ nope }"}}, status: 400, noData: true},

		// Other methods.
		{name: "PUT", method: "PUT", body: typename, status: 405, header: map[string]string{"Allow": "GET, POST"}, respBody: errBody("METHOD_NOT_ALLOWED", "method PUT is not allowed: send GraphQL requests with GET or POST")},
		{name: "DELETE", method: "DELETE", status: 405, header: map[string]string{"Allow": "GET, POST"}},
	}

	srv := newTestServer(0)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := do(t, srv, tc)
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)

			assert.Equal(t, tc.status, res.StatusCode, "status; body: %s", body)
			if tc.respType != "" {
				assert.Equal(t, tc.respType, res.Header.Get("Content-Type"))
			}
			assert.Equal(t, strconv.Itoa(len(body)), res.Header.Get("Content-Length"))
			for k, v := range tc.header {
				assert.Equal(t, v, res.Header.Get(k), "header %s", k)
			}
			if tc.respBody != "" {
				assert.JSONEq(t, tc.respBody, string(body))
			}

			var decoded map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(body, &decoded), "response is not a JSON object: %s", body)
			if tc.noData {
				assert.NotContains(t, decoded, "data")
			}
			if tc.errContains != "" {
				var errs []struct{ Message string }
				require.NoError(t, json.Unmarshal(decoded["errors"], &errs), "errors: %s", body)
				require.NotEmpty(t, errs)
				assert.Contains(t, errs[0].Message, tc.errContains)
			}
			if tc.status >= 400 {
				assertNoLeak(t, tc.body, string(body))
			}
		})
	}
}

// assertNoLeak checks that an error response neither echoes the request body
// nor shows Go internals.
func assertNoLeak(t *testing.T, reqBody, respBody string) {
	t.Helper()
	for _, internal := range []string{"json:", "*json.", "*http.", "goroutine", ".go:"} {
		assert.NotContains(t, respBody, internal)
	}
	if len(reqBody) > 16 {
		assert.NotContains(t, respBody, reqBody)
	}
	assert.NotContains(t, respBody, "secret-token")
}

func do(t *testing.T, h http.Handler, tc httpCase) *http.Response {
	t.Helper()
	method := tc.method
	if method == "" {
		method = http.MethodPost
	}
	target := "/graphql"
	if len(tc.query) > 0 {
		target += "?" + tc.query.Encode()
	}
	var body io.Reader
	if tc.body != "" {
		body = strings.NewReader(tc.body)
	}
	req := httptest.NewRequest(method, target, body)
	switch tc.contentType {
	case "":
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
		}
	case "-":
	default:
		req.Header.Set("Content-Type", tc.contentType)
	}
	if tc.accept != "" {
		req.Header.Set("Accept", tc.accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestHTTPDataIsNotReencoded checks that data reaches the client as the
// executor wrote it: the test schema puts a space after each colon, which
// encoding/json would have compacted away.
func TestHTTPDataIsNotReencoded(t *testing.T) {
	t.Parallel()
	res := do(t, newTestServer(0), httpCase{body: `{"query":"{ a: echo(s: \"<&>\") b: __typename }"}`})
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, `{"data":{"a": "\u003c\u0026\u003e", "b": "Query"}}`, string(body))
}

func TestHTTPBodyLimit(t *testing.T) {
	t.Parallel()
	const limit = 64
	srv := newTestServer(limit)
	big := `{"query":"{ __typename }","extensions":{"pad":"` + strings.Repeat("x", limit) + `"}}`
	want := errBody("PAYLOAD_TOO_LARGE", "request body is larger than the limit of 64 bytes")

	t.Run("declared length", func(t *testing.T) {
		t.Parallel()
		res := do(t, srv, httpCase{body: big})
		body, _ := io.ReadAll(res.Body)
		assert.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
		assert.JSONEq(t, want, string(body))
	})
	t.Run("unknown length", func(t *testing.T) {
		t.Parallel()
		req := httptest.NewRequest(http.MethodPost, "/graphql", io.MultiReader(strings.NewReader(big)))
		require.EqualValues(t, -1, req.ContentLength)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
		assert.JSONEq(t, want, rec.Body.String())
	})
	t.Run("at the limit", func(t *testing.T) {
		t.Parallel()
		exact := `{"query":"{ __typename }"}`
		exact += strings.Repeat(" ", limit-len(exact))
		res := do(t, srv, httpCase{body: exact})
		assert.Equal(t, http.StatusOK, res.StatusCode)
	})
}

func TestHTTPSupports(t *testing.T) {
	t.Parallel()
	h := transport.HTTP{}
	req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
	assert.True(t, h.Supports(req))
	req.Header.Set("Upgrade", "websocket")
	assert.False(t, h.Supports(req), "WebSocket upgrades are left to the WebSocket transport")
}
