package devidp

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
)

const (
	loginPath     = "/login"
	loggedOutPath = "/logged-out"
)

// maxFormBytes bounds the login form's body.
const maxFormBytes = 16 << 10

// login is the login page. op sends the browser to GET /login?authRequestID=…; the form
// posts the id back with the credentials. The id is random, expires with the request and
// works for one sign-in only, which is what stands against forged posts here.
type login struct {
	store    *storage
	log      *slog.Logger
	callback func(context.Context, string) string // op's /authorize/callback URL for an id
}

type loginPage struct {
	ID, ClientID, Username, Error string
	Scopes                        []string
}

func (l *login) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		id := r.URL.Query().Get("authRequestID")
		req, err := l.store.pendingRequest(id)
		if err != nil {
			render(w, http.StatusBadRequest, loginPage{Error: err.Error()})
			return
		}
		render(w, http.StatusOK, loginPage{ID: id, ClientID: req.clientID, Scopes: req.scopes, Username: req.loginHint})
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			render(w, http.StatusBadRequest, loginPage{Error: "the form could not be read"})
			return
		}
		id, username := r.PostForm.Get("id"), r.PostForm.Get("username")
		req, err := l.store.pendingRequest(id)
		if err != nil {
			render(w, http.StatusBadRequest, loginPage{Error: err.Error()})
			return
		}
		page := loginPage{ID: id, ClientID: req.clientID, Scopes: req.scopes, Username: username}
		u, err := l.store.signIn(id, username, r.PostForm.Get("password"))
		switch {
		case errors.Is(err, errBadCredentials):
			l.log.Info("dev-idp: sign-in refused", "username", truncate(username), "client_id", req.clientID)
			page.Error = err.Error()
			render(w, http.StatusOK, page)
		case err != nil:
			render(w, http.StatusBadRequest, loginPage{Error: err.Error()})
		default:
			l.log.Info("dev-idp: signed in", "sub", u.ID, "client_id", req.clientID)
			http.Redirect(w, r, l.callback(r.Context(), id), http.StatusSeeOther)
		}
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// render writes page (or the error page when it has no id) with headers that keep it out
// of frames and caches, and the request id out of Referer headers.
func render(w http.ResponseWriter, status int, page loginPage) {
	var buf bytes.Buffer
	if err := loginTemplate.Execute(&buf, page); err != nil {
		http.Error(w, "the login page failed", http.StatusInternalServerError)
		return
	}
	securityHeaders(w)
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

func loggedOut(w http.ResponseWriter, _ *http.Request) {
	securityHeaders(w)
	_ = messageTemplate.Execute(w, "You are signed out.")
}

func home(issuer string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		securityHeaders(w)
		_ = homeTemplate.Execute(w, issuer)
	}
}

const pageHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Atrium dev IdP</title>
<style>
body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}
.dev{background:#fff3cd;border:1px solid #e0c36a;padding:.5rem .75rem;font-size:.85rem}
.err{background:#fde2e1;border:1px solid #e5a3a0;padding:.5rem .75rem}
label{display:block;margin-top:1rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1.25rem;padding:.5rem 1.25rem}code{font-size:.9em}
</style></head><body>
<p class="dev">Atrium's <strong>development</strong> identity provider: accounts from the command line,
kept in memory. Never use it in production.</p>
`

var loginTemplate = template.Must(template.New("login").Parse(pageHead + `
<h1>Sign in</h1>
{{with .Error}}<p class="err" role="alert">{{.}}</p>{{end}}
{{if .ID}}
<p>to continue to <strong>{{.ClientID}}</strong>{{with .Scopes}} (scopes: {{range $i, $s := .}}{{if $i}}, {{end}}<code>{{$s}}</code>{{end}}){{end}}</p>
<form method="post" action="login">
<input type="hidden" name="id" value="{{.ID}}">
<label>Username <input name="username" value="{{.Username}}" autocomplete="username" required {{if not .Username}}autofocus{{end}}></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required {{if .Username}}autofocus{{end}}></label>
<button type="submit">Sign in</button>
</form>
{{end}}
</body></html>
`))

var messageTemplate = template.Must(template.New("message").Parse(pageHead + `<h1>{{.}}</h1></body></html>
`))

var homeTemplate = template.Must(template.New("home").Parse(pageHead + `
<h1>Atrium dev IdP</h1>
<p>An OpenID Connect provider. Discovery:
<a href="{{.}}/.well-known/openid-configuration"><code>{{.}}/.well-known/openid-configuration</code></a>.
Applications send you here to sign in; see <code>docs/dev-idp.md</code>.</p>
</body></html>
`))
