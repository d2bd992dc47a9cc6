package resolvers

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/issuer"
)

// authenticator tells who a request to the registry API comes from.
type authenticator struct {
	opts  Options
	admin [sha256.Size]byte // the admin token's hash
}

// authenticate returns the request's caller, or the refusal to answer with.
func (a *authenticator) authenticate(r *http.Request) (*caller, *refusal) {
	token, ok := bearer(r)
	if !ok {
		return nil, a.missing()
	}
	got := sha256.Sum256([]byte(token))
	// Hashes have a fixed length, so the comparison's time says nothing about the token.
	if subtle.ConstantTimeCompare(got[:], a.admin[:]) == 1 {
		return adminCaller, nil
	}
	if a.opts.Verifier == nil {
		return nil, &refusal{message: "the token is not the admin token", challenge: `error="invalid_token"`}
	}
	ctx := r.Context()
	p, err := a.opts.Verifier.Verify(ctx, token)
	if err != nil {
		// Why stays in the log: telling a caller which check failed helps forgers only.
		if errors.Is(err, auth.ErrProviderUnavailable) {
			a.opts.Logger.ErrorContext(ctx, "registry API: bearer token not verified", "error", err.Error())
		} else {
			a.opts.Logger.InfoContext(ctx, "registry API: bearer token refused", "error", err.Error())
		}
		return nil, &refusal{message: auth.ErrInvalidToken.Error(), challenge: `error="invalid_token"`}
	}
	if url := a.opts.Issuer.URL(); p.Issuer != url {
		// A valid token of an upstream provider the gateway accepts: its scopes are the
		// provider's, not what Atrium granted, so it gives no role here.
		a.opts.Logger.InfoContext(ctx, "registry API: upstream token refused", "issuer", p.Issuer, "subject", p.Subject)
		return nil, &refusal{
			message: "the registry API accepts Atrium access tokens only, not the identity provider's: exchange this token at " +
				url + issuer.TokenPath + " (token exchange), or sign in through Atrium",
			challenge: `error="invalid_token", error_description="not an Atrium access token"`,
		}
	}
	return &caller{principal: p, roles: a.opts.Roles.of(p.Scopes)}, nil
}

func (a *authenticator) missing() *refusal {
	if a.opts.Verifier == nil {
		return &refusal{message: "the registry API needs the admin token: send Authorization: Bearer <token>"}
	}
	return &refusal{message: "the registry API needs a bearer token: the admin token, or an Atrium access token (sign in through Atrium): send Authorization: Bearer <token>"}
}

// bearer returns the request's bearer token.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// refusal is a 401 answer (RFC 6750): challenge holds the WWW-Authenticate parameters
// after the realm, empty when no token was sent.
type refusal struct {
	message, challenge string
}

func (f *refusal) write(w http.ResponseWriter) {
	challenge := `Bearer realm="atrium-registry"`
	if f.challenge != "" {
		challenge += ", " + f.challenge
	}
	w.Header().Set("WWW-Authenticate", challenge)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusUnauthorized)
	msg, _ := json.Marshal(f.message)
	_, _ = fmt.Fprintf(w, `{"errors":[{"message":%s,"extensions":{"code":"UNAUTHENTICATED"}}]}`, msg)
}
