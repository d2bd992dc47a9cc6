package issuer

import (
	"context"
	"crypto/subtle"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2"

	"github.com/atrium-gateway/atrium/auth"
)

// signIn is the upstream OpenID Connect provider users sign in with: Atrium is its client
// (authorization code with PKCE, state and nonce), and turns the verified ID token into
// the subject and claims of its own tokens.
type signIn struct {
	cfg      auth.ProviderConfig
	client   *http.Client
	redirect string

	mu       sync.Mutex
	provider *gooidc.Provider // discovered on first use, retried after a failure
	tried    time.Time
}

// upstreamLogin is the sign-in at the upstream provider in progress.
type upstreamLogin struct {
	State    string `json:"state"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
}

func (s *signIn) discover(ctx context.Context) (*gooidc.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider != nil {
		return s.provider, nil
	}
	if time.Since(s.tried) < 10*time.Second {
		return nil, errors.New("identity provider unavailable")
	}
	s.tried = time.Now()
	p, err := gooidc.NewProvider(gooidc.ClientContext(ctx, s.client), s.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	s.provider = p
	return p, nil
}

func (s *signIn) oauth(p *gooidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: s.redirect, Scopes: s.cfg.SignInScopes}
}

// login sends the browser of an authorization request to the upstream provider.
func (i *Issuer) login(w http.ResponseWriter, r *http.Request) {
	st := &storage{i}
	a, err := st.loadAuthRequest(r.Context(), r.URL.Query().Get("id"))
	if err != nil || a.Signed {
		page(w, http.StatusBadRequest, "This sign-in link is invalid or has expired. Start again from the application.")
		return
	}
	if i.signIn == nil {
		page(w, http.StatusServiceUnavailable, "Sign-in is not configured on this Atrium: an identity provider with a client_id is needed (docs/identity.md).")
		return
	}
	p, err := i.signIn.discover(r.Context())
	if err != nil {
		i.log.ErrorContext(r.Context(), "token issuer: the sign-in provider cannot be reached", "provider", i.signIn.cfg.Name, "error", err)
		page(w, http.StatusServiceUnavailable, "The identity provider cannot be reached. Try again in a moment.")
		return
	}
	a.Upstream = &upstreamLogin{State: a.ID + "." + randomString(18), Nonce: randomString(18), Verifier: oauth2.GenerateVerifier()}
	if err := st.saveAuthRequest(r.Context(), a); err != nil {
		i.log.ErrorContext(r.Context(), "token issuer: saving a sign-in", "error", err)
		page(w, http.StatusInternalServerError, "Sign-in failed. Try again.")
		return
	}
	target := i.signIn.oauth(p).AuthCodeURL(a.Upstream.State, gooidc.Nonce(a.Upstream.Nonce), oauth2.S256ChallengeOption(a.Upstream.Verifier))
	http.Redirect(w, r, target, http.StatusFound)
}

// callback is where the upstream provider sends the browser back: the code is exchanged,
// the ID token verified (signature, issuer, audience, expiry, nonce), and the
// authorization request completed, which op then answers with Atrium's own code.
func (i *Issuer) callback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	id, _, _ := strings.Cut(q.Get("state"), ".")
	st := &storage{i}
	a, err := st.loadAuthRequest(ctx, id)
	if err != nil || a.Upstream == nil || a.Signed ||
		subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(a.Upstream.State)) != 1 || i.signIn == nil {
		page(w, http.StatusBadRequest, "This sign-in is invalid or has expired. Start again from the application.")
		return
	}
	if e := q.Get("error"); e != "" {
		// The user declined, or the provider refused: the application hears access_denied.
		i.log.InfoContext(ctx, "token issuer: sign-in refused upstream", "error", truncate(e))
		i.denied(w, r, a)
		return
	}
	p, err := i.signIn.discover(ctx)
	if err != nil {
		page(w, http.StatusServiceUnavailable, "The identity provider cannot be reached. Try again in a moment.")
		return
	}
	tok, err := i.signIn.oauth(p).Exchange(gooidc.ClientContext(ctx, i.signIn.client), q.Get("code"), oauth2.VerifierOption(a.Upstream.Verifier))
	if err != nil {
		i.log.WarnContext(ctx, "token issuer: upstream code exchange failed", "provider", i.signIn.cfg.Name, "error", err)
		page(w, http.StatusBadGateway, "Sign-in failed at the identity provider. Start again from the application.")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idToken, err := p.VerifierContext(gooidc.ClientContext(ctx, i.signIn.client), &gooidc.Config{ClientID: i.signIn.cfg.ClientID}).Verify(ctx, raw)
	if err == nil && idToken.Nonce != a.Upstream.Nonce {
		err = errors.New("nonce does not match")
	}
	var claims map[string]any
	if err == nil {
		err = idToken.Claims(&claims)
	}
	var principal *auth.Principal
	if err == nil {
		// Scopes mapped from the ID token (e.g. groups), else from the access token when it
		// is a JWT this gateway accepts.
		principal, err = i.signIn.cfg.Principal(claims)
		if err == nil && len(principal.Scopes) == 0 && i.upstream != nil {
			if at, verr := i.upstream.Verify(ctx, tok.AccessToken); verr == nil {
				principal.Scopes = at.Scopes
			}
		}
	}
	if err != nil {
		i.log.WarnContext(ctx, "token issuer: upstream ID token refused", "provider", i.signIn.cfg.Name, "error", err)
		page(w, http.StatusBadGateway, "Sign-in failed: the identity provider's answer could not be verified.")
		return
	}
	c, err := st.client(ctx, a.ClientID)
	if err != nil {
		page(w, http.StatusBadRequest, "The application is no longer registered.")
		return
	}
	a.Signed, a.Subject, a.AuthTime, a.Upstream = true, principal.Subject, time.Now().UTC(), nil
	a.Granted = scopesFor(a.Scopes, principal.Scopes, c.c.Scopes)
	a.Claims = i.copyClaims(claims, i.signIn.cfg.Name)
	if err := st.saveAuthRequest(ctx, a); err != nil {
		page(w, http.StatusInternalServerError, "Sign-in failed. Try again.")
		return
	}
	http.Redirect(w, r, op.AuthCallbackURL(i.provider)(op.ContextWithIssuer(ctx, i.cfg.URL), a.ID), http.StatusFound)
}

// denied answers the application's redirect URI with access_denied (RFC 6749 4.1.2.1).
func (i *Issuer) denied(w http.ResponseWriter, r *http.Request, a *authRequest) {
	u, err := url.Parse(a.RedirectURI)
	if err != nil {
		page(w, http.StatusBadRequest, "Sign-in was refused.")
		return
	}
	q := u.Query()
	q.Set("error", "access_denied")
	if a.State != "" {
		q.Set("state", a.State)
	}
	q.Set("iss", i.cfg.URL)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Atrium sign-in</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}</style>
</head><body><h1>Atrium sign-in</h1><p>{{.}}</p></body></html>`))

// page answers a browser with a short message (never a detail of the failure).
func page(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, message)
}
