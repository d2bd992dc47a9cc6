package issuer

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/atrium-gateway/atrium/registry/store"
)

// keyring holds the issuer's signing keys, read from the registry store so that every
// gateway sharing it signs and verifies with the same keys. The newest key signs; it and
// the one before it are published (so tokens signed just before a rotation verify until
// they expire, as long as access tokens live shorter than a rotation period).
type keyring struct {
	st       *store.Store
	rotation time.Duration
	log      *slog.Logger

	mu     sync.RWMutex
	keys   []signingKey // newest first, at most two
	loaded time.Time
}

type signingKey struct {
	id        string
	key       *ecdsa.PrivateKey
	createdAt time.Time
}

// published is how many keys the JWKS holds: the current one and the previous one.
const published = 2

// ensure makes sure a key younger than the rotation period exists (adding one if not; of
// several gateways doing so at once one adds it) and reloads the keys.
func (k *keyring) ensure(ctx context.Context) error {
	keys, err := k.st.SigningKeys(ctx, 1)
	if err != nil {
		return err
	}
	cutoff := time.Now().Add(-k.rotation)
	if len(keys) == 0 || keys[0].CreatedAt.Before(cutoff) {
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return err
		}
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return err
		}
		kid, err := keyID(&priv.PublicKey)
		if err != nil {
			return err
		}
		added, err := k.st.AddSigningKey(ctx, store.SigningKey{ID: kid, Algorithm: string(jose.ES256), PrivateKey: der}, cutoff)
		if err != nil {
			return err
		}
		if added {
			k.log.Info("token issuer: new signing key", "kid", kid)
		}
	}
	return k.reload(ctx)
}

func (k *keyring) reload(ctx context.Context) error {
	rows, err := k.st.SigningKeys(ctx, published)
	if err != nil {
		return err
	}
	keys := make([]signingKey, 0, len(rows))
	for _, r := range rows {
		parsed, err := x509.ParsePKCS8PrivateKey(r.PrivateKey)
		if err != nil {
			return fmt.Errorf("signing key %s: %w", r.ID, err)
		}
		ec, ok := parsed.(*ecdsa.PrivateKey)
		if !ok || r.Algorithm != string(jose.ES256) {
			return fmt.Errorf("signing key %s: not an ES256 key", r.ID)
		}
		keys = append(keys, signingKey{id: r.ID, key: ec, createdAt: r.CreatedAt})
	}
	if len(keys) == 0 {
		return errors.New("no signing key")
	}
	k.mu.Lock()
	k.keys, k.loaded = keys, time.Now()
	k.mu.Unlock()
	return nil
}

func (k *keyring) current() (signingKey, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if len(k.keys) == 0 {
		return signingKey{}, errors.New("no signing key")
	}
	return k.keys[0], nil
}

func (k *keyring) public() []jose.JSONWebKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]jose.JSONWebKey, len(k.keys))
	for i, s := range k.keys {
		out[i] = jose.JSONWebKey{KeyID: s.id, Algorithm: string(jose.ES256), Use: "sig", Key: &s.key.PublicKey}
	}
	return out
}

// VerifySignature implements go-oidc's KeySet for the gateway's own verification of the
// tokens it issued: no HTTP round trip, and a key another gateway just added is found by
// reloading from the store (at most once per second).
func (k *keyring) VerifySignature(ctx context.Context, raw string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return nil, fmt.Errorf("malformed JWS: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("want exactly one signature")
	}
	kid := jws.Signatures[0].Header.KeyID
	for attempt := 0; attempt < 2; attempt++ {
		for _, key := range k.public() {
			if key.KeyID == kid {
				return jws.Verify(key)
			}
		}
		k.mu.RLock()
		recent := time.Since(k.loaded) < time.Second
		k.mu.RUnlock()
		if recent || k.reload(ctx) != nil {
			break
		}
	}
	return nil, fmt.Errorf("no signing key %q", truncate(kid))
}

// keyID names a key by its RFC 7638 thumbprint (SHA-256, base64url).
func keyID(pub *ecdsa.PublicKey) (string, error) {
	thumb, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(thumb), nil
}

// opKey adapts a key to zitadel's op.SigningKey and op.Key.
type opKey struct {
	id  string
	key any
}

func (o opKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (o opKey) Algorithm() jose.SignatureAlgorithm          { return jose.ES256 }
func (o opKey) Use() string                                 { return "sig" }
func (o opKey) Key() any                                    { return o.key }
func (o opKey) ID() string                                  { return o.id }

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
