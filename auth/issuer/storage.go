package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/registry/store"
)

// storage is zitadel op's storage: the issuer's rules on the registry store.
type storage struct{ i *Issuer }

var (
	_ op.Storage                            = (*storage)(nil)
	_ op.ClientCredentialsStorage           = (*storage)(nil)
	_ op.TokenExchangeStorage               = (*storage)(nil)
	_ op.TokenExchangeTokensVerifierStorage = (*storage)(nil)
	_ op.CanGetPrivateClaimsFromRequest     = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest          = (*storage)(nil)
)

// authRequest is an authorization request from /oauth/authorize to the code's exchange,
// stored as JSON so that any gateway sharing the store can carry it on.
type authRequest struct {
	ID                  string    `json:"id"`
	ClientID            string    `json:"client_id"`
	RedirectURI         string    `json:"redirect_uri"`
	State               string    `json:"state,omitempty"`
	Nonce               string    `json:"nonce,omitempty"`
	Scopes              []string  `json:"scopes"`
	ResponseType        string    `json:"response_type"`
	ResponseMode        string    `json:"response_mode,omitempty"`
	CodeChallenge       string    `json:"code_challenge"`
	CodeChallengeMethod string    `json:"code_challenge_method"`
	Audience            string    `json:"audience"`
	CreatedAt           time.Time `json:"created_at"`

	// The upstream sign-in in progress.
	Upstream *upstreamLogin `json:"upstream,omitempty"`
	// Set when the user has signed in.
	Signed   bool           `json:"signed,omitempty"`
	Subject  string         `json:"subject,omitempty"`
	AuthTime time.Time      `json:"auth_time"`
	Granted  []string       `json:"granted,omitempty"`
	Claims   map[string]any `json:"claims,omitempty"`
}

func (a *authRequest) GetID() string          { return a.ID }
func (a *authRequest) GetACR() string         { return "" }
func (a *authRequest) GetAMR() []string       { return nil }
func (a *authRequest) GetAudience() []string  { return []string{a.Audience} }
func (a *authRequest) GetAuthTime() time.Time { return a.AuthTime }
func (a *authRequest) GetClientID() string    { return a.ClientID }
func (a *authRequest) GetNonce() string       { return a.Nonce }
func (a *authRequest) GetRedirectURI() string { return a.RedirectURI }
func (a *authRequest) GetState() string       { return a.State }
func (a *authRequest) GetSubject() string     { return a.Subject }
func (a *authRequest) Done() bool             { return a.Signed }
func (a *authRequest) GetResponseType() oidc.ResponseType {
	return oidc.ResponseType(a.ResponseType)
}
func (a *authRequest) GetResponseMode() oidc.ResponseMode {
	return oidc.ResponseMode(a.ResponseMode)
}
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	return &oidc.CodeChallenge{Challenge: a.CodeChallenge, Method: oidc.CodeChallengeMethod(a.CodeChallengeMethod)}
}

// GetScopes are the scopes granted once signed in, those asked for before.
func (a *authRequest) GetScopes() []string {
	if a.Signed {
		return a.Granted
	}
	return a.Scopes
}

func (s *storage) saveAuthRequest(ctx context.Context, a *authRequest) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return s.i.st.SaveAuthRequest(ctx, a.ID, string(b), a.CreatedAt.Add(authRequestLifetime))
}

func (s *storage) loadAuthRequest(ctx context.Context, id string) (*authRequest, error) {
	text, err := s.i.st.AuthRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	a := &authRequest{}
	if err := json.Unmarshal([]byte(text), a); err != nil {
		return nil, fmt.Errorf("authorization request %s: %w", id, err)
	}
	return a, nil
}

// CreateAuthRequest starts a sign-in. PKCE with S256 is required of every client (OAuth
// 2.1, RFC 9700): a stolen code is then worthless.
func (s *storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if req.CodeChallenge == "" || req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE is required: send code_challenge with code_challenge_method=S256")
	}
	if req.ResponseType != oidc.ResponseTypeCode {
		return nil, oidc.ErrInvalidRequest().WithDescription("only response_type=code is supported")
	}
	c, err := s.client(ctx, req.ClientID)
	if err != nil {
		return nil, err
	}
	if !c.allows(GrantAuthorizationCode) {
		return nil, oidc.ErrUnauthorizedClient().WithDescription("the client may not use authorization_code")
	}
	a := &authRequest{ID: randomString(18), ClientID: req.ClientID, RedirectURI: req.RedirectURI, State: req.State,
		Nonce: req.Nonce, Scopes: req.Scopes, ResponseType: string(req.ResponseType), ResponseMode: string(req.ResponseMode),
		CodeChallenge: req.CodeChallenge, CodeChallengeMethod: string(req.CodeChallengeMethod), Audience: s.i.cfg.Audience,
		CreatedAt: time.Now().UTC()}
	if err := s.saveAuthRequest(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

func (s *storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	return s.loadAuthRequest(ctx, id)
}

// AuthRequestByCode takes a code once. A code presented again is a replay (the code
// leaked, or a client retried): RFC 6749 4.1.2 asks to revoke what it gave, and so it is.
func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	id, text, err := s.i.st.TakeAuthCode(ctx, sha256Hex(code))
	if errors.Is(err, store.ErrCodeReused) {
		s.i.log.WarnContext(ctx, "token issuer: authorization code replayed; revoking its tokens", "request", id)
		if err := s.i.st.RevokeOAuthFamily(ctx, id); err != nil {
			return nil, err
		}
		s.i.revocations.poke()
		return nil, errors.New("code already used")
	}
	if err != nil {
		return nil, err
	}
	a := &authRequest{}
	if err := json.Unmarshal([]byte(text), a); err != nil {
		return nil, err
	}
	return a, nil
}

func (s *storage) SaveAuthCode(ctx context.Context, id, code string) error {
	return s.i.st.SetAuthCode(ctx, id, sha256Hex(code))
}

// DeleteAuthRequest keeps the request: its spent code must still be recognised if
// replayed. Requests are pruned once expired.
func (s *storage) DeleteAuthRequest(context.Context, string) error { return nil }

// grant is what a token is issued for, whatever the grant type.
type grant struct {
	family, clientID, subject string
	scopes                    []string
	claims                    map[string]any
	authTime                  time.Time
}

// refreshRequest is a refresh token presented for a new access token.
type refreshRequest struct {
	t      store.OAuthToken
	scopes []string
}

func (r *refreshRequest) GetAMR() []string                 { return nil }
func (r *refreshRequest) GetAudience() []string            { return r.t.Audience }
func (r *refreshRequest) GetAuthTime() time.Time           { return r.t.AuthTime }
func (r *refreshRequest) GetClientID() string              { return r.t.ClientID }
func (r *refreshRequest) GetScopes() []string              { return r.scopes }
func (r *refreshRequest) GetSubject() string               { return r.t.Subject }
func (r *refreshRequest) SetCurrentScopes(scopes []string) { r.scopes = scopes }

// clientCredentialsRequest is a client asking for a token for itself.
type clientCredentialsRequest struct {
	clientID, audience string
	scopes             []string
}

func (c *clientCredentialsRequest) GetSubject() string    { return c.clientID }
func (c *clientCredentialsRequest) GetAudience() []string { return []string{c.audience} }
func (c *clientCredentialsRequest) GetScopes() []string   { return c.scopes }

func (s *storage) grantOf(ctx context.Context, req op.TokenRequest) (grant, error) {
	switch r := req.(type) {
	case *authRequest:
		return grant{family: r.ID, clientID: r.ClientID, subject: r.Subject, scopes: r.Granted, claims: r.Claims, authTime: r.AuthTime}, nil
	case *refreshRequest:
		var claims map[string]any
		if err := json.Unmarshal([]byte(r.t.Claims), &claims); err != nil {
			return grant{}, fmt.Errorf("claims of a refresh token: %w", err)
		}
		return grant{family: r.t.Family, clientID: r.t.ClientID, subject: r.t.Subject, scopes: r.scopes, claims: claims, authTime: r.t.AuthTime}, nil
	case *clientCredentialsRequest:
		return grant{family: randomString(12), clientID: r.clientID, subject: r.clientID, scopes: r.scopes, authTime: time.Now()}, nil
	case op.TokenExchangeRequest:
		// ValidateTokenExchangeRequest admitted only upstream tokens, whose verified claims
		// the request holds (from VerifyExchangeSubjectToken): no need to verify again.
		claims := r.GetExchangeSubjectTokenClaims()
		iss, _ := claims["iss"].(string)
		name, ok := s.i.providerName(iss)
		if !ok {
			return grant{}, oidc.ErrInvalidRequest().WithDescription("subject_token is invalid")
		}
		return grant{family: randomString(12), clientID: r.GetClientID(), subject: r.GetSubject(), scopes: r.GetScopes(),
			claims: s.i.copyClaims(claims, name), authTime: r.GetAuthTime()}, nil
	}
	return grant{}, fmt.Errorf("unsupported token request %T", req)
}

func (s *storage) tokenRecord(g grant, kind, id string, expires time.Time) (store.OAuthToken, error) {
	claims, err := json.Marshal(g.claims)
	if err != nil {
		return store.OAuthToken{}, err
	}
	return store.OAuthToken{ID: id, Kind: kind, Family: g.family, ClientID: g.clientID, Subject: g.subject,
		Scopes: g.scopes, Audience: []string{s.i.cfg.Audience}, Claims: string(claims), AuthTime: g.authTime, ExpiresAt: expires}, nil
}

// CreateAccessToken records an access token (its jti) and returns its ID and expiry.
func (s *storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	g, err := s.grantOf(ctx, req)
	if err != nil {
		return "", time.Time{}, err
	}
	id, exp := randomString(18), time.Now().Add(s.i.cfg.AccessTokenTTL)
	t, err := s.tokenRecord(g, store.TokenAccess, id, exp)
	if err != nil {
		return "", time.Time{}, err
	}
	return id, exp, s.i.st.AddOAuthTokens(ctx, t)
}

// CreateAccessAndRefreshTokens issues an access token and a refresh token; given the
// refresh token presented (a refresh), it spends that one in the same transaction.
func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	g, err := s.grantOf(ctx, req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	id, exp := randomString(18), time.Now().Add(s.i.cfg.AccessTokenTTL)
	access, err := s.tokenRecord(g, store.TokenAccess, id, exp)
	if err != nil {
		return "", "", time.Time{}, err
	}
	refreshToken := "atr_rt_" + randomString(32)
	refresh, err := s.tokenRecord(g, store.TokenRefresh, sha256Hex(refreshToken), time.Now().Add(s.i.cfg.RefreshTokenTTL))
	if err != nil {
		return "", "", time.Time{}, err
	}
	if current == "" {
		err = s.i.st.AddOAuthTokens(ctx, access, refresh)
	} else {
		err = s.i.st.SpendRefreshToken(ctx, sha256Hex(current), access, refresh)
	}
	switch {
	case errors.Is(err, store.ErrTokenReused):
		s.i.revocations.poke()
		return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("refresh token already used")
	case errors.Is(err, store.ErrNotFound):
		return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("refresh token is invalid or expired")
	case err != nil:
		return "", "", time.Time{}, err
	}
	return id, refreshToken, exp, nil
}

// TokenRequestByRefreshToken reads a refresh token. One already spent is a replay: its
// family is revoked (RFC 9700 4.14), the thief's tokens and the victim's alike.
func (s *storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	t, err := s.i.st.OAuthToken(ctx, sha256Hex(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Kind != store.TokenRefresh) {
		return nil, oidc.ErrInvalidGrant().WithDescription("refresh token is invalid or expired")
	}
	if err != nil {
		return nil, err
	}
	if !t.UsedAt.IsZero() {
		s.i.log.WarnContext(ctx, "token issuer: refresh token reused; revoking its family", "client", t.ClientID, "subject", t.Subject)
		if err := s.i.st.RevokeOAuthFamily(ctx, t.Family); err != nil {
			return nil, err
		}
		s.i.revocations.poke()
		return nil, oidc.ErrInvalidGrant().WithDescription("refresh token already used")
	}
	if !t.RevokedAt.IsZero() || !t.ExpiresAt.After(time.Now()) {
		return nil, oidc.ErrInvalidGrant().WithDescription("refresh token is invalid or expired")
	}
	return &refreshRequest{t: t, scopes: t.Scopes}, nil
}

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

// RevokeToken revokes a token the client holds (RFC 7009). An unknown token, or another
// client's, is answered like a revoked one: the endpoint tells nothing.
func (s *storage) RevokeToken(ctx context.Context, tokenOrID, _ string, clientID string) *oidc.Error {
	if _, err := s.i.st.RevokeOAuthToken(ctx, tokenOrID, clientID); err != nil {
		s.i.log.ErrorContext(ctx, "token issuer: revoking a token", "error", err)
		return oidc.ErrServerError()
	}
	s.i.revocations.poke()
	return nil
}

func (s *storage) GetRefreshTokenInfo(ctx context.Context, clientID, token string) (string, string, error) {
	t, err := s.i.st.OAuthToken(ctx, sha256Hex(token))
	if err != nil || t.Kind != store.TokenRefresh || t.ClientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.Subject, t.ID, nil
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	k, err := s.i.keys.current()
	if err != nil {
		return nil, err
	}
	return opKey{id: k.id, key: k.key}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	pub := s.i.keys.public()
	out := make([]op.Key, len(pub))
	for n, k := range pub {
		out[n] = opKey{id: k.KeyID, key: k.Key}
	}
	return out, nil
}

func (s *storage) client(ctx context.Context, id string) (*opClient, error) {
	c, err := s.i.st.OAuthClient(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		// An OAuth error, not a plain one: op passes some of these through unwrapped (the
		// refresh grant), where a plain error would become a 500.
		return nil, oidc.ErrInvalidClient().WithDescription("unknown client")
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	return &opClient{c: c, idTTL: s.i.cfg.AccessTokenTTL, loginURL: func(id string) string {
		return s.i.cfg.URL + LoginPath + "?id=" + id
	}}, nil
}

func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	return s.client(ctx, id)
}

// AuthorizeClientIDSecret authenticates a confidential client by its secret. A public
// client (no secret) passes only for token exchange, where the subject token is the
// credential (a browser app trading its sign-in token for Atrium's).
func (s *storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	c, err := s.client(ctx, id)
	if err != nil {
		return err
	}
	if c.c.SecretHash == "" {
		if secret == "" && grantFromContext(ctx) == GrantTokenExchange {
			return nil
		}
		return errors.New("public client")
	}
	if !secretMatches(secret, c.c.SecretHash) {
		return errors.New("wrong secret")
	}
	return nil
}

func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// liveAccessToken is the record of an access token still valid.
func (s *storage) liveAccessToken(ctx context.Context, id string) (store.OAuthToken, error) {
	t, err := s.i.st.OAuthToken(ctx, id)
	if err != nil {
		return t, errors.New("token not found")
	}
	if t.Kind != store.TokenAccess || !t.RevokedAt.IsZero() || !t.ExpiresAt.After(time.Now()) {
		return t, errors.New("token revoked or expired")
	}
	return t, nil
}

func (s *storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, _, _ string) error {
	t, err := s.liveAccessToken(ctx, tokenID)
	if err != nil {
		return err
	}
	var claims map[string]any
	_ = json.Unmarshal([]byte(t.Claims), &claims)
	setUserinfo(info, t.Subject, t.Scopes, claims)
	return nil
}

// SetIntrospectionFromToken answers RFC 7662 from the token's record: a revoked or
// expired token is inactive, whatever its signature says.
func (s *storage) SetIntrospectionFromToken(ctx context.Context, resp *oidc.IntrospectionResponse, tokenID, _, _ string) error {
	t, err := s.liveAccessToken(ctx, tokenID)
	if err != nil {
		return err
	}
	var claims map[string]any
	_ = json.Unmarshal([]byte(t.Claims), &claims)
	info := &oidc.UserInfo{}
	setUserinfo(info, t.Subject, t.Scopes, claims)
	resp.SetUserInfo(info)
	resp.Active = true
	resp.Scope = t.Scopes
	resp.ClientID = t.ClientID
	resp.TokenType = oidc.BearerToken
	resp.Expiration = oidc.FromTime(t.ExpiresAt)
	resp.IssuedAt = oidc.FromTime(t.CreatedAt)
	resp.NotBefore = oidc.FromTime(t.CreatedAt)
	resp.Audience = t.Audience
	resp.Issuer = s.i.cfg.URL
	resp.JWTID = t.ID
	return nil
}

// setUserinfo fills in what OpenID Connect's scopes allow of the copied claims.
func setUserinfo(info *oidc.UserInfo, subject string, scopes []string, claims map[string]any) {
	info.Subject = subject
	if slices.Contains(scopes, oidc.ScopeEmail) {
		info.Email, _ = claims["email"].(string)
		if v, ok := claims["email_verified"].(bool); ok {
			info.EmailVerified = oidc.Bool(v)
		}
	}
	if slices.Contains(scopes, oidc.ScopeProfile) {
		info.Name, _ = claims["name"].(string)
		info.PreferredUsername, _ = claims["preferred_username"].(string)
	}
	for k, v := range claims {
		switch k {
		case "email", "email_verified", "name", "preferred_username":
		default:
			info.AppendClaims(k, v)
		}
	}
}

func (s *storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	tr, ok := req.(op.TokenRequest)
	if !ok {
		return nil
	}
	g, err := s.grantOf(ctx, tr)
	if err != nil {
		return err
	}
	setUserinfo(info, g.subject, scopes, g.claims)
	return nil
}

// GetPrivateClaimsFromRequest gives access tokens their scope claim and the copied
// upstream claims.
func (s *storage) GetPrivateClaimsFromRequest(ctx context.Context, req op.TokenRequest, _ []string) (map[string]any, error) {
	g, err := s.grantOf(ctx, req)
	if err != nil {
		return nil, err
	}
	return accessClaims(g), nil
}

func accessClaims(g grant) map[string]any {
	out := make(map[string]any, len(g.claims)+1)
	for k, v := range g.claims {
		out[k] = v
	}
	out["scope"] = strings.Join(g.scopes, " ")
	return out
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

// GetKeyByIDAndClientID refuses: the JWT bearer grant and private_key_jwt are not offered.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("JWT profile grants are not supported")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("JWT profile grants are not supported")
}

func (s *storage) Health(ctx context.Context) error { return nil }

// ClientCredentials authenticates a client asking for a token for itself (whether it may
// is ClientCredentialsTokenRequest's to say: op answers this one's errors invalid_client).
func (s *storage) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	if err := s.AuthorizeClientIDSecret(ctx, id, secret); err != nil {
		return nil, err
	}
	return s.client(ctx, id)
}

// ClientCredentialsTokenRequest grants the client its granted scopes, or those asked for,
// which must be among them: scopes it asked for at registration and is not granted yet
// (store.OAuthClient.RequestedScopes) are never issued.
func (s *storage) ClientCredentialsTokenRequest(ctx context.Context, id string, scopes []string) (op.TokenRequest, error) {
	c, err := s.client(ctx, id)
	if err != nil {
		return nil, err
	}
	if !c.allows(GrantClientCredentials) {
		return nil, oidc.ErrUnauthorizedClient().WithDescription("the client may not use client_credentials")
	}
	for _, sc := range scopes {
		if !slices.Contains(c.c.Scopes, sc) {
			return nil, oidc.ErrInvalidScope().WithDescription("scope %s is not granted to this client", truncate(sc))
		}
	}
	granted := c.c.Scopes
	if len(scopes) > 0 {
		granted = scopes
	}
	return &clientCredentialsRequest{clientID: id, audience: s.i.cfg.Audience, scopes: slices.Clone(granted)}, nil
}

// ValidateTokenExchangeRequest admits an upstream provider's token (RFC 8693) from a
// client allowed to exchange, and decides the scopes: the subject's, capped by the
// client's and by those asked for.
func (s *storage) ValidateTokenExchangeRequest(ctx context.Context, req op.TokenExchangeRequest) error {
	c, err := s.client(ctx, req.GetClientID())
	if err != nil {
		return err
	}
	if !c.allows(GrantTokenExchange) {
		return oidc.ErrUnauthorizedClient().WithDescription("the client may not use token exchange")
	}
	switch req.GetRequestedTokenType() {
	case "":
		req.SetRequestedTokenType(oidc.AccessTokenType)
	case oidc.AccessTokenType:
	case oidc.RefreshTokenType:
		if !c.allows(GrantRefreshToken) {
			return oidc.ErrInvalidRequest().WithDescription("the client may not hold refresh tokens")
		}
	default:
		return oidc.ErrInvalidRequest().WithDescription("requested_token_type must be access_token or refresh_token")
	}
	switch req.GetExchangeSubjectTokenType() {
	case oidc.AccessTokenType, oidc.IDTokenType, oidc.JWTTokenType:
	default:
		return oidc.ErrInvalidRequest().WithDescription("subject_token_type must be access_token, id_token or jwt")
	}
	if req.GetExchangeActor() != "" {
		return oidc.ErrInvalidRequest().WithDescription("actor tokens are not supported")
	}
	// Only upstream providers' tokens are exchanged: op also admits its own tokens, which
	// this re-verification refuses (Atrium's token is no credential for another one).
	p, _, err := s.i.verifyUpstream(ctx, req.GetExchangeSubjectTokenIDOrToken())
	if err != nil {
		s.i.log.InfoContext(ctx, "token issuer: token exchange refused", "reason", err)
		return oidc.ErrInvalidRequest().WithDescription("subject_token is invalid")
	}
	req.SetCurrentScopes(scopesFor(req.GetScopes(), p.Scopes, c.c.Scopes))
	return nil
}

func (s *storage) CreateTokenExchangeRequest(context.Context, op.TokenExchangeRequest) error {
	return nil
}

func (s *storage) GetPrivateClaimsFromTokenExchangeRequest(ctx context.Context, req op.TokenExchangeRequest) (map[string]any, error) {
	g, err := s.grantOf(ctx, req)
	if err != nil {
		return nil, err
	}
	return accessClaims(g), nil
}

func (s *storage) SetUserinfoFromTokenExchangeRequest(ctx context.Context, info *oidc.UserInfo, req op.TokenExchangeRequest) error {
	g, err := s.grantOf(ctx, req)
	if err != nil {
		return err
	}
	setUserinfo(info, g.subject, g.scopes, g.claims)
	return nil
}

func (s *storage) VerifyExchangeSubjectToken(ctx context.Context, token string, _ oidc.TokenType) (string, string, map[string]any, error) {
	p, _, err := s.i.verifyUpstream(ctx, token)
	if err != nil {
		return "", "", nil, err
	}
	return token, p.Subject, p.Claims, nil
}

func (s *storage) VerifyExchangeActorToken(context.Context, string, oidc.TokenType) (string, string, map[string]any, error) {
	return "", "", nil, errors.New("actor tokens are not supported")
}

// verifyUpstream verifies a token of an upstream provider and names the provider.
func (i *Issuer) verifyUpstream(ctx context.Context, raw string) (*auth.Principal, string, error) {
	if i.upstream == nil {
		return nil, "", errors.New("no identity provider is configured (auth.providers)")
	}
	p, err := i.upstream.VerifyAny(ctx, raw)
	if err != nil {
		return nil, "", err
	}
	name, ok := i.providerName(p.Issuer)
	if !ok {
		return nil, "", errors.New("token of an issuer that is not an upstream provider")
	}
	return p, name, nil
}

// providerName names the upstream provider of an issuer.
func (i *Issuer) providerName(iss string) (string, bool) {
	for _, pc := range i.providers {
		if iss != "" && pc.Issuer == iss {
			return pc.Name, true
		}
	}
	return "", false
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
