package devidp_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/devidp"
)

// The test provider's accounts.
const (
	cliRedirect = "http://127.0.0.1:53682/callback" // a port the registered URI does not name
	webRedirect = "https://app.example/oauth/callback"
)

var testOptions = devidp.Options{
	Users: []devidp.User{
		{ID: "u-alice", Username: "alice", Password: "wonderland", Email: "alice@example.com", Name: "Alice Liddell", Groups: []string{"staff", "admins"}},
		{Username: "bob", Password: "builder"},
	},
	Clients: []devidp.Client{
		{ID: "cli", RedirectURIs: []string{"http://127.0.0.1/callback"}},
		{ID: "web", Secret: "web-secret", RedirectURIs: []string{webRedirect}, Scopes: []string{"products:read"}},
		{ID: "atrium", Secret: "atrium-secret", RedirectURIs: []string{"http://127.0.0.1:4000/oauth/callback"}},
	},
}

// startIDP serves a provider with testOptions on a loopback port and returns its issuer.
func startIDP(t *testing.T) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	opts := testOptions
	opts.Issuer = "http://" + srv.Listener.Addr().String()
	p, err := devidp.New(opts)
	require.NoError(t, err)
	require.Equal(t, opts.Issuer, p.Issuer())
	srv.Config.Handler = p
	srv.Start()
	t.Cleanup(srv.Close)
	return opts.Issuer
}

// browser is an http.Client with a cookie jar that does not follow redirects, so that a
// test sees every step.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type answer struct {
	status   int
	location string
	body     string
}

func do(t *testing.T, c *http.Client, method, target string, form url.Values, basic ...string) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if len(basic) == 2 {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
}

// pkce returns a verifier and its S256 challenge.
func pkce(verifier string) (string, string) {
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeParams are an /authorize request's parameters for client.
func authorizeParams(client, redirect, challenge string) url.Values {
	v := url.Values{
		"client_id": {client}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid email profile groups offline_access"}, "state": {"state-123"}, "nonce": {"nonce-456"},
	}
	if challenge != "" {
		v.Set("code_challenge", challenge)
		v.Set("code_challenge_method", "S256")
	}
	return v
}

var hiddenID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// loginPage follows /authorize to the login page and returns its form's id.
func loginPage(t *testing.T, c *http.Client, issuer string, params url.Values) (loginURL, id string) {
	t.Helper()
	a := do(t, c, http.MethodGet, issuer+"/authorize?"+params.Encode(), nil)
	require.Equal(t, http.StatusFound, a.status, a.body)
	require.True(t, strings.HasPrefix(a.location, issuer+"/login?authRequestID="), a.location)
	page := do(t, c, http.MethodGet, a.location, nil)
	require.Equal(t, http.StatusOK, page.status)
	m := hiddenID.FindStringSubmatch(page.body)
	require.NotNil(t, m, page.body)
	return issuer + "/login", m[1]
}

// code signs alice in and returns the code the redirect URI receives.
func code(t *testing.T, c *http.Client, issuer string, params url.Values) string {
	t.Helper()
	loginURL, id := loginPage(t, c, issuer, params)
	a := do(t, c, http.MethodPost, loginURL, url.Values{"id": {id}, "username": {"alice"}, "password": {"wonderland"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	a = do(t, c, http.MethodGet, a.location, nil)
	require.Equal(t, http.StatusFound, a.status, a.body)
	back, err := url.Parse(a.location)
	require.NoError(t, err)
	require.Equal(t, params.Get("redirect_uri"), back.Scheme+"://"+back.Host+back.Path)
	require.Equal(t, params.Get("state"), back.Query().Get("state"))
	require.NotEmpty(t, back.Query().Get("code"), a.location)
	return back.Query().Get("code")
}

type tokenAnswer struct {
	status       int
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

func token(t *testing.T, issuer string, form url.Values, basic ...string) tokenAnswer {
	t.Helper()
	a := do(t, http.DefaultClient, http.MethodPost, issuer+"/oauth/token", form, basic...)
	var tok tokenAnswer
	require.NoError(t, json.Unmarshal([]byte(a.body), &tok), a.body)
	tok.status = a.status
	return tok
}

func verifier(t *testing.T, issuer string) *auth.Verifier {
	t.Helper()
	v, err := auth.NewVerifier(context.Background(), []auth.ProviderConfig{{Name: "dev", Issuer: issuer, Audiences: []string{devidp.Audience}}}, nil)
	require.NoError(t, err)
	require.Empty(t, v.Status())
	return v
}

func TestDiscoveryIsValidForGoOIDC(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	p, err := oidc.NewProvider(context.Background(), issuer)
	require.NoError(t, err)
	var doc struct {
		Authorization string   `json:"authorization_endpoint"`
		Token         string   `json:"token_endpoint"`
		Userinfo      string   `json:"userinfo_endpoint"`
		JWKS          string   `json:"jwks_uri"`
		Introspection string   `json:"introspection_endpoint"`
		Revocation    string   `json:"revocation_endpoint"`
		EndSession    string   `json:"end_session_endpoint"`
		Algs          []string `json:"id_token_signing_alg_values_supported"`
		PKCE          []string `json:"code_challenge_methods_supported"`
		Scopes        []string `json:"scopes_supported"`
		Grants        []string `json:"grant_types_supported"`
	}
	require.NoError(t, p.Claims(&doc))
	assert.Equal(t, issuer+"/authorize", doc.Authorization)
	assert.Equal(t, issuer+"/oauth/token", doc.Token)
	assert.Equal(t, issuer+"/userinfo", doc.Userinfo)
	assert.Equal(t, issuer+"/keys", doc.JWKS)
	assert.Equal(t, issuer+"/oauth/introspect", doc.Introspection)
	assert.Equal(t, issuer+"/revoke", doc.Revocation)
	assert.Equal(t, issuer+"/end_session", doc.EndSession)
	assert.Equal(t, []string{"ES256"}, doc.Algs)
	assert.Equal(t, []string{"S256"}, doc.PKCE)
	assert.Contains(t, doc.Scopes, "groups")
	assert.Contains(t, doc.Grants, "refresh_token")
	assert.NotContains(t, doc.Grants, "client_credentials")

	a := do(t, http.DefaultClient, http.MethodGet, doc.JWKS, nil)
	require.Equal(t, http.StatusOK, a.status)
	var jwks struct {
		Keys []map[string]any `json:"keys"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.body), &jwks))
	require.Len(t, jwks.Keys, 1)
	assert.Equal(t, "ES256", jwks.Keys[0]["alg"])
	assert.Equal(t, "EC", jwks.Keys[0]["kty"])
	assert.Equal(t, "sig", jwks.Keys[0]["use"])
	assert.NotContains(t, jwks.Keys[0], "d", "the JWKS must not publish the private key")
}

// TestCodeFlow is a public client's sign-in, step by step, as a browser and a native app
// do it: /authorize, the login page (a wrong password first), the code at a loopback
// redirect URI on another port than registered, its exchange with the PKCE verifier, then
// the tokens at work: verified by go-oidc and by Atrium's gateway verifier.
func TestCodeFlow(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	c := browser(t)
	codeVerifier, challenge := pkce("a-verifier-of-at-least-forty-three-characters-long")
	params := authorizeParams("cli", cliRedirect, challenge)

	loginURL, id := loginPage(t, c, issuer, params)
	for _, creds := range [][2]string{{"alice", "wrong"}, {"nobody", "wonderland"}, {"", ""}} {
		a := do(t, c, http.MethodPost, loginURL, url.Values{"id": {id}, "username": {creds[0]}, "password": {creds[1]}})
		require.Equal(t, http.StatusOK, a.status, "refused: the login page again")
		assert.Empty(t, a.location)
		assert.Equal(t, []string{"invalid username or password"}, alerts(a.body), "no more detail than that")
		assert.Contains(t, a.body, `name="id" value="`+id+`"`, "the same sign-in can be retried")
	}
	a := do(t, c, http.MethodPost, loginURL, url.Values{"id": {id}, "username": {"alice"}, "password": {"wonderland"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	callback := a.location
	a = do(t, c, http.MethodGet, callback, nil)
	require.Equal(t, http.StatusFound, a.status, a.body)
	back, err := url.Parse(a.location)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:53682/callback", back.Scheme+"://"+back.Host+back.Path)
	assert.Equal(t, "state-123", back.Query().Get("state"))
	theCode := back.Query().Get("code")
	require.NotEmpty(t, theCode)

	// The sign-in is single-use: neither the form nor the callback work twice.
	a = do(t, c, http.MethodPost, loginURL, url.Values{"id": {id}, "username": {"alice"}, "password": {"wonderland"}})
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, http.StatusBadRequest, do(t, c, http.MethodGet, callback, nil).status)

	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {theCode}, "redirect_uri": {cliRedirect}, "client_id": {"cli"}, "code_verifier": {codeVerifier}}
	tok := token(t, issuer, exchange)
	require.Equal(t, http.StatusOK, tok.status, tok.Description)
	assert.Equal(t, "Bearer", tok.TokenType)
	assert.InDelta(t, 3600, tok.ExpiresIn, 5)
	assert.Equal(t, "openid email profile groups offline_access", tok.Scope)
	require.NotEmpty(t, tok.RefreshToken, "offline_access was asked")

	// The ID token, as an OIDC client library checks it.
	ctx := context.Background()
	p, err := oidc.NewProvider(ctx, issuer)
	require.NoError(t, err)
	idt, err := p.Verifier(&oidc.Config{ClientID: "cli"}).Verify(ctx, tok.IDToken)
	require.NoError(t, err)
	assert.Equal(t, "nonce-456", idt.Nonce)
	assert.Equal(t, "u-alice", idt.Subject)
	var idClaims struct {
		Email         string   `json:"email"`
		EmailVerified bool     `json:"email_verified"`
		Name          string   `json:"name"`
		Username      string   `json:"preferred_username"`
		Groups        []string `json:"groups"`
		AZP           string   `json:"azp"`
		AMR           []string `json:"amr"`
	}
	require.NoError(t, idt.Claims(&idClaims))
	assert.Equal(t, "alice@example.com", idClaims.Email)
	assert.True(t, idClaims.EmailVerified)
	assert.Equal(t, "Alice Liddell", idClaims.Name)
	assert.Equal(t, "alice", idClaims.Username)
	assert.Equal(t, []string{"staff", "admins"}, idClaims.Groups)
	assert.Equal(t, "cli", idClaims.AZP)
	assert.Equal(t, []string{"pwd"}, idClaims.AMR)

	// The access token, as the gateway checks it (audiences: [atrium]).
	principal, err := verifier(t, issuer).Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, issuer, principal.Issuer)
	assert.Equal(t, "u-alice", principal.Subject)
	assert.Equal(t, "cli", principal.ClientID)
	assert.Equal(t, []string{"openid", "email", "profile", "groups", "offline_access"}, principal.Scopes)
	assert.Equal(t, []any{"cli", "atrium"}, principal.Claims["aud"])
	assert.Equal(t, []any{"staff", "admins"}, principal.Claims["groups"])

	info := do(t, http.DefaultClient, http.MethodGet, issuer+"/userinfo", nil)
	assert.Equal(t, http.StatusUnauthorized, info.status, "no token")
	info = userinfo(t, issuer, tok.AccessToken)
	require.Equal(t, http.StatusOK, info.status, info.body)
	assert.JSONEq(t, `{"sub":"u-alice","email":"alice@example.com","email_verified":true,"name":"Alice Liddell","preferred_username":"alice","groups":["staff","admins"]}`, info.body)

	// Refresh: a new pair; the refresh token presented stops working (rotation).
	refreshed := token(t, issuer, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {"cli"}})
	require.Equal(t, http.StatusOK, refreshed.status, refreshed.Description)
	require.NotEmpty(t, refreshed.RefreshToken)
	assert.NotEqual(t, tok.RefreshToken, refreshed.RefreshToken)
	principal, err = verifier(t, issuer).Verify(ctx, refreshed.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, "u-alice", principal.Subject)
	again := token(t, issuer, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {"cli"}})
	assert.Equal(t, http.StatusBadRequest, again.status)
	assert.Equal(t, "invalid_grant", again.Error)

	// The code a second time: refused, and what it gave is revoked (RFC 6749, 4.1.2).
	replay := token(t, issuer, exchange)
	assert.Equal(t, http.StatusBadRequest, replay.status)
	assert.Equal(t, "invalid_grant", replay.Error)
	assert.Equal(t, http.StatusForbidden, userinfo(t, issuer, tok.AccessToken).status, "op's answer to a token its storage refuses")
	revoked := token(t, issuer, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshed.RefreshToken}, "client_id": {"cli"}})
	assert.Equal(t, "invalid_grant", revoked.Error)
}

var alertRE = regexp.MustCompile(`<p class="err" role="alert">([^<]*)</p>`)

// alerts are the error messages a login page shows.
func alerts(body string) []string {
	var out []string
	for _, m := range alertRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func userinfo(t *testing.T, issuer, accessToken string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, issuer+"/userinfo", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b)}
}

func TestConfidentialClient(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	c := browser(t)
	params := authorizeParams("web", webRedirect, "")
	params.Set("scope", "openid products:read reviews:write") // reviews:write is not the client's

	exchange := func(code string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {webRedirect}}
	}
	bad := token(t, issuer, exchange(code(t, c, issuer, params)), "web", "not-the-secret")
	assert.Equal(t, http.StatusUnauthorized, bad.status)
	assert.Equal(t, "invalid_client", bad.Error)

	noSecret := token(t, issuer, exchange(code(t, c, issuer, params)))
	assert.Equal(t, http.StatusUnauthorized, noSecret.status)
	assert.Equal(t, "invalid_client", noSecret.Error)

	tok := token(t, issuer, exchange(code(t, c, issuer, params)), "web", "web-secret")
	require.Equal(t, http.StatusOK, tok.status, tok.Description)
	assert.Empty(t, tok.RefreshToken, "offline_access was not asked")
	principal, err := verifier(t, issuer).Verify(context.Background(), tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, []string{"openid", "products:read"}, principal.Scopes, "a scope the client may not ask for is dropped")
	assert.NotContains(t, principal.Claims, "groups", "groups was not asked")

	// The secret in the form works too (client_secret_post).
	form := exchange(code(t, c, issuer, params))
	form.Set("client_id", "web")
	form.Set("client_secret", "web-secret")
	assert.Equal(t, http.StatusOK, token(t, issuer, form).status)

	// Another client cannot redeem web's code, even with its own valid secret.
	stolen := token(t, issuer, exchange(code(t, c, issuer, params)), "atrium", "atrium-secret")
	assert.Equal(t, "invalid_grant", stolen.Error)

	// The redirect_uri must be the one of the request.
	form = exchange(code(t, c, issuer, params))
	form.Set("redirect_uri", "https://app.example/elsewhere")
	assert.Equal(t, "invalid_grant", token(t, issuer, form, "web", "web-secret").Error)
}

func TestPKCE(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	c := browser(t)
	codeVerifier, challenge := pkce("the-right-verifier-0123456789-0123456789-0123")
	exchange := func(code, v string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {cliRedirect}, "client_id": {"cli"}, "code_verifier": {v}}
	}

	mismatch := token(t, issuer, exchange(code(t, c, issuer, authorizeParams("cli", cliRedirect, challenge)), "another-verifier-0123456789-0123456789-01234"))
	assert.Equal(t, http.StatusBadRequest, mismatch.status)
	assert.Equal(t, "invalid_grant", mismatch.Error)

	missing := token(t, issuer, exchange(code(t, c, issuer, authorizeParams("cli", cliRedirect, challenge)), ""))
	assert.Equal(t, "invalid_request", missing.Error)

	ok := token(t, issuer, exchange(code(t, c, issuer, authorizeParams("cli", cliRedirect, challenge)), codeVerifier))
	assert.Equal(t, http.StatusOK, ok.status, ok.Description)

	// A confidential client may use PKCE too, and is then held to it.
	params := authorizeParams("web", webRedirect, challenge)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code(t, c, issuer, params)}, "redirect_uri": {webRedirect}, "code_verifier": {"wrong-wrong-wrong-wrong-wrong-wrong-wrong-wrong"}}
	assert.Equal(t, "invalid_grant", token(t, issuer, form, "web", "web-secret").Error)

	// A public client must send a challenge, with S256: refused at /authorize, back at the
	// (validated) redirect URI with the state.
	for name, params := range map[string]url.Values{
		"no challenge": authorizeParams("cli", cliRedirect, ""),
		"plain": func() url.Values {
			p := authorizeParams("cli", cliRedirect, challenge)
			p.Set("code_challenge_method", "plain")
			return p
		}(),
		"no method": func() url.Values {
			p := authorizeParams("cli", cliRedirect, challenge)
			p.Del("code_challenge_method")
			return p
		}(),
	} {
		a := do(t, c, http.MethodGet, issuer+"/authorize?"+params.Encode(), nil)
		require.Equal(t, http.StatusFound, a.status, name)
		back, err := url.Parse(a.location)
		require.NoError(t, err)
		assert.Equal(t, "/callback", back.Path, name)
		assert.Equal(t, "invalid_request", back.Query().Get("error"), name)
		assert.Equal(t, "state-123", back.Query().Get("state"), name)
	}
}

// TestCodeIsRedeemedOnce races exchanges of one code: exactly one gets tokens.
func TestCodeIsRedeemedOnce(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	codeVerifier, challenge := pkce("race-verifier-0123456789-0123456789-0123456789")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code(t, browser(t), issuer, authorizeParams("cli", cliRedirect, challenge))},
		"redirect_uri": {cliRedirect}, "client_id": {"cli"}, "code_verifier": {codeVerifier}}
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Go(func() {
			resp, err := http.PostForm(issuer+"/oauth/token", form)
			if err == nil {
				statuses[i] = resp.StatusCode
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		if s == http.StatusOK {
			ok++
		} else {
			assert.Equal(t, http.StatusBadRequest, s)
		}
	}
	assert.Equal(t, 1, ok, "statuses %v", statuses)
}
