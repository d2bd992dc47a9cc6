package devidp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// storage is zitadel's op.Storage in memory. Users and clients are fixed at start; auth
// requests, codes and tokens live until they expire (swept as new ones are made). One
// mutex guards everything; what it hands to op is a copy, so op never reads a value the
// login page is changing.
type storage struct {
	users   map[string]*User // by ID
	byName  map[string]*User // by Username
	clients map[string]*client
	key     signingKey

	mu       sync.Mutex
	requests map[string]*authRequest  // by id
	codes    map[string]string        // code not yet redeemed → auth request id
	redeemed map[string]redeemedCode  // redeemed code → what it was
	tokens   map[string]*accessToken  // by id (the JWT's jti)
	refresh  map[string]*refreshToken // by the token itself
}

var (
	_ op.Storage                        = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest      = (*storage)(nil)
	_ op.CanGetPrivateClaimsFromRequest = (*storage)(nil)
)

// redeemedCode remembers a code after its first exchange: presented again, it revokes the
// refresh tokens issued from it (RFC 6749, section 4.1.2).
type redeemedCode struct {
	origin  string // auth request id
	expires time.Time
}

type accessToken struct {
	id, clientID, subject string
	origin                string // auth request id the grant started from
	audience, scopes      []string
	issued, expires       time.Time
	revoked               bool
}

type refreshToken struct {
	token, clientID, subject string
	origin                   string
	audience, scopes         []string
	amr                      []string
	authTime, expires        time.Time
}

func newStorage(opts Options) (*storage, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	s := &storage{
		users: map[string]*User{}, byName: map[string]*User{}, clients: map[string]*client{},
		key:      signingKey{id: randomString(12), key: key},
		requests: map[string]*authRequest{}, codes: map[string]string{}, redeemed: map[string]redeemedCode{},
		tokens: map[string]*accessToken{}, refresh: map[string]*refreshToken{},
	}
	for _, u := range opts.Users {
		u.Groups = slices.Clone(u.Groups)
		if u.ID == "" {
			u.ID = u.Username
		}
		if u.Name == "" {
			u.Name = u.Username
		}
		s.users[u.ID], s.byName[u.Username] = &u, &u
	}
	for _, c := range opts.Clients {
		c.RedirectURIs, c.Scopes = slices.Clone(c.RedirectURIs), slices.Clone(c.Scopes)
		s.clients[c.ID] = &client{Client: c, loginURL: opts.Issuer + loginPath}
	}
	return s, nil
}

// randomString is n random bytes, base64url-encoded.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sweep drops what has expired; s.mu is held.
func (s *storage) sweep(now time.Time) {
	for id, r := range s.requests {
		if now.Sub(r.created) > loginLifetime+codeLifetime {
			delete(s.requests, id)
			delete(s.codes, r.code)
		}
	}
	for code, r := range s.redeemed {
		if now.After(r.expires) {
			delete(s.redeemed, code)
		}
	}
	for id, t := range s.tokens {
		if now.After(t.expires) {
			delete(s.tokens, id)
		}
	}
	for tok, t := range s.refresh {
		if now.After(t.expires) {
			delete(s.refresh, tok)
		}
	}
}

// Errors of the login page. They are shown to the user as they are.
var (
	errUnknownRequest = errors.New("this sign-in request is unknown, expired or already used: go back to the application and sign in again")
	errBadCredentials = errors.New("invalid username or password")
)

// pendingRequest returns a copy of the auth request id while it waits for a sign-in.
func (s *storage) pendingRequest(id string) (*authRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok || r.done || time.Since(r.created) > loginLifetime {
		return nil, errUnknownRequest
	}
	c := *r
	return &c, nil
}

// signIn completes the auth request id for the user with these credentials.
func (s *storage) signIn(id, username, password string) (*User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok || r.done || time.Since(r.created) > loginLifetime {
		return nil, errUnknownRequest
	}
	u := s.checkPassword(username, password)
	if u == nil {
		return nil, errBadCredentials
	}
	r.userID, r.authTime, r.done = u.ID, time.Now(), true
	return u, nil
}

// checkPassword returns the user with these credentials, nil when there is none. Unknown
// users and wrong passwords take the same time.
func (s *storage) checkPassword(username, password string) *User {
	u := s.byName[username]
	want := "\x00no such user"
	if u != nil {
		want = u.Password
	}
	got, exp := sha256.Sum256([]byte(password)), sha256.Sum256([]byte(want))
	if subtle.ConstantTimeCompare(got[:], exp[:]) != 1 || u == nil {
		return nil
	}
	return u
}

// CreateAuthRequest stores a validated /authorize request until the user signs in.
func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	c, ok := s.clients[req.ClientID]
	if !ok { // op looked the client up already
		return nil, oidc.ErrInvalidClient()
	}
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired().WithDescription("there are no sessions: the user must sign in")
	}
	switch {
	case req.CodeChallenge == "" && c.public():
		return nil, oidc.ErrInvalidRequest().WithDescription("a public client must use PKCE: send code_challenge and code_challenge_method=S256")
	case req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256:
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	}
	r := &authRequest{
		id: randomString(16), created: time.Now(),
		clientID: req.ClientID, redirectURI: req.RedirectURI, state: req.State, nonce: req.Nonce,
		scopes: slices.Clone(req.Scopes), responseType: req.ResponseType, responseMode: req.ResponseMode,
		loginHint: req.LoginHint,
	}
	if req.CodeChallenge != "" {
		r.challenge = &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: req.CodeChallengeMethod}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(r.created)
	s.requests[r.id] = r
	c2 := *r
	return &c2, nil
}

// AuthRequestByID serves the callback after the login page: a request whose code was
// issued already cannot be completed again.
func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok || r.code != "" || time.Since(r.created) > loginLifetime {
		return nil, oidc.ErrInvalidRequest().WithDescription("%s", errUnknownRequest)
	}
	c := *r
	return &c, nil
}

// AuthRequestByCode redeems a code: it works once, whatever the outcome of the exchange.
func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.codes[code]
	if !ok {
		if used, replayed := s.redeemed[code]; replayed {
			s.revokeOrigin(used.origin)
			return nil, errors.New("the code was used already; the tokens issued from it are revoked")
		}
		return nil, errors.New("unknown or expired code")
	}
	delete(s.codes, code)
	s.redeemed[code] = redeemedCode{origin: id, expires: time.Now().Add(refreshTokenLifetime)}
	r, ok := s.requests[id]
	if !ok || time.Since(r.codeIssued) > codeLifetime {
		return nil, errors.New("expired code")
	}
	c := *r
	return &c, nil
}

// revokeOrigin revokes the tokens issued from one auth request; s.mu is held.
func (s *storage) revokeOrigin(origin string) {
	for _, t := range s.tokens {
		if t.origin == origin {
			t.revoked = true
		}
	}
	for tok, t := range s.refresh {
		if t.origin == origin {
			delete(s.refresh, tok)
		}
	}
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok || r.code != "" {
		return oidc.ErrInvalidRequest().WithDescription("this sign-in was completed already")
	}
	r.code, r.codeIssued = code, time.Now()
	s.codes[code] = id
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.requests[id]; ok {
		delete(s.codes, r.code)
		delete(s.requests, id)
	}
	return nil
}

// grant tells which client and auth request a token request comes from.
func grant(req op.TokenRequest) (clientID, origin string, amr []string, authTime time.Time, err error) {
	switch r := req.(type) {
	case *authRequest:
		return r.clientID, r.id, r.GetAMR(), r.authTime, nil
	case *refreshRequest:
		return r.clientID, r.origin, r.amr, r.authTime, nil
	}
	return "", "", nil, time.Time{}, oidc.ErrUnsupportedGrantType()
}

// newAccessToken records an access token; s.mu is held.
func (s *storage) newAccessToken(req op.TokenRequest, clientID, origin string, now time.Time) *accessToken {
	t := &accessToken{
		id: randomString(16), clientID: clientID, subject: req.GetSubject(), origin: origin,
		audience: slices.Clone(req.GetAudience()), scopes: slices.Clone(req.GetScopes()),
		issued: now, expires: now.Add(accessTokenLifetime),
	}
	s.tokens[t.id] = t
	return t
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	clientID, origin, _, _, err := grant(req)
	if err != nil {
		return "", time.Time{}, err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	t := s.newAccessToken(req, clientID, origin, now)
	return t.id, t.expires, nil
}

// CreateAccessAndRefreshTokens issues a refresh token with the code (offline_access asked)
// and rotates it at each refresh: the one presented stops working.
func (s *storage) CreateAccessAndRefreshTokens(_ context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	clientID, origin, amr, authTime, err := grant(req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	next := &refreshToken{
		token: randomString(32), clientID: clientID, subject: req.GetSubject(), origin: origin,
		audience: slices.Clone(req.GetAudience()), scopes: slices.Clone(req.GetScopes()),
		amr: amr, authTime: authTime, expires: now.Add(refreshTokenLifetime),
	}
	if current != "" {
		old, ok := s.refresh[current]
		if !ok { // refreshed concurrently
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("the refresh token was used already")
		}
		delete(s.refresh, current)
		next.scopes = old.scopes // a narrower request narrows the access token, not the grant
	}
	s.refresh[next.token] = next
	t := s.newAccessToken(req, clientID, origin, now)
	return t.id, next.token, t.expires, nil
}

func (s *storage) TokenRequestByRefreshToken(_ context.Context, token string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.refresh[token]
	if !ok || time.Now().After(t.expires) {
		return nil, errors.New("unknown, used or expired refresh token")
	}
	return &refreshRequest{refreshToken: *t}, nil
}

// TerminateSession (/end_session) revokes the user's tokens of the client.
func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t.subject == userID && t.clientID == clientID {
			t.revoked = true
		}
	}
	for tok, t := range s.refresh {
		if t.subject == userID && t.clientID == clientID {
			delete(s.refresh, tok)
		}
	}
	return nil
}

// RevokeToken revokes an access token (by id) or a refresh token. A revoked access token
// is refused by /userinfo and /oauth/introspect; as a JWT it stays valid elsewhere until it
// expires.
func (s *storage) RevokeToken(_ context.Context, tokenOrID, _, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[tokenOrID]; ok {
		if t.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("the token was not issued to this client")
		}
		t.revoked = true
		return nil
	}
	if t, ok := s.refresh[tokenOrID]; ok {
		if t.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("the token was not issued to this client")
		}
		delete(s.refresh, tokenOrID)
	}
	return nil // unknown tokens need no revoking (RFC 7009, section 2.2)
}

func (s *storage) GetRefreshTokenInfo(_ context.Context, _ string, token string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.refresh[token]
	if !ok {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.subject, t.token, nil
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return &s.key, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{&s.key}}, nil
}

// GetClientByClientID answers an unknown client with invalid_client: op passes this error
// on as it is in some grants (refresh_token), where a plain error would be a server_error.
func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	c, ok := s.clients[id]
	if !ok {
		return nil, oidc.ErrInvalidClient().WithDescription("unknown client").WithParent(fmt.Errorf("unknown client %q", truncate(id)))
	}
	return c, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	c, ok := s.clients[id]
	if !ok {
		return fmt.Errorf("unknown client %q", truncate(id))
	}
	got, want := sha256.Sum256([]byte(secret)), sha256.Sum256([]byte(c.Secret))
	if c.public() || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return fmt.Errorf("wrong secret for client %q", id)
	}
	return nil
}

// SetUserinfoFromScopes is deprecated in op; SetUserinfoFromRequest does the work.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return s.setUserinfo(info, req.GetSubject(), scopes)
}

// SetUserinfoFromToken answers /userinfo.
func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	t, err := s.activeToken(tokenID, subject)
	if err != nil {
		return err
	}
	return s.setUserinfo(info, t.subject, t.scopes)
}

// SetIntrospectionFromToken answers /oauth/introspect for the token's client or a client
// in its audience (so the atrium client can introspect every access token).
func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	t, err := s.activeToken(tokenID, subject)
	if err != nil {
		return err
	}
	if clientID != t.clientID && !slices.Contains(t.audience, clientID) {
		return errors.New("the token is not for this client")
	}
	info := new(oidc.UserInfo)
	if err := s.setUserinfo(info, t.subject, t.scopes); err != nil {
		return err
	}
	resp.SetUserInfo(info)
	resp.Scope, resp.ClientID, resp.Audience, resp.JWTID = t.scopes, t.clientID, t.audience, t.id
	resp.TokenType = oidc.BearerToken
	resp.IssuedAt, resp.Expiration = oidc.FromTime(t.issued), oidc.FromTime(t.expires)
	return nil
}

// activeToken returns a copy of the access token id when it is neither revoked nor expired.
func (s *storage) activeToken(id, subject string) (accessToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[id]
	if !ok || t.revoked || time.Now().After(t.expires) || t.subject != subject {
		return accessToken{}, errors.New("the token is unknown, revoked or expired")
	}
	return *t, nil
}

// setUserinfo fills info with the user's claims the scopes ask for.
func (s *storage) setUserinfo(info *oidc.UserInfo, userID string, scopes []string) error {
	u, ok := s.users[userID]
	if !ok {
		return fmt.Errorf("unknown user %q", userID)
	}
	info.Subject = u.ID
	for _, scope := range scopes {
		switch scope {
		case oidc.ScopeEmail:
			if u.Email != "" {
				info.Email, info.EmailVerified = u.Email, oidc.Bool(true)
			}
		case oidc.ScopeProfile:
			info.Name, info.PreferredUsername = u.Name, u.Username
		case ScopeGroups:
			info.AppendClaims("groups", groupsOf(u))
		}
	}
	return nil
}

func groupsOf(u *User) []string {
	return append([]string{}, u.Groups...) // [] rather than null when there are none
}

// GetPrivateClaimsFromRequest adds to a JWT access token its scope claim (op does not set
// it) and, for the groups scope, the user's groups.
func (s *storage) GetPrivateClaimsFromRequest(_ context.Context, req op.TokenRequest, _ []string) (map[string]any, error) {
	return s.privateClaims(req.GetSubject(), req.GetScopes()), nil
}

// GetPrivateClaimsFromScopes is not called: GetPrivateClaimsFromRequest is.
func (s *storage) GetPrivateClaimsFromScopes(_ context.Context, userID, _ string, scopes []string) (map[string]any, error) {
	return s.privateClaims(userID, scopes), nil
}

func (s *storage) privateClaims(userID string, scopes []string) map[string]any {
	claims := map[string]any{"scope": strings.Join(scopes, " ")}
	if u, ok := s.users[userID]; ok && slices.Contains(scopes, ScopeGroups) {
		claims["groups"] = groupsOf(u)
	}
	return claims
}

// GetKeyByIDAndClientID would serve private_key_jwt client authentication and the JWT
// profile grant, which the provider does not support.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("client keys are not supported")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("the JWT profile grant is not supported")
}

func (s *storage) Health(context.Context) error { return nil }

// truncate keeps values from requests short in errors.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// signingKey is the ES256 key of every token, generated at start.
type signingKey struct {
	id  string
	key *ecdsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

// publicKey is the signing key as the JWKS publishes it.
type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.id }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.k.key.PublicKey }
