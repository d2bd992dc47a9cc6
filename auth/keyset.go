package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
)

var _ oidc.KeySet = (*keySet)(nil)

// keySet is a provider's JWKS, fetched on the first token and again when a token names a
// key it does not hold (key rotation), but never more than once per interval: go-oidc's
// RemoteKeySet refetches on every unknown kid, so a flood of tokens with random kids would
// turn into a flood of requests to the identity provider.
type keySet struct {
	url      string
	client   *http.Client
	algs     []jose.SignatureAlgorithm
	interval time.Duration

	mu      sync.Mutex // held during a fetch, so concurrent misses wait for its keys
	keys    []jose.JSONWebKey
	fetched time.Time // last fetch attempt
}

// VerifySignature implements oidc.KeySet.
func (k *keySet) VerifySignature(ctx context.Context, raw string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(raw, k.algs)
	if err != nil {
		return nil, fmt.Errorf("malformed JWS: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("want exactly one signature")
	}
	kid := jws.Signatures[0].Header.KeyID
	k.mu.Lock()
	keys := k.keys
	k.mu.Unlock()
	if payload, found, err := verifyWith(jws, keys, kid); found {
		return payload, err
	}
	keys, err = k.refresh(ctx)
	if err != nil {
		return nil, err
	}
	payload, found, err := verifyWith(jws, keys, kid)
	if !found {
		return nil, fmt.Errorf("no key %q in the JWKS", truncate(kid))
	}
	return payload, err
}

// verifyWith verifies jws with the keys of id kid (every key when kid is empty); found
// tells whether any key was tried.
func verifyWith(jws *jose.JSONWebSignature, keys []jose.JSONWebKey, kid string) (payload []byte, found bool, err error) {
	for _, key := range keys {
		if (kid != "" && key.KeyID != kid) || (key.Use != "" && key.Use != "sig") || !key.IsPublic() {
			continue
		}
		found = true
		if payload, err := jws.Verify(key); err == nil {
			return payload, true, nil
		}
	}
	if found {
		return nil, true, errors.New("signature does not verify")
	}
	return nil, false, nil
}

// refresh fetches the JWKS unless it was fetched less than interval ago, and returns the
// keys held.
func (k *keySet) refresh(ctx context.Context) ([]jose.JSONWebKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.fetched.IsZero() && time.Since(k.fetched) < k.interval {
		return k.keys, nil
	}
	k.fetched = time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return k.keys, fmt.Errorf("fetching JWKS: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return k.keys, fmt.Errorf("fetching JWKS: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return k.keys, fmt.Errorf("fetching JWKS: %s", resp.Status)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return k.keys, fmt.Errorf("decoding JWKS: %w", err)
	}
	k.keys = set.Keys
	return k.keys, nil
}
