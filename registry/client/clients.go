package client

import (
	"context"
	"slices"
	"time"
)

// APIClient is an API client of the token issuer, as the registry lists it.
type APIClient struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Public bool   `json:"public"`
	// Owner is the subject of the user who registered it; "" for the admin token's.
	Owner string `json:"owner,omitempty"`
	// Scopes are those granted; RequestedScopes those asked for (see Pending).
	Scopes          []string  `json:"scopes"`
	RequestedScopes []string  `json:"requestedScopes"`
	GrantTypes      []string  `json:"grantTypes"`
	RedirectURIs    []string  `json:"redirectURIs"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// Pending are the scopes the client asked for and is not granted yet.
func (c APIClient) Pending() []string {
	var out []string
	for _, s := range c.RequestedScopes {
		if !slices.Contains(c.Scopes, s) {
			out = append(out, s)
		}
	}
	return out
}

// NewAPIClient is what creating a client (or rotating its secret) answers: the secret is
// shown this once, empty for a public client.
type NewAPIClient struct {
	Client APIClient `json:"client"`
	Secret string    `json:"secret,omitempty"`
}

// APIClientSpec describes a client to create; empty fields take the registry's defaults.
type APIClientSpec struct {
	ID, Name                         string
	Public                           bool
	Scopes, GrantTypes, RedirectURIs []string
}

const apiClientFields = `id name public owner scopes requestedScopes grantTypes redirectURIs createdAt updatedAt`

// Clients lists the API clients.
func (c *Client) Clients(ctx context.Context) ([]APIClient, error) {
	var data struct{ Clients []APIClient }
	err := c.Do(ctx, `{ clients { `+apiClientFields+` } }`, nil, &data)
	return data.Clients, err
}

// CreateClient registers an API client.
func (c *Client) CreateClient(ctx context.Context, spec APIClientSpec) (*NewAPIClient, error) {
	input := map[string]any{"public": spec.Public}
	if spec.ID != "" {
		input["id"] = spec.ID
	}
	if spec.Name != "" {
		input["name"] = spec.Name
	}
	for key, list := range map[string][]string{"scopes": spec.Scopes, "grantTypes": spec.GrantTypes, "redirectURIs": spec.RedirectURIs} {
		if len(list) > 0 {
			input[key] = list
		}
	}
	var data struct{ CreateClient NewAPIClient }
	err := c.Do(ctx, `mutation($input: CreateClientInput!) { createClient(input: $input) { client { `+apiClientFields+` } secret } }`,
		map[string]any{"input": input}, &data)
	return &data.CreateClient, err
}

// RotateClientSecret gives a confidential client a new secret.
func (c *Client) RotateClientSecret(ctx context.Context, id string) (*NewAPIClient, error) {
	var data struct{ RotateClientSecret NewAPIClient }
	err := c.Do(ctx, `mutation($id: ID!) { rotateClientSecret(id: $id) { client { `+apiClientFields+` } secret } }`,
		map[string]any{"id": id}, &data)
	return &data.RotateClientSecret, err
}

// DeleteClient removes a client and revokes its tokens.
func (c *Client) DeleteClient(ctx context.Context, id string) error {
	return c.Do(ctx, `mutation($id: ID!) { deleteClient(id: $id) }`, map[string]any{"id": id}, nil)
}

// GrantClientScopes sets the scopes a client is granted (an administrator's call).
func (c *Client) GrantClientScopes(ctx context.Context, id string, scopes []string) (*APIClient, error) {
	if scopes == nil {
		scopes = []string{}
	}
	var data struct{ GrantClientScopes APIClient }
	err := c.Do(ctx, `mutation($id: ID!, $scopes: [String!]!) { grantClientScopes(id: $id, scopes: $scopes) { `+apiClientFields+` } }`,
		map[string]any{"id": id, "scopes": scopes}, &data)
	return &data.GrantClientScopes, err
}
