// Package transport serves GraphQL over HTTP (GET and POST) for gqlgen's
// handler.Server, following the GraphQL-over-HTTP specification: media type
// negotiation between application/graphql-response+json and application/json,
// the status codes each of them calls for, and responses whose data is written
// as the executor produced it, never decoded and encoded again.
package transport

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
)

// DefaultMaxBodyBytes is the POST body limit used when HTTP.MaxBodyBytes is not set.
const DefaultMaxBodyBytes int64 = 2 << 20

// HTTP is the GraphQL-over-HTTP transport: queries by GET or POST, mutations by
// POST only. Plug it into a server with
//
//	srv := handler.New(es)
//	srv.AddTransport(gqlgentransport.Websocket{...}) // optional, before HTTP
//	srv.AddTransport(transport.HTTP{MaxBodyBytes: 4 << 20})
//
// HTTP answers every request that is not a protocol upgrade, including other
// methods (405) and other content types (415), so add it last: transports
// added after it are never consulted. A zero HTTP is ready to use and safe for
// concurrent use.
type HTTP struct {
	// MaxBodyBytes caps the size of a POST body; a larger body is refused with
	// 413. Zero or negative means DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

var _ graphql.Transport = HTTP{}

// Supports reports whether h handles r: every request except a protocol
// upgrade (WebSocket), which is left to a transport added before it.
func (h HTTP) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == ""
}

// Do serves one GraphQL request.
func (h HTTP) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeError(w, mediaJSON, &requestError{
			status:  http.StatusMethodNotAllowed,
			code:    "METHOD_NOT_ALLOWED",
			message: "method " + r.Method + " is not allowed: send GraphQL requests with GET or POST",
		})
		return
	}

	media, ok := negotiate(r.Header.Values("Accept"))
	if !ok {
		writeError(w, mediaJSON, &requestError{
			status:  http.StatusNotAcceptable,
			code:    "NOT_ACCEPTABLE",
			message: "the Accept header must allow " + mediaGraphQLResponse + " or " + mediaJSON,
		})
		return
	}

	start := graphql.Now()
	var (
		params *graphql.RawParams
		rerr   *requestError
	)
	if r.Method == http.MethodGet {
		params, rerr = paramsFromURL(r.URL.RawQuery)
	} else {
		params, rerr = h.paramsFromBody(w, r)
	}
	if rerr != nil {
		writeError(w, media, rerr)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx := r.Context()
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// A request error: the request never reached execution. The legacy
		// application/json type keeps 200 for well-formed requests; the
		// graphql-response+json type calls for 4xx and no data entry.
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		resp.Data = nil
		writeResponse(w, status, media, resp)
		return
	}

	switch opCtx.Operation.Operation {
	case ast.Mutation:
		if r.Method == http.MethodGet {
			w.Header().Set("Allow", "POST")
			writeError(w, media, &requestError{
				status:  http.StatusMethodNotAllowed,
				code:    "METHOD_NOT_ALLOWED",
				message: "mutations cannot be sent with GET: use POST",
			})
			return
		}
	case ast.Subscription:
		writeError(w, media, &requestError{
			status:  http.StatusBadRequest,
			code:    "BAD_REQUEST",
			message: "subscriptions cannot be served over a plain GET or POST: use a subscription transport (WebSocket or server-sent events)",
		})
		return
	}

	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// The executor ends the stream early only when ctx is done: the
		// client has gone and there is no one to answer.
		return
	}
	writeResponse(w, executedStatus(media, resp), media, resp)
}

// executedStatus is the status of a response produced by execution. With
// application/graphql-response+json a response without data failed before
// execution could start: 400 if the errors say the request was at fault, 500
// otherwise.
func executedStatus(media string, resp *graphql.Response) int {
	if media != mediaGraphQLResponse || len(resp.Data) > 0 {
		return http.StatusOK
	}
	if errcode.GetErrorKind(resp.Errors) == errcode.KindProtocol {
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}
