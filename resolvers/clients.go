package resolvers

import (
	"context"
	"errors"
	"fmt"

	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry/store"
)

// errNoIssuer answers client management on a gateway whose token issuer is off.
var errNoIssuer = &store.ValidationError{Field: "clients", Message: "the token issuer is disabled on this gateway (issuer.disabled)"}

func (r *Resolver) issuer() (*issuer.Issuer, error) {
	if r.Issuer == nil {
		return nil, errNoIssuer
	}
	return r.Issuer, nil
}

func (q queries) Clients(ctx context.Context) ([]*issuer.Client, error) {
	iss, err := q.issuer()
	if err != nil {
		return nil, err
	}
	clients, err := iss.Clients(ctx)
	return pointers(clients), err
}

func (m mutations) CreateClient(ctx context.Context, in model.CreateClientInput) (*model.CreatedClient, error) {
	iss, err := m.issuer()
	if err != nil {
		return nil, err
	}
	c, secret, err := iss.CreateClient(ctx, issuer.ClientSpec{ID: deref(in.ID), Name: deref(in.Name), Public: deref(in.Public),
		Scopes: in.Scopes, GrantTypes: in.GrantTypes, RedirectURIs: in.RedirectURIs})
	if err != nil {
		return nil, clientError(err)
	}
	return created(c, secret), nil
}

func (m mutations) RotateClientSecret(ctx context.Context, id string) (*model.CreatedClient, error) {
	iss, err := m.issuer()
	if err != nil {
		return nil, err
	}
	secret, err := iss.RotateSecret(ctx, id)
	if err != nil {
		return nil, clientError(err)
	}
	clients, err := iss.Clients(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range clients {
		if c.ID == id {
			return created(c, secret), nil
		}
	}
	return nil, fmt.Errorf("client %q: %w", id, store.ErrNotFound)
}

func (m mutations) DeleteClient(ctx context.Context, id string) (bool, error) {
	iss, err := m.issuer()
	if err != nil {
		return false, err
	}
	if err := iss.DeleteClient(ctx, id); err != nil {
		return false, clientError(err)
	}
	return true, nil
}

func created(c issuer.Client, secret string) *model.CreatedClient {
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
