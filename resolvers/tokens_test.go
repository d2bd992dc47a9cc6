package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/authtest"
	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
	"github.com/atrium-gateway/atrium/resolvers"
)

// portal is what `atrium serve` runs for a developer portal: the registry API and the
// token issuer on one real HTTP server, over a SQLite store. Users' Atrium tokens come
// from exchanging tokens of an upstream provider (auth/authtest) whose groups are scopes.
type portal struct {
	URL            string
	iss            *issuer.Issuer
	st             *store.Store
	upstream       *authtest.Issuer
	exchangeSecret string
}

var portalRoles = resolvers.Roles{Admin: []string{"atrium-admins"}, Owner: []string{"atrium-owners"}}

func startPortal(t *testing.T) *portal {
	t.Helper()
	ctx := t.Context()
	st := storetest.Open(t, storetest.SQLite(t))
	up := authtest.NewIssuer(t)
	provider := up.Provider()
	provider.Claims.Scopes = "groups" // as demo/atrium.yaml does
	verifier, err := auth.NewVerifier(ctx, []auth.ProviderConfig{provider}, nil)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	iss, err := issuer.New(ctx, issuer.Config{}.WithDefaults(ln.Addr().String()), issuer.Options{Store: st,
		Providers: []auth.ProviderConfig{provider}, Upstream: verifier})
	require.NoError(t, err)
	run, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	go iss.Run(run)
	require.NoError(t, iss.Trust(verifier))
	api, err := resolvers.Handler(registry.New(st), resolvers.Options{AdminToken: token, Issuer: iss, Verifier: verifier,
		Roles: portalRoles, ClientScopes: []string{"reviews:read"}})
	require.NoError(t, err)
	mux := http.NewServeMux()
	for _, p := range iss.Paths() {
		mux.Handle(p, iss.Handler())
	}
	mux.Handle(resolvers.Path, api)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)
	// The portal's backend exchanges its users' sign-in tokens for Atrium's.
	_, secret, err := iss.CreateClient(ctx, issuer.ClientSpec{ID: "portal", GrantTypes: []string{issuer.GrantTokenExchange}})
	require.NoError(t, err)
	return &portal{URL: srv.URL, iss: iss, st: st, upstream: up, exchangeSecret: secret}
}

// user returns an Atrium access token of a user with these groups (scopes), as the
// portal gets one: the upstream provider's token, exchanged.
func (p *portal) user(t *testing.T, subject string, groups ...string) string {
	t.Helper()
	upstream := p.upstream.Token(t, map[string]any{"sub": subject, "groups": groups, "preferred_username": subject,
		"name": strings.ToUpper(subject[:1]) + subject[1:] + " Example", "email": subject + "@example.com"})
	status, out := p.token(t, "portal", p.exchangeSecret, url.Values{"grant_type": {issuer.GrantTokenExchange},
		"subject_token": {upstream}, "subject_token_type": {"urn:ietf:params:oauth:token-type:access_token"}})
	require.Equal(t, http.StatusOK, status, out)
	return out["access_token"].(string)
}

// token posts to the issuer's token endpoint as client id.
func (p *portal) token(t *testing.T, id, secret string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.URL+issuer.TokenPath, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// clientToken gets a client_credentials token; scope asks for some of the client's.
func (p *portal) clientToken(t *testing.T, id, secret, scope string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	return p.token(t, id, secret, form)
}

type answerError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Status int
	Header http.Header
	Data   map[string]any
	Errors []answerError
	Body   string
}

func (r gqlResponse) codes() []any {
	var out []any
	for _, e := range r.Errors {
		out = append(out, e.Extensions["code"])
	}
	return out
}

// do sends a GraphQL request to the registry API with the bearer token.
func (p *portal) do(t *testing.T, bearer, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, p.URL+resolvers.Path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := gqlResponse{Status: resp.StatusCode, Header: resp.Header, Body: string(raw)}
	var decoded struct {
		Data   map[string]any `json:"data"`
		Errors []answerError  `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(raw, &decoded), string(raw))
	out.Data, out.Errors = decoded.Data, decoded.Errors
	return out
}

// ok sends a request that must succeed and returns its data.
func (p *portal) ok(t *testing.T, bearer, query string, vars map[string]any) map[string]any {
	t.Helper()
	res := p.do(t, bearer, query, vars)
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	require.Empty(t, res.Errors, res.Body)
	return res.Data
}

// refused sends a request of one field that must be refused with code, with null at its
// path (data is null when the field is non-null), and returns the error's message.
func (p *portal) refused(t *testing.T, bearer, code, query string, vars map[string]any) string {
	t.Helper()
	res := p.do(t, bearer, query, vars)
	require.Len(t, res.Errors, 1, res.Body)
	require.Equal(t, code, res.Errors[0].Extensions["code"], res.Body)
	for _, v := range res.Data {
		require.Nil(t, v, res.Body)
	}
	return res.Errors[0].Message
}
