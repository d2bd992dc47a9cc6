package devidp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth/devidp"
)

// TestAuthorizeRefusesWithoutRedirecting: when the client or its redirect URI cannot be
// trusted, /authorize answers itself and sends the browser nowhere.
func TestAuthorizeRefusesWithoutRedirecting(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	c := browser(t)
	_, challenge := pkce("v-0123456789-0123456789-0123456789-0123456789")
	for name, edit := range map[string]func(url.Values){
		"unknown client":            func(p url.Values) { p.Set("client_id", "nope") },
		"no client":                 func(p url.Values) { p.Del("client_id") },
		"no redirect_uri":           func(p url.Values) { p.Del("redirect_uri") },
		"unregistered redirect_uri": func(p url.Values) { p.Set("redirect_uri", "https://evil.example/callback") },
		"loopback, other path":      func(p url.Values) { p.Set("redirect_uri", "http://127.0.0.1:53682/other") },
		"loopback, https elsewhere": func(p url.Values) { p.Set("redirect_uri", "http://evil.example:53682/callback") },
		"confidential, other port": func(p url.Values) {
			p.Set("client_id", "atrium")
			p.Set("redirect_uri", "http://127.0.0.1:4001/oauth/callback")
		},
		"another client's URI": func(p url.Values) { p.Set("redirect_uri", webRedirect) },
	} {
		params := authorizeParams("cli", cliRedirect, challenge)
		edit(params)
		a := do(t, c, http.MethodGet, issuer+"/authorize?"+params.Encode(), nil)
		assert.Equal(t, http.StatusBadRequest, a.status, name)
		assert.Empty(t, a.location, name)
	}
	// Once the redirect URI is trusted, errors go back to it (RFC 6749, 4.1.2.1).
	params := authorizeParams("cli", cliRedirect, challenge)
	params.Set("response_type", "token")
	a := do(t, c, http.MethodGet, issuer+"/authorize?"+params.Encode(), nil)
	require.Equal(t, http.StatusFound, a.status)
	assert.Contains(t, a.location, "error=unauthorized_client")
	params = authorizeParams("cli", cliRedirect, challenge)
	params.Set("prompt", "none")
	a = do(t, c, http.MethodGet, issuer+"/authorize?"+params.Encode(), nil)
	require.Equal(t, http.StatusFound, a.status)
	assert.Contains(t, a.location, "error=login_required")
	params.Del("prompt")
	params.Del("scope")
	a = do(t, c, http.MethodGet, issuer+"/authorize?"+params.Encode(), nil)
	require.Equal(t, http.StatusFound, a.status)
	assert.Contains(t, a.location, "error=invalid_request")
}

func TestLoginPageRefusesBadInput(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	c := browser(t)
	login := issuer + "/login"

	for name, a := range map[string]answer{
		"GET without id":    do(t, c, http.MethodGet, login, nil),
		"GET, unknown id":   do(t, c, http.MethodGet, login+"?authRequestID=nonsense", nil),
		"POST without form": do(t, c, http.MethodPost, login, url.Values{}),
		"POST, unknown id":  do(t, c, http.MethodPost, login, url.Values{"id": {"nonsense"}, "username": {"alice"}, "password": {"wonderland"}}),
		"POST, repeated id": do(t, c, http.MethodPost, login, url.Values{"id": {"a", "b"}}),
	} {
		assert.Equal(t, http.StatusBadRequest, a.status, name)
		assert.Equal(t, []string{"this sign-in request is unknown, expired or already used: go back to the application and sign in again"}, alerts(a.body), name)
		assert.NotContains(t, a.body, "<form", name)
	}

	huge := url.Values{"id": {"x"}, "username": {strings.Repeat("a", 32<<10)}}
	a := do(t, c, http.MethodPost, login, huge)
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, []string{"the form could not be read"}, alerts(a.body))

	a = do(t, c, http.MethodPut, login, url.Values{})
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)

	// What a request carries is escaped on the page (login_hint, a refused username).
	_, challenge := pkce("v-0123456789-0123456789-0123456789-0123456789")
	params := authorizeParams("cli", cliRedirect, challenge)
	params.Set("login_hint", `"><script>alert(1)</script>`)
	loginURL, id := loginPage(t, c, issuer, params)
	a = do(t, c, http.MethodPost, loginURL, url.Values{"id": {id}, "username": {`<img src=x onerror=alert(2)>`}, "password": {"x"}})
	assert.Equal(t, http.StatusOK, a.status)
	assert.NotContains(t, a.body, "<img src=x")
	assert.Contains(t, a.body, "&lt;img src=x onerror=alert(2)&gt;")
	a = do(t, c, http.MethodGet, issuer+"/login?authRequestID="+url.QueryEscape(id), nil)
	assert.NotContains(t, a.body, "<script>alert(1)")
	assert.Contains(t, a.body, "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;")

	resp, err := http.Get(issuer + "/login?authRequestID=" + url.QueryEscape(id))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
}

func TestTokenEndpointRefusesBadRequests(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	for name, tc := range map[string]struct {
		form   url.Values
		basic  []string
		status int
		error  string
	}{
		"no grant_type":             {url.Values{}, nil, 400, "invalid_request"},
		"client_credentials":        {url.Values{"grant_type": {"client_credentials"}}, []string{"web", "web-secret"}, 400, "unsupported_grant_type"},
		"password":                  {url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}}, []string{"web", "web-secret"}, 400, "unsupported_grant_type"},
		"no code":                   {url.Values{"grant_type": {"authorization_code"}, "client_id": {"cli"}}, nil, 400, "invalid_request"},
		"unknown code":              {url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "client_id": {"cli"}}, nil, 400, "invalid_grant"},
		"no refresh_token":          {url.Values{"grant_type": {"refresh_token"}, "client_id": {"cli"}}, nil, 400, "invalid_request"},
		"bad refresh_token":         {url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}, "client_id": {"cli"}}, nil, 400, "invalid_grant"},
		"refresh, unknown client":   {url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, []string{"nobody", "x"}, 401, "invalid_client"},
		"refresh, bad secret":       {url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, []string{"web", "x"}, 401, "invalid_client"},
		"refresh, no client at all": {url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, nil, 401, "invalid_client"},
		"unknown client":            {url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}}, []string{"nobody", "x"}, 400, "invalid_grant"},
	} {
		tok := token(t, issuer, tc.form, tc.basic...)
		assert.Equal(t, tc.status, tok.status, name)
		assert.Equal(t, tc.error, tok.Error, name)
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := devidp.New(devidp.Options{
		Issuer: "http://127.0.0.1:4010/idp",
		Users:  []devidp.User{{Username: "a", Password: "p"}, {Username: "a"}, {ID: "a", Username: "b", Password: "p"}},
		Clients: []devidp.Client{
			{ID: "c", RedirectURIs: []string{"http://app.example/cb", "https://ok.example/cb#frag", "not a url"}},
			{ID: "c", Secret: "s"},
			{Secret: "s", RedirectURIs: []string{"com.example.app:/cb"}},
		},
	})
	require.Error(t, err)
	assert.Equal(t, strings.Join([]string{
		`issuer: "http://127.0.0.1:4010/idp" must be scheme://host[:port], without a path, query or fragment (the provider serves its endpoints at the root)`,
		`users[1].username: "a" is also the username of users[0]`,
		`users[1].password: required`,
		`users[1].id: "a" is also the id of users[0]`,
		`users[2].id: "a" is also the id of users[0]`,
		`clients[0].redirect_uris[0]: "http://app.example/cb" must be https, or http on a loopback host (127.0.0.1, [::1], localhost), for a public client`,
		`clients[0].redirect_uris[1]: "https://ok.example/cb#frag" must not have a fragment`,
		`clients[0].redirect_uris[2]: "not a url" is not an absolute URL`,
		`clients[1].id: "c" is also the id of clients[0]`,
		`clients[1].redirect_uris: at least one is required`,
		`clients[2].id: required`,
		`clients[2].redirect_uris[0]: "com.example.app:/cb" must be http(s) for a confidential client`,
	}, "\n"), err.Error())

	_, err = devidp.New(devidp.Options{Issuer: "ftp://x"})
	require.Error(t, err)
	assert.Equal(t, "issuer: \"ftp://x\" is not an http(s) URL\nusers: at least one is required (nobody could sign in)\nclients: at least one is required", err.Error())

	// A public native app may use a private-use scheme (RFC 8252, 7.1).
	_, err = devidp.New(devidp.Options{Issuer: "https://idp.example", Users: testOptions.Users,
		Clients: []devidp.Client{{ID: "app", RedirectURIs: []string{"com.example.app:/cb", "http://[::1]/cb", "http://localhost/cb"}}}})
	require.NoError(t, err)
}
