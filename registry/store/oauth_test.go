package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func TestOAuthClientsAreCreatedListedRotatedAndDeleted(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		c := store.OAuthClient{ID: "reports", Name: "Reports", SecretHash: "aa", Scopes: []string{"orders:read", "stock:read"},
			GrantTypes: []string{"client_credentials"}}
		require.NoError(t, s.CreateOAuthClient(ctx, c))
		require.ErrorIs(t, s.CreateOAuthClient(ctx, c), store.ErrConflict)
		require.NoError(t, s.CreateOAuthClient(ctx, store.OAuthClient{ID: "app", Name: "App", GrantTypes: []string{"authorization_code", "refresh_token"},
			RedirectURIs: []string{"https://app.example/cb"}}))

		got, err := s.OAuthClient(ctx, "reports")
		require.NoError(t, err)
		require.Equal(t, c.Scopes, got.Scopes)
		require.Equal(t, "aa", got.SecretHash)
		all, err := s.OAuthClients(ctx)
		require.NoError(t, err)
		require.Len(t, all, 2)
		require.Equal(t, "app", all[0].ID)
		require.Equal(t, []string{"https://app.example/cb"}, all[0].RedirectURIs)

		require.NoError(t, s.SetOAuthClientSecret(ctx, "reports", "bb"))
		got, _ = s.OAuthClient(ctx, "reports")
		require.Equal(t, "bb", got.SecretHash)
		require.ErrorIs(t, s.SetOAuthClientSecret(ctx, "nope", "cc"), store.ErrNotFound)

		// Deleting a client revokes what it was issued.
		require.NoError(t, s.AddOAuthTokens(ctx, token("t1", store.TokenAccess, "f1", "reports")))
		require.NoError(t, s.DeleteOAuthClient(ctx, "reports"))
		_, err = s.OAuthClient(ctx, "reports")
		require.ErrorIs(t, err, store.ErrNotFound)
		tok, err := s.OAuthToken(ctx, "t1")
		require.NoError(t, err)
		require.False(t, tok.RevokedAt.IsZero())
		require.ErrorIs(t, s.DeleteOAuthClient(ctx, "reports"), store.ErrNotFound)
	})
}

func token(id, kind, family, client string) store.OAuthToken {
	return store.OAuthToken{ID: id, Kind: kind, Family: family, ClientID: client, Subject: "alice",
		Scopes: []string{"a", "b"}, Audience: []string{"atrium"}, Claims: `{"email":"a@x"}`,
		AuthTime: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
}

func TestRefreshTokensAreSpentOnceAndReuseRevokesTheFamily(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		require.NoError(t, s.AddOAuthTokens(ctx, token("a1", store.TokenAccess, "f", "app"), token("r1", store.TokenRefresh, "f", "app")))
		require.NoError(t, s.SpendRefreshToken(ctx, "r1", token("a2", store.TokenAccess, "f", "app"), token("r2", store.TokenRefresh, "f", "app")))
		r2, err := s.OAuthToken(ctx, "r2")
		require.NoError(t, err)
		require.Equal(t, `{"email":"a@x"}`, r2.Claims)
		require.True(t, r2.UsedAt.IsZero())

		// r1 again: a replay. The family is revoked, r2 with it.
		require.ErrorIs(t, s.SpendRefreshToken(ctx, "r1", token("a3", store.TokenAccess, "f", "app")), store.ErrTokenReused)
		for _, id := range []string{"a1", "a2", "r2"} {
			tok, err := s.OAuthToken(ctx, id)
			require.NoError(t, err)
			require.False(t, tok.RevokedAt.IsZero(), id)
		}
		_, err = s.OAuthToken(ctx, "a3")
		require.ErrorIs(t, err, store.ErrNotFound, "nothing issued on a replay")
		require.ErrorIs(t, s.SpendRefreshToken(ctx, "r2"), store.ErrNotFound, "revoked")
		require.ErrorIs(t, s.SpendRefreshToken(ctx, "unknown"), store.ErrNotFound)

		ids, _, latest, err := s.RevokedAccessTokens(ctx, time.Time{})
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"a1", "a2"}, ids)
		later, _, _, err := s.RevokedAccessTokens(ctx, latest.Add(time.Microsecond))
		require.NoError(t, err)
		require.Empty(t, later)
	})
}

func TestConcurrentRefreshesSpendATokenOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		require.NoError(t, s.AddOAuthTokens(ctx, token("r", store.TokenRefresh, "f", "app")))
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				errs[i] = s.SpendRefreshToken(ctx, "r", token("n"+string(rune('0'+i)), store.TokenRefresh, "f", "app"))
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				require.ErrorIs(t, err, store.ErrTokenReused)
			}
		}
		require.Equal(t, 1, ok)
	})
}

func TestRevokeOnlyTouchesTheClientsOwnTokens(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		require.NoError(t, s.AddOAuthTokens(ctx, token("a", store.TokenAccess, "f", "app"), token("r", store.TokenRefresh, "f", "app"),
			token("other", store.TokenAccess, "g", "app")))
		found, err := s.RevokeOAuthToken(ctx, "a", "someone-else")
		require.NoError(t, err)
		require.False(t, found)
		found, err = s.RevokeOAuthToken(ctx, "r", "app")
		require.NoError(t, err)
		require.True(t, found)
		for id, revoked := range map[string]bool{"a": true, "r": true, "other": false} {
			tok, err := s.OAuthToken(ctx, id)
			require.NoError(t, err)
			require.Equal(t, revoked, !tok.RevokedAt.IsZero(), id)
		}
	})
}

func TestSigningKeysRotateOnceAcrossConcurrentCallers(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		added, err := s.AddSigningKey(ctx, store.SigningKey{ID: "k1", Algorithm: "ES256", PrivateKey: []byte{1, 2}}, time.Now().Add(-time.Hour))
		require.NoError(t, err)
		require.True(t, added)
		// k1 is newer than an hour: nobody rotates.
		added, err = s.AddSigningKey(ctx, store.SigningKey{ID: "k2", Algorithm: "ES256", PrivateKey: []byte{3}}, time.Now().Add(-time.Hour))
		require.NoError(t, err)
		require.False(t, added)

		cutoff := time.Now()
		var wg sync.WaitGroup
		results := make([]bool, 3)
		for i := range results {
			wg.Go(func() {
				var err error
				results[i], err = s.AddSigningKey(ctx, store.SigningKey{ID: "r" + string(rune('0'+i)), Algorithm: "ES256", PrivateKey: []byte{4}}, cutoff)
				require.NoError(t, err)
			})
		}
		wg.Wait()
		n := 0
		for _, r := range results {
			if r {
				n++
			}
		}
		require.Equal(t, 1, n, "one rotation among concurrent callers")
		keys, err := s.SigningKeys(ctx, 5)
		require.NoError(t, err)
		require.Len(t, keys, 2)
		require.Equal(t, "k1", keys[1].ID)
		require.Equal(t, []byte{1, 2}, keys[1].PrivateKey)
	})
}

func TestAuthCodesAreTakenOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		require.NoError(t, s.SaveAuthRequest(ctx, "req", `{"a":1}`, time.Now().Add(time.Minute)))
		require.NoError(t, s.SaveAuthRequest(ctx, "req", `{"a":2}`, time.Now().Add(time.Minute)))
		state, err := s.AuthRequest(ctx, "req")
		require.NoError(t, err)
		require.Equal(t, `{"a":2}`, state)
		require.NoError(t, s.SetAuthCode(ctx, "req", "h"))
		require.ErrorIs(t, s.SetAuthCode(ctx, "req", "h2"), store.ErrNotFound, "one code per request")
		id, state, err := s.TakeAuthCode(ctx, "h")
		require.NoError(t, err)
		require.Equal(t, "req", id)
		require.Equal(t, `{"a":2}`, state)
		id, _, err = s.TakeAuthCode(ctx, "h")
		require.ErrorIs(t, err, store.ErrCodeReused)
		require.Equal(t, "req", id)
		_, _, err = s.TakeAuthCode(ctx, "nope")
		require.ErrorIs(t, err, store.ErrNotFound)

		require.NoError(t, s.SaveAuthRequest(ctx, "old", `{}`, time.Now().Add(-time.Second)))
		_, err = s.AuthRequest(ctx, "old")
		require.ErrorIs(t, err, store.ErrNotFound, "expired")
		require.NoError(t, s.PruneOAuth(ctx, time.Now()))
	})
}
