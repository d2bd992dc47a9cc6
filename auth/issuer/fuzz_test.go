package issuer_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/atrium-gateway/atrium/auth/issuer"
)

// FuzzTokenEndpoint posts arbitrary forms to /oauth/token, /oauth/revoke and
// /oauth/introspect: whatever the body, the answer is a 4xx OAuth error in JSON (or a
// success), never a 5xx, a panic or a leak of internals.
func FuzzTokenEndpoint(f *testing.F) {
	for _, seed := range []string{
		"grant_type=client_credentials",
		"grant_type=client_credentials&scope=a%20b&client_id=svc&client_secret=x",
		"grant_type=authorization_code&code=abc&code_verifier=x&redirect_uri=http://127.0.0.1/cb&client_id=web",
		"grant_type=refresh_token&refresh_token=atr_rt_x&client_id=web",
		"grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=a.b.c&subject_token_type=urn:ietf:params:oauth:token-type:access_token&client_id=web",
		"grant_type=urn:ietf:params:oauth:grant-type:token-exchange&audience=x&audience=y",
		"token=abc&token_type_hint=refresh_token&client_id=web",
		"%zz=1&grant_type",
		"",
	} {
		f.Add(seed, uint8(0))
	}
	in := start(f, setup{})
	if _, _, err := in.iss.CreateClient(f.Context(), issuer.ClientSpec{ID: "web", Public: true, RedirectURIs: []string{"http://127.0.0.1/cb"},
		GrantTypes: []string{issuer.GrantAuthorizationCode, issuer.GrantRefreshToken, issuer.GrantTokenExchange}}); err != nil {
		f.Fatal(err)
	}
	paths := []string{issuer.TokenPath, issuer.RevokePath, issuer.IntrospectPath}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		path := paths[int(which)%len(paths)]
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		in.iss.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: %d %s", path, body, rec.Code, rec.Body)
		}
		if rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: not JSON: %s", path, body, rec.Body)
		}
		if s := rec.Body.String(); strings.Contains(s, "sql") || strings.Contains(s, "goroutine") {
			t.Fatalf("%s %q: leaks internals: %s", path, body, s)
		}
	})
}
