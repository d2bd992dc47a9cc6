package resolvers

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/graph"
	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry/store"
)

// MaxClientsPerOwner bounds the API clients one user may register (an ADMIN is not bound).
const MaxClientsPerOwner = 20

// errNoIssuer answers client management on a gateway whose token issuer is off.
var errNoIssuer = &store.ValidationError{Field: "clients", Message: "the token issuer is disabled on this gateway (issuer.disabled)"}

func (r *Resolver) issuer() (*issuer.Issuer, error) {
	if r.Issuer == nil {
		return nil, errNoIssuer
	}
	return r.Issuer, nil
}

func (r *Resolver) APIClient() graph.APIClientResolver { return apiClients{r} }

type apiClients struct{ *Resolver }

func (apiClients) Owner(_ context.Context, c *issuer.Client) (*string, error) {
	if c.Owner == "" {
		return nil, nil
	}
	return &c.Owner, nil
}

func (q queries) Clients(ctx context.Context) ([]*issuer.Client, error) {
	iss, err := q.issuer()
	if err != nil {
		return nil, err
	}
	var clients []issuer.Client
	if c := callerFrom(ctx); c.has(model.RoleAdmin) {
		clients, err = iss.Clients(ctx)
	} else {
		clients, err = iss.ClientsOwnedBy(ctx, c.subject())
	}
	return pointers(clients), err
}

func (m mutations) CreateClient(ctx context.Context, in model.CreateClientInput) (*model.CreatedClient, error) {
	iss, err := m.issuer()
	if err != nil {
		return nil, err
	}
	c := callerFrom(ctx)
	spec := issuer.ClientSpec{ID: deref(in.ID), Name: deref(in.Name), Public: deref(in.Public), Owner: c.subject(),
		Scopes: in.Scopes, GrantTypes: in.GrantTypes, RedirectURIs: in.RedirectURIs}
	if !c.has(model.RoleAdmin) {
		if err := m.consumerMayCreate(ctx, iss, c, in); err != nil {
			return nil, err
		}
		for _, s := range in.Scopes {
			if !slices.Contains(m.ClientScopes, s) && !slices.Contains(spec.Pending, s) {
				spec.Pending = append(spec.Pending, s)
			}
		}
	}
	created, secret, err := iss.CreateClient(ctx, spec)
	if err != nil {
		return nil, clientError(err)
	}
	return newClient(created, secret), nil
}

// consumerMayCreate checks a client a CONSUMER registers: a confidential one using
// client_credentials, with a generated ID, within MaxClientsPerOwner.
func (m mutations) consumerMayCreate(ctx context.Context, iss *issuer.Issuer, c *caller, in model.CreateClientInput) error {
	if c.isClient() {
		// Else every client could register 20 more, each of which could too.
		return &errForbidden{"an API client's own token cannot register API clients: sign in as a user"}
	}
	var problems store.ValidationErrors
	if in.ID != nil {
		// A client's tokens have its ID as their subject: a chosen ID could be a user's.
		problems = append(problems, &store.ValidationError{Field: "id", Message: "leave it out: the IDs of the clients you register are generated"})
	}
	if deref(in.Public) {
		problems = append(problems, &store.ValidationError{Field: "public", Message: "you may register confidential clients only (client_credentials); ask an administrator for a public client"})
	}
	for _, g := range in.GrantTypes {
		if g != issuer.GrantClientCredentials {
			problems = append(problems, &store.ValidationError{Field: "grantTypes",
				Message: fmt.Sprintf("%q: you may register clients with client_credentials only; ask an administrator for others", truncate(g))})
		}
	}
	if len(in.RedirectURIs) > 0 {
		problems = append(problems, &store.ValidationError{Field: "redirectURIs", Message: "only for sign-ins (authorization_code), which your clients cannot use"})
	}
	if len(problems) > 0 {
		return problems
	}
	mine, err := iss.ClientsOwnedBy(ctx, c.subject())
	if err != nil {
		return err
	}
	if len(mine) >= MaxClientsPerOwner {
		return &store.ValidationError{Field: "clients", Message: fmt.Sprintf("you have %d API clients, the most a user may register: delete one first", len(mine))}
	}
	return nil
}

func (m mutations) RotateClientSecret(ctx context.Context, id string) (*model.CreatedClient, error) {
	iss, err := m.issuer()
	if err != nil {
		return nil, err
	}
	if _, err := ownClient(ctx, iss, id); err != nil {
		return nil, err
	}
	secret, err := iss.RotateSecret(ctx, id)
	if err != nil {
		return nil, clientError(err)
	}
	c, err := iss.Client(ctx, id)
	if err != nil {
		return nil, err
	}
	return newClient(c, secret), nil
}

func (m mutations) DeleteClient(ctx context.Context, id string) (bool, error) {
	iss, err := m.issuer()
	if err != nil {
		return false, err
	}
	if _, err := ownClient(ctx, iss, id); err != nil {
		return false, err
	}
	if err := iss.DeleteClient(ctx, id); err != nil {
		return false, clientError(err)
	}
	return true, nil
}

func (m mutations) GrantClientScopes(ctx context.Context, id string, scopes []string) (*issuer.Client, error) {
	iss, err := m.issuer()
	if err != nil {
		return nil, err
	}
	c, err := iss.GrantScopes(ctx, id, scopes)
	if err != nil {
		return nil, clientError(err)
	}
	return &c, nil
}

// ownClient returns the client of that ID if the caller may manage it: an ADMIN any, a
// CONSUMER those it registered. Others' clients are not found, as if absent, so that
// nobody learns which IDs exist.
func ownClient(ctx context.Context, iss *issuer.Issuer, id string) (issuer.Client, error) {
	c, err := iss.Client(ctx, id)
	if err != nil {
		return issuer.Client{}, err
	}
	who := callerFrom(ctx)
	if !who.has(model.RoleAdmin) && (c.Owner == "" || c.Owner != who.subject()) {
		return issuer.Client{}, fmt.Errorf("client %q: %w", id, store.ErrNotFound)
	}
	return c, nil
}

func newClient(c issuer.Client, secret string) *model.CreatedClient {
	out := &model.CreatedClient{Client: &c}
	if secret != "" {
		out.Secret = &secret
	}
	return out
}

// clientError turns the issuer's refusals into input errors the API shows.
func clientError(err error) error {
	switch {
	case errors.Is(err, issuer.ErrInvalidClient):
		return &store.ValidationError{Field: "input", Message: err.Error()}
	case errors.Is(err, store.ErrConflict):
		return &store.ValidationError{Field: "id", Message: "a client with this ID exists already"}
	}
	return err
}

// truncate keeps echoed input short.
func truncate(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
