package auth

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
)

// MiddlewareOptions configure Middleware.
type MiddlewareOptions struct {
	// AllowAnonymous lets requests without an Authorization header through, with no
	// Principal; when false they are answered 401.
	AllowAnonymous bool
	// Logger receives why tokens were refused (never the tokens); slog.Default() when nil.
	Logger *slog.Logger
}

// Middleware authenticates requests by their bearer token (RFC 6750): a request with a
// valid "Authorization: Bearer <token>" reaches next with the token's Principal in its
// context (see PrincipalFrom). Refusals are answered with a GraphQL-style JSON error of
// code UNAUTHENTICATED: 401 with WWW-Authenticate for a missing (unless AllowAnonymous),
// non-Bearer or invalid token, 400 for a malformed header, 503 while the token's identity
// provider cannot be reached. The verified token is kept in Principal.Token, for
// forwarding rules (it is never logged).
func Middleware(v *Verifier, opts MiddlewareOptions) func(http.Handler) http.Handler {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			headers := r.Header.Values("Authorization")
			if len(headers) == 0 {
				if opts.AllowAnonymous {
					next.ServeHTTP(w, r)
					return
				}
				refuse(w, http.StatusUnauthorized, `Bearer`, "authentication required")
				return
			}
			if len(headers) > 1 {
				refuse(w, http.StatusBadRequest, `Bearer error="invalid_request"`, "more than one Authorization header")
				return
			}
			scheme, token, _ := strings.Cut(headers[0], " ")
			if !strings.EqualFold(scheme, "Bearer") {
				// An unsupported scheme is a lack of credentials: no error code (RFC 6750 3.1).
				refuse(w, http.StatusUnauthorized, `Bearer`, "use the Bearer authentication scheme")
				return
			}
			token = strings.TrimLeft(token, " ")
			if len(token) > MaxTokenSize {
				log.WarnContext(r.Context(), "bearer token refused", "reason", "too large", "bytes", len(token))
				refuse(w, http.StatusBadRequest, `Bearer error="invalid_request", error_description="token too large"`, "bearer token too large")
				return
			}
			if !isB64Token(token) {
				refuse(w, http.StatusBadRequest, `Bearer error="invalid_request", error_description="malformed bearer token"`, "malformed Authorization header")
				return
			}
			p, err := v.Verify(r.Context(), token)
			switch {
			case err == nil:
				p.Token = token
				next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
			case errors.Is(err, ErrProviderUnavailable):
				log.ErrorContext(r.Context(), "bearer token not verified", "error", err.Error())
				refuse(w, http.StatusServiceUnavailable, "", ErrProviderUnavailable.Error())
			default:
				log.InfoContext(r.Context(), "bearer token refused", "error", err.Error())
				refuse(w, http.StatusUnauthorized, `Bearer error="invalid_token"`, ErrInvalidToken.Error())
			}
		})
	}
}

// isB64Token reports whether s is an RFC 6750 b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for _, c := range []byte(body) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}

func refuse(w http.ResponseWriter, status int, challenge, message string) {
	if challenge != "" {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	type ext struct {
		Code string `json:"code"`
	}
	type gqlError struct {
		Message    string `json:"message"`
		Extensions ext    `json:"extensions"`
	}
	code := "UNAUTHENTICATED"
	if status == http.StatusServiceUnavailable {
		code = "AUTH_PROVIDER_UNAVAILABLE"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{{message, ext{code}}}})
}
