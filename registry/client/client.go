// Package client talks to the registry API (/api/graphql) over HTTP. The CLI's
// `atrium subgraph …` and `atrium supergraph fetch` commands are built on it.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/registry"
)

// Client calls one registry API endpoint with one token.
type Client struct {
	// Endpoint is the API's URL, e.g. http://127.0.0.1:4000/api/graphql.
	Endpoint string
	// Token is the admin token, sent as a bearer token.
	Token string
	// HTTP defaults to a client with a one-minute timeout.
	HTTP *http.Client
}

// maxResponseBytes bounds what the client reads: a few full supergraphs.
const maxResponseBytes = 256 << 20

// Error is the registry's refusal: GraphQL errors, or an HTTP status without them.
type Error struct {
	Status   int
	Messages []string
}

func (e *Error) Error() string {
	if len(e.Messages) == 0 {
		return fmt.Sprintf("the registry answered %d %s", e.Status, http.StatusText(e.Status))
	}
	return strings.Join(e.Messages, "; ")
}

// Do sends one GraphQL operation and decodes its data into data.
func (c *Client) Do(ctx context.Context, query string, vars map[string]any, data any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("registry endpoint %q: %w", c.Endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	httpClient := c.HTTP
	if httpClient == nil {
		httpClient = &http.Client{Timeout: time.Minute}
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("calling the registry: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("reading the registry's answer: %w", err)
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		if resp.StatusCode != http.StatusOK {
			return &Error{Status: resp.StatusCode}
		}
		return fmt.Errorf("the registry's answer is not GraphQL JSON: %w", err)
	}
	if len(out.Errors) > 0 {
		e := &Error{Status: resp.StatusCode}
		for _, m := range out.Errors {
			e.Messages = append(e.Messages, m.Message)
		}
		return e
	}
	if resp.StatusCode != http.StatusOK {
		return &Error{Status: resp.StatusCode}
	}
	if data == nil {
		return nil
	}
	return json.Unmarshal(out.Data, data)
}

// Version is a supergraph version as the API returns it.
type Version struct {
	ID        int64             `json:"id"`
	SDL       string            `json:"sdl"`
	Subgraphs []SubgraphRef     `json:"subgraphs"`
	Changes   []registry.Change `json:"changes"`
	Publisher string            `json:"publisher"`
	Message   string            `json:"message"`
	CreatedAt time.Time         `json:"createdAt"`
}

// SubgraphRef is one subgraph as a version was composed from it.
type SubgraphRef struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	SDLHash string `json:"sdlHash"`
}

// VersionRef names a version: what a publish answers about the version it left current.
type VersionRef struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
}

// PublishResult is what a publish or delete did.
type PublishResult struct {
	Published bool                 `json:"published"`
	Unchanged bool                 `json:"unchanged"`
	Version   *VersionRef          `json:"version"`
	Errors    []compose.Diagnostic `json:"errors"`
	Hints     []compose.Diagnostic `json:"hints"`
	Changes   []registry.Change    `json:"changes"`
}

// Check is a schema check's outcome.
type Check struct {
	ID          int64                    `json:"id"`
	Subgraph    string                   `json:"subgraph"`
	Passed      bool                     `json:"passed"`
	BaseVersion int64                    `json:"baseVersion"`
	Errors      []compose.Diagnostic     `json:"errors"`
	Hints       []compose.Diagnostic     `json:"hints"`
	Changes     []registry.CheckedChange `json:"changes"`
	CreatedAt   time.Time                `json:"createdAt"`
}

// Subgraph is a registered subgraph.
type Subgraph struct {
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	SDL       string    `json:"sdl,omitempty"`
	Owner     string    `json:"owner"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

const diagnostic = `code message locations { subgraph line column }`
const change = `code severity coordinate message`
const publishResult = `published unchanged version { id createdAt } errors { ` + diagnostic + ` } hints { ` + diagnostic + ` } changes { ` + change + ` }`

// Publish publishes a subgraph.
func (c *Client) Publish(ctx context.Context, name, url, sdl, owner, message string) (*PublishResult, error) {
	var data struct{ PublishSubgraph PublishResult }
	err := c.Do(ctx, `mutation($input: PublishSubgraphInput!) { publishSubgraph(input: $input) { `+publishResult+` } }`,
		map[string]any{"input": map[string]any{"name": name, "url": url, "sdl": sdl, "owner": optional(owner), "message": optional(message)}}, &data)
	return &data.PublishSubgraph, err
}

// Delete removes a subgraph.
func (c *Client) Delete(ctx context.Context, name, message string) (*PublishResult, error) {
	var data struct{ DeleteSubgraph PublishResult }
	err := c.Do(ctx, `mutation($input: DeleteSubgraphInput!) { deleteSubgraph(input: $input) { `+publishResult+` } }`,
		map[string]any{"input": map[string]any{"name": name, "message": optional(message)}}, &data)
	return &data.DeleteSubgraph, err
}

// CheckInput is a proposed change; see registry.CheckInput.
type CheckInput struct {
	Name, SDL, URL string
	Delete         bool
	WindowHours    int // 0: the registry's default
}

// Check checks a proposed change.
func (c *Client) Check(ctx context.Context, in CheckInput) (*Check, error) {
	input := map[string]any{"name": in.Name, "sdl": optional(in.SDL), "url": optional(in.URL), "delete": in.Delete}
	if in.WindowHours > 0 {
		input["windowHours"] = in.WindowHours
	}
	var data struct{ CheckSubgraph Check }
	err := c.Do(ctx, `mutation($input: CheckSubgraphInput!) { checkSubgraph(input: $input) {
		id subgraph passed baseVersion createdAt errors { `+diagnostic+` } hints { `+diagnostic+` }
		changes { `+change+` inUse operations requests operationNames } } }`,
		map[string]any{"input": input}, &data)
	return &data.CheckSubgraph, err
}

// Subgraphs lists the registered subgraphs, without their SDL.
func (c *Client) Subgraphs(ctx context.Context) ([]Subgraph, error) {
	var data struct{ Subgraphs []Subgraph }
	err := c.Do(ctx, `{ subgraphs { name url owner createdAt updatedAt } }`, nil, &data)
	return data.Subgraphs, err
}

// Version returns a supergraph version with its SDL; id 0 means the current one. It
// returns nil when there is no such version.
func (c *Client) Version(ctx context.Context, id int64) (*Version, error) {
	const fields = `id sdl subgraphs { name url sdlHash } changes { ` + change + ` } publisher message createdAt`
	var data struct{ CurrentVersion, Version *Version }
	if id == 0 {
		err := c.Do(ctx, `{ currentVersion { `+fields+` } }`, nil, &data)
		return data.CurrentVersion, err
	}
	err := c.Do(ctx, `query($id: Int!) { version(id: $id) { `+fields+` } }`, map[string]any{"id": id}, &data)
	return data.Version, err
}

func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}
