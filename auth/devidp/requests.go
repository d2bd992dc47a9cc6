package devidp

import (
	"log/slog"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// authRequest is one /authorize request, from its validation to the code's exchange.
type authRequest struct {
	id                                  string
	created                             time.Time
	clientID, redirectURI, state, nonce string
	scopes                              []string
	responseType                        oidc.ResponseType
	responseMode                        oidc.ResponseMode
	challenge                           *oidc.CodeChallenge
	loginHint                           string

	// Set by the login page.
	userID   string
	authTime time.Time
	done     bool

	// Set when the code is issued: the request cannot be completed again.
	code       string
	codeIssued time.Time
}

var (
	_ op.AuthRequest    = (*authRequest)(nil)
	_ op.LogAuthRequest = (*authRequest)(nil)
)

func (r *authRequest) GetID() string  { return r.id }
func (r *authRequest) GetACR() string { return "" }

func (r *authRequest) GetAMR() []string {
	if r.done {
		return []string{"pwd"}
	}
	return nil
}

// GetAudience is the client and Audience, in the access token and the ID token alike (op
// builds both from this list).
func (r *authRequest) GetAudience() []string                 { return []string{r.clientID, Audience} }
func (r *authRequest) GetAuthTime() time.Time                { return r.authTime }
func (r *authRequest) GetClientID() string                   { return r.clientID }
func (r *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return r.challenge }
func (r *authRequest) GetNonce() string                      { return r.nonce }
func (r *authRequest) GetRedirectURI() string                { return r.redirectURI }
func (r *authRequest) GetResponseType() oidc.ResponseType    { return r.responseType }
func (r *authRequest) GetResponseMode() oidc.ResponseMode    { return r.responseMode }
func (r *authRequest) GetScopes() []string                   { return r.scopes }
func (r *authRequest) GetState() string                      { return r.state }
func (r *authRequest) GetSubject() string                    { return r.userID }
func (r *authRequest) Done() bool                            { return r.done }

// LogValue is what op logs of a refused request: never the state, nonce or challenge.
func (r *authRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client_id", r.clientID),
		slog.String("redirect_uri", r.redirectURI),
		slog.Any("scopes", r.scopes),
	)
}

// refreshRequest is a refresh token presented at the token endpoint (a copy).
type refreshRequest struct {
	refreshToken
}

var _ op.RefreshTokenRequest = (*refreshRequest)(nil)

func (r *refreshRequest) GetAMR() []string                 { return r.amr }
func (r *refreshRequest) GetAudience() []string            { return r.audience }
func (r *refreshRequest) GetAuthTime() time.Time           { return r.authTime }
func (r *refreshRequest) GetClientID() string              { return r.clientID }
func (r *refreshRequest) GetScopes() []string              { return r.scopes }
func (r *refreshRequest) GetSubject() string               { return r.subject }
func (r *refreshRequest) SetCurrentScopes(scopes []string) { r.scopes = scopes }
