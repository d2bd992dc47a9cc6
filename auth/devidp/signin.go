package devidp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// ErrInvalidCredentials is SignIn's error when the login page refuses the username or
// password.
var ErrInvalidCredentials = errors.New("devidp: invalid username or password")

// SignIn signs username in at the provider issuer the way a browser would, for tests and
// scripts: the authorization code flow with PKCE (S256), state and nonce, the login page's
// form, and the code's exchange. secret is empty for a public client. The ID token, when
// one comes, is verified (signature, issuer, audience, nonce). The token's
// Extra("id_token") is the ID token; its RefreshToken is set when offline_access was
// asked. httpClient (http.DefaultClient when nil) needs no cookie jar.
//
// It works with providers of this package, whose login page it knows; the redirect URI
// is never called, so nothing needs to listen there.
func SignIn(ctx context.Context, httpClient *http.Client, issuer, clientID, secret, redirectURI, username, password string, scopes []string) (*oauth2.Token, error) {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	ctx = oidc.ClientContext(ctx, httpClient)
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return nil, fmt.Errorf("devidp: discovery: %w", err)
	}
	endpoint := provider.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInHeader
	if secret == "" {
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	conf := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: endpoint, RedirectURL: redirectURI, Scopes: scopes}
	verifier, state, nonce := oauth2.GenerateVerifier(), randomString(16), randomString(16)

	noRedirects := *httpClient
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	w := walker{ctx: ctx, client: &noRedirects, redirectURI: redirectURI}

	// /authorize answers with a redirect to the login page (or an error at the redirect URI).
	back, page, err := w.walk(http.MethodGet, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), nil)
	if err != nil {
		return nil, err
	}
	if back == nil {
		id := page.url.Query().Get("authRequestID")
		if page.status != http.StatusOK || id == "" {
			return nil, fmt.Errorf("devidp: /authorize led to %s (%d), not to the login page: %s", page.url.Redacted(), page.status, snippet(page.text))
		}
		form := url.Values{"id": {id}, "username": {username}, "password": {password}}
		loginURL := *page.url
		loginURL.RawQuery = ""
		if back, page, err = w.walk(http.MethodPost, loginURL.String(), form); err != nil {
			return nil, err
		}
		if back == nil {
			if page.status == http.StatusOK && strings.Contains(page.text, errBadCredentials.Error()) {
				return nil, ErrInvalidCredentials
			}
			return nil, fmt.Errorf("devidp: the login page answered %d: %s", page.status, snippet(page.text))
		}
	}
	q := back.Query()
	if q.Get("state") != state {
		return nil, errors.New("devidp: the state came back changed")
	}
	if e := q.Get("error"); e != "" {
		return nil, fmt.Errorf("devidp: authorization refused: %s: %s", e, q.Get("error_description"))
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("devidp: exchanging the code: %w", err)
	}
	if raw, _ := tok.Extra("id_token").(string); raw != "" {
		idt, err := provider.Verifier(&oidc.Config{ClientID: clientID}).Verify(ctx, raw)
		if err != nil {
			return nil, fmt.Errorf("devidp: the ID token: %w", err)
		}
		if idt.Nonce != nonce {
			return nil, errors.New("devidp: the ID token's nonce is not the one sent")
		}
	}
	return tok, nil
}

// walker follows redirects itself, to stop at the redirect URI.
type walker struct {
	ctx         context.Context
	client      *http.Client
	redirectURI string
}

// page is where a walk stopped without reaching the redirect URI.
type page struct {
	url    *url.URL
	status int
	text   string // the start of the body
}

// walk requests target (a form is posted) and follows redirects until one leads to the
// redirect URI (returned as back) or an answer is not a redirect (returned as page).
func (w walker) walk(method, target string, form url.Values) (back *url.URL, p *page, err error) {
	for range 10 {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(w.ctx, method, target, body)
		if err != nil {
			return nil, nil, fmt.Errorf("devidp: %w", err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := w.client.Do(req)
		if err != nil {
			return nil, nil, fmt.Errorf("devidp: %w", err)
		}
		text, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil { // not a redirect
			return nil, &page{url: req.URL, status: resp.StatusCode, text: strings.TrimSpace(string(text))}, nil
		}
		if sameEndpoint(loc, w.redirectURI) {
			return loc, nil, nil
		}
		method, target, form = http.MethodGet, loc.String(), nil
	}
	return nil, nil, errors.New("devidp: too many redirects")
}

// snippet is the start of an answer, for an error message.
func snippet(text string) string {
	if len(text) > 300 {
		return text[:300] + "…"
	}
	return text
}

// sameEndpoint tells whether u is redirectURI with a query added.
func sameEndpoint(u *url.URL, redirectURI string) bool {
	r, err := url.Parse(redirectURI)
	return err == nil && u.Scheme == r.Scheme && u.Host == r.Host && u.Path == r.Path
}
