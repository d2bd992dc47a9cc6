package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The token issuer's storage (auth/issuer): API clients, signing keys, issued tokens and
// authorization requests. The store keeps only what it is given: secrets and refresh
// tokens arrive hashed, and which grant may do what is the issuer's business.

var (
	// ErrTokenReused is returned by SpendRefreshToken for a refresh token already spent:
	// the token's whole family has been revoked.
	ErrTokenReused = errors.New("refresh token already used")
	// ErrCodeReused is returned by TakeAuthCode for a code already exchanged.
	ErrCodeReused = errors.New("authorization code already used")
)

// OAuthClient is an API client registered with the token issuer.
type OAuthClient struct {
	ID   string
	Name string
	// SecretHash is the hex SHA-256 of the client secret; "" for a public client.
	SecretHash string
	// Owner is the subject of the user who registered the client; "" for one registered
	// with the admin token.
	Owner string
	// Scopes the client is granted (may obtain); GrantTypes it may use; RedirectURIs it
	// may be sent back to after a sign-in.
	Scopes, GrantTypes, RedirectURIs []string
	// RequestedScopes are the scopes it asked for; those not in Scopes wait for an
	// administrator.
	RequestedScopes      []string
	CreatedAt, UpdatedAt time.Time
}

// CreateOAuthClient registers c; ErrConflict when its ID is taken.
func (s *Store) CreateOAuthClient(ctx context.Context, c OAuthClient) error {
	if err := s.usable(); err != nil {
		return err
	}
	at := s.timeArg(now())
	res, err := s.writer.ExecContext(ctx, `
		INSERT INTO oauth_clients (id, name, secret_hash, owner, scopes, requested_scopes, grant_types, redirect_uris, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (id) DO NOTHING`,
		c.ID, c.Name, c.SecretHash, c.Owner, joinList(c.Scopes), joinList(c.RequestedScopes), joinList(c.GrantTypes),
		joinList(c.RedirectURIs), at)
	if err != nil {
		return fmt.Errorf("create client %q: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("client %q: %w", c.ID, ErrConflict)
	}
	return nil
}

const oauthClientColumns = `SELECT id, name, secret_hash, owner, scopes, requested_scopes, grant_types, redirect_uris,
	created_at, updated_at FROM oauth_clients`

// OAuthClient returns the client of that ID, or ErrNotFound.
func (s *Store) OAuthClient(ctx context.Context, id string) (OAuthClient, error) {
	if err := s.usable(); err != nil {
		return OAuthClient{}, err
	}
	c, err := scanOAuthClient(s.reader.QueryRowContext(ctx, oauthClientColumns+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return OAuthClient{}, fmt.Errorf("client %q: %w", id, ErrNotFound)
	}
	return c, err
}

// OAuthClients lists every client by ID.
func (s *Store) OAuthClients(ctx context.Context) ([]OAuthClient, error) {
	return s.oauthClients(ctx, oauthClientColumns+` ORDER BY id`)
}

// OAuthClientsOwnedBy lists the clients owner registered, by ID; none for "".
func (s *Store) OAuthClientsOwnedBy(ctx context.Context, owner string) ([]OAuthClient, error) {
	if owner == "" {
		return nil, nil // "" marks clients registered with the admin token: nobody's
	}
	return s.oauthClients(ctx, oauthClientColumns+` WHERE owner = $1 ORDER BY id`, owner)
}

func (s *Store) oauthClients(ctx context.Context, query string, args ...any) ([]OAuthClient, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list clients: %w", err)
	}
	defer rows.Close()
	var out []OAuthClient
	for rows.Next() {
		c, err := scanOAuthClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func scanOAuthClient(row interface{ Scan(...any) error }) (OAuthClient, error) {
	var c OAuthClient
	var scopes, requested, grants, redirects string
	err := row.Scan(&c.ID, &c.Name, &c.SecretHash, &c.Owner, &scopes, &requested, &grants, &redirects,
		timeColumn{&c.CreatedAt}, timeColumn{&c.UpdatedAt})
	c.Scopes, c.RequestedScopes = splitList(scopes), splitList(requested)
	c.GrantTypes, c.RedirectURIs = splitList(grants), splitList(redirects)
	return c, err
}

// SetOAuthClientSecret replaces a confidential client's secret hash; ErrNotFound when
// there is no such client.
func (s *Store) SetOAuthClientSecret(ctx context.Context, id, secretHash string) error {
	if err := s.usable(); err != nil {
		return err
	}
	res, err := s.writer.ExecContext(ctx, `UPDATE oauth_clients SET secret_hash = $1, updated_at = $2 WHERE id = $3`,
		secretHash, s.timeArg(now()), id)
	if err != nil {
		return fmt.Errorf("set the secret of client %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("client %q: %w", id, ErrNotFound)
	}
	return nil
}

// SetOAuthClientScopes replaces the scopes a client is granted; ErrNotFound when there is
// no such client. When a scope it had is taken away, every token issued to the client is
// revoked in the same transaction (they may carry that scope, and refresh tokens would
// keep it), and revoked reports so.
func (s *Store) SetOAuthClientScopes(ctx context.Context, id string, scopes []string) (revoked bool, err error) {
	if err := s.usable(); err != nil {
		return false, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer rollback(tx)
	var old string
	err = tx.QueryRowContext(ctx, `SELECT scopes FROM oauth_clients WHERE id = $1`+s.forUpdate(), id).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("client %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("read the scopes of client %q: %w", id, err)
	}
	at := s.timeArg(now())
	if _, err := tx.ExecContext(ctx, `UPDATE oauth_clients SET scopes = $1, updated_at = $2 WHERE id = $3`,
		joinList(scopes), at, id); err != nil {
		return false, fmt.Errorf("set the scopes of client %q: %w", id, err)
	}
	for _, sc := range splitList(old) {
		if !slices.Contains(scopes, sc) {
			revoked = true
			break
		}
	}
	if revoked {
		if err := revokeClientTokens(ctx, tx, id, at); err != nil {
			return false, err
		}
	}
	return revoked, tx.Commit()
}

// revokeClientTokens revokes every token issued to a client; at is a timeArg.
func revokeClientTokens(ctx context.Context, tx *sql.Tx, id string, at any) error {
	if _, err := tx.ExecContext(ctx, `UPDATE oauth_tokens SET revoked_at = $1 WHERE client_id = $2 AND revoked_at IS NULL`, at, id); err != nil {
		return fmt.Errorf("revoke the tokens of client %q: %w", id, err)
	}
	return nil
}

// DeleteOAuthClient removes a client with its subscription to a product, and revokes
// every token issued to it.
func (s *Store) DeleteOAuthClient(ctx context.Context, id string) error {
	if err := s.usable(); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	// The products' lock first, as every write to subscriptions takes it: in another
	// order, a Subscribe of this client at the same time could deadlock with this.
	at, err := s.lockCatalogue(ctx, tx)
	if err != nil {
		return err
	}
	if err := s.deleteSubscriptionOf(ctx, tx, id, at); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM oauth_clients WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete client %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("client %q: %w", id, ErrNotFound)
	}
	if err := revokeClientTokens(ctx, tx, id, s.timeArg(now())); err != nil {
		return err
	}
	return tx.Commit()
}

// SigningKey is one of the issuer's signing keys.
type SigningKey struct {
	ID        string
	Algorithm string
	// PrivateKey is PKCS#8 DER.
	PrivateKey []byte
	CreatedAt  time.Time
}

// SigningKeys returns up to limit keys, newest first.
func (s *Store) SigningKeys(ctx context.Context, limit int) ([]SigningKey, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT kid, algorithm, private_key, created_at FROM signing_keys
		ORDER BY created_at DESC, kid DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("read signing keys: %w", err)
	}
	defer rows.Close()
	var out []SigningKey
	for rows.Next() {
		var k SigningKey
		if err := rows.Scan(&k.ID, &k.Algorithm, &k.PrivateKey, timeColumn{&k.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// AddSigningKey stores k (its CreatedAt is set now) unless a key newer than notBefore
// exists already: of several gateways deciding at once that the key is due for rotation,
// one adds a key and the others find it. It reports whether k was added.
func (s *Store) AddSigningKey(ctx context.Context, k SigningKey, notBefore time.Time) (bool, error) {
	if err := s.usable(); err != nil {
		return false, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer rollback(tx)
	if s.dialect == DialectPostgres {
		// Serializes rotations across processes; SQLite's writes are serialized already.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockID+1); err != nil {
			return false, err
		}
	}
	var newer int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM signing_keys WHERE created_at > $1`, s.timeArg(notBefore)).Scan(&newer); err != nil {
		return false, fmt.Errorf("read signing keys: %w", err)
	}
	if newer > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO signing_keys (kid, algorithm, private_key, created_at) VALUES ($1, $2, $3, $4)`,
		k.ID, k.Algorithm, k.PrivateKey, s.timeArg(now())); err != nil {
		return false, fmt.Errorf("store signing key: %w", err)
	}
	return true, tx.Commit()
}

// OAuthToken is an issued access token or refresh token.
type OAuthToken struct {
	// ID is the access token's jti, or the hex SHA-256 of the refresh token.
	ID     string
	Kind   string // "access" or "refresh"
	Family string
	// ClientID and Subject: to whom and for whom it was issued.
	ClientID, Subject string
	Scopes, Audience  []string
	// Claims are the extra claims (JSON object) its access tokens carry, kept so that a
	// refresh gives the same ones.
	Claims                         string
	AuthTime, CreatedAt, ExpiresAt time.Time
	UsedAt, RevokedAt              time.Time // zero when not
}

// Token kinds.
const (
	TokenAccess  = "access"
	TokenRefresh = "refresh"
)

// AddOAuthTokens records issued tokens (their CreatedAt is set now).
func (s *Store) AddOAuthTokens(ctx context.Context, tokens ...OAuthToken) error {
	if err := s.usable(); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	if err := s.insertTokens(ctx, tx, tokens); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) insertTokens(ctx context.Context, tx *sql.Tx, tokens []OAuthToken) error {
	at := s.timeArg(now())
	for _, t := range tokens {
		claims := t.Claims
		if claims == "" {
			claims = "{}"
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO oauth_tokens (id, kind, family, client_id, subject, scopes, audience, claims, auth_time, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			t.ID, t.Kind, t.Family, t.ClientID, t.Subject, joinList(t.Scopes), joinList(t.Audience), claims,
			s.timeArg(t.AuthTime), at, s.timeArg(t.ExpiresAt)); err != nil {
			return fmt.Errorf("record issued token: %w", err)
		}
	}
	return nil
}

// OAuthToken returns the token of that ID, or ErrNotFound.
func (s *Store) OAuthToken(ctx context.Context, id string) (OAuthToken, error) {
	if err := s.usable(); err != nil {
		return OAuthToken{}, err
	}
	var t OAuthToken
	var scopes, audience string
	var used, revoked nullTime
	err := s.reader.QueryRowContext(ctx, `SELECT id, kind, family, client_id, subject, scopes, audience, claims,
		auth_time, created_at, expires_at, used_at, revoked_at FROM oauth_tokens WHERE id = $1`, id).Scan(
		&t.ID, &t.Kind, &t.Family, &t.ClientID, &t.Subject, &scopes, &audience, &t.Claims,
		timeColumn{&t.AuthTime}, timeColumn{&t.CreatedAt}, timeColumn{&t.ExpiresAt}, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return OAuthToken{}, ErrNotFound
	}
	if err != nil {
		return OAuthToken{}, fmt.Errorf("read token: %w", err)
	}
	t.Scopes, t.Audience, t.UsedAt, t.RevokedAt = splitList(scopes), splitList(audience), used.t, revoked.t
	return t, nil
}

// SpendRefreshToken marks the refresh token id used and records next (the tokens that
// replace it) in one transaction. A token already used is a replay, which RFC 9700
// answers by revoking its whole family: SpendRefreshToken then commits the revocation and
// returns ErrTokenReused. A token revoked, expired or unknown gives ErrNotFound.
func (s *Store) SpendRefreshToken(ctx context.Context, id string, next ...OAuthToken) error {
	if err := s.usable(); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	var family string
	var used, revoked nullTime
	var expires time.Time
	err = tx.QueryRowContext(ctx, `SELECT family, used_at, revoked_at, expires_at FROM oauth_tokens
		WHERE id = $1 AND kind = 'refresh'`+s.forUpdate(), id).Scan(&family, &used, &revoked, timeColumn{&expires})
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read refresh token: %w", err)
	}
	at := now()
	switch {
	case !used.t.IsZero():
		if err := s.revokeFamily(ctx, tx, family, at); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		return ErrTokenReused
	case !revoked.t.IsZero(), !expires.After(at):
		return ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, `UPDATE oauth_tokens SET used_at = $1 WHERE id = $2`, s.timeArg(at), id); err != nil {
		return fmt.Errorf("spend refresh token: %w", err)
	}
	if err := s.insertTokens(ctx, tx, next); err != nil {
		return err
	}
	return tx.Commit()
}

// RevokeOAuthToken revokes the token id; revoking a refresh token revokes its family (the
// access tokens issued with it too, as RFC 7009 allows). It reports whether a token of
// that ID issued to clientID existed: a client cannot revoke another's tokens.
func (s *Store) RevokeOAuthToken(ctx context.Context, id, clientID string) (bool, error) {
	if err := s.usable(); err != nil {
		return false, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer rollback(tx)
	var kind, family string
	err = tx.QueryRowContext(ctx, `SELECT kind, family FROM oauth_tokens WHERE id = $1 AND client_id = $2`, id, clientID).Scan(&kind, &family)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read token: %w", err)
	}
	at := now()
	if kind == TokenRefresh {
		err = s.revokeFamily(ctx, tx, family, at)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE oauth_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, s.timeArg(at), id)
	}
	if err != nil {
		return false, fmt.Errorf("revoke token: %w", err)
	}
	return true, tx.Commit()
}

// RevokeOAuthFamily revokes every token of a family.
func (s *Store) RevokeOAuthFamily(ctx context.Context, family string) error {
	if err := s.usable(); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	if err := s.revokeFamily(ctx, tx, family, now()); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) revokeFamily(ctx context.Context, tx *sql.Tx, family string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE oauth_tokens SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL`, s.timeArg(at), family)
	if err != nil {
		return fmt.Errorf("revoke token family: %w", err)
	}
	return nil
}

// RevokedAccessTokens returns the IDs of access tokens revoked at or after since and not
// yet expired, and the time of the newest revocation among them (since when none): a
// gateway polls it to refuse revoked tokens within seconds.
func (s *Store) RevokedAccessTokens(ctx context.Context, since time.Time) (ids []string, expires []time.Time, latest time.Time, err error) {
	if err := s.usable(); err != nil {
		return nil, nil, since, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT id, expires_at, revoked_at FROM oauth_tokens
		WHERE kind = 'access' AND revoked_at >= $1 AND expires_at > $2`, s.timeArg(since), s.timeArg(now()))
	if err != nil {
		return nil, nil, since, fmt.Errorf("read revoked tokens: %w", err)
	}
	defer rows.Close()
	latest = since
	for rows.Next() {
		var id string
		var exp, rev time.Time
		if err := rows.Scan(&id, timeColumn{&exp}, timeColumn{&rev}); err != nil {
			return nil, nil, since, err
		}
		ids, expires = append(ids, id), append(expires, exp)
		if rev.After(latest) {
			latest = rev
		}
	}
	return ids, expires, latest, rows.Err()
}

// PruneOAuth deletes tokens and authorization requests expired before before.
func (s *Store) PruneOAuth(ctx context.Context, before time.Time) error {
	if err := s.usable(); err != nil {
		return err
	}
	if _, err := s.writer.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE expires_at < $1`, s.timeArg(before)); err != nil {
		return fmt.Errorf("prune tokens: %w", err)
	}
	if _, err := s.writer.ExecContext(ctx, `DELETE FROM oauth_auth_requests WHERE expires_at < $1`, s.timeArg(before)); err != nil {
		return fmt.Errorf("prune authorization requests: %w", err)
	}
	return nil
}

// SaveAuthRequest stores (or replaces) an authorization request's state, a JSON text.
func (s *Store) SaveAuthRequest(ctx context.Context, id, state string, expires time.Time) error {
	if err := s.usable(); err != nil {
		return err
	}
	_, err := s.writer.ExecContext(ctx, `INSERT INTO oauth_auth_requests (id, state, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at`, id, state, s.timeArg(expires))
	if err != nil {
		return fmt.Errorf("save authorization request: %w", err)
	}
	return nil
}

// AuthRequest returns the state of an unexpired authorization request, or ErrNotFound.
func (s *Store) AuthRequest(ctx context.Context, id string) (string, error) {
	if err := s.usable(); err != nil {
		return "", err
	}
	var state string
	err := s.reader.QueryRowContext(ctx, `SELECT state FROM oauth_auth_requests WHERE id = $1 AND expires_at > $2`,
		id, s.timeArg(now())).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read authorization request: %w", err)
	}
	return state, nil
}

// SetAuthCode records the hash of the code issued for request id.
func (s *Store) SetAuthCode(ctx context.Context, id, codeHash string) error {
	if err := s.usable(); err != nil {
		return err
	}
	res, err := s.writer.ExecContext(ctx, `UPDATE oauth_auth_requests SET code_hash = $1 WHERE id = $2 AND code_hash IS NULL`, codeHash, id)
	if err != nil {
		return fmt.Errorf("save authorization code: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// TakeAuthCode returns the request a code was issued for and marks the code used, so that
// it is taken once. A code taken before gives the request's ID and ErrCodeReused; an
// unknown or expired one ErrNotFound.
func (s *Store) TakeAuthCode(ctx context.Context, codeHash string) (id, state string, err error) {
	if err := s.usable(); err != nil {
		return "", "", err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return "", "", err
	}
	defer rollback(tx)
	var used bool
	var expires time.Time
	err = tx.QueryRowContext(ctx, `SELECT id, state, code_used, expires_at FROM oauth_auth_requests WHERE code_hash = $1`+s.forUpdate(),
		codeHash).Scan(&id, &state, &used, timeColumn{&expires})
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("read authorization code: %w", err)
	}
	if used {
		return id, "", ErrCodeReused
	}
	if !expires.After(now()) {
		return "", "", ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, `UPDATE oauth_auth_requests SET code_used = $1 WHERE id = $2`, true, id); err != nil {
		return "", "", fmt.Errorf("spend authorization code: %w", err)
	}
	return id, state, tx.Commit()
}

// nullTime scans a nullable timestamp of either dialect; zero when NULL.
type nullTime struct{ t time.Time }

func (n *nullTime) Scan(src any) error {
	if src == nil {
		n.t = time.Time{}
		return nil
	}
	return timeColumn{&n.t}.Scan(src)
}

func joinList(items []string) string { return strings.Join(items, " ") }

func splitList(s string) []string { return strings.Fields(s) }
