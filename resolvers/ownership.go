package resolvers

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry/store"
)

// A subgraph's owner names the team that runs it. An OWNER who is not an ADMIN changes
// only subgraphs whose owner is one of their token's scopes (e.g. their group), or
// subgraphs nobody owns yet; a new owner given on publish must be one of them too. The
// admin token and ADMINs change anything.
func mayChange(ctx context.Context, st *store.Store, name, newOwner string) error {
	who := callerFrom(ctx)
	if who.has(model.RoleAdmin) {
		return nil
	}
	teams := who.scopes()
	if newOwner != "" && !slices.Contains(teams, newOwner) {
		return &errForbidden{fmt.Sprintf("you may give a subgraph only an owner among your token's scopes (%q is not)", newOwner)}
	}
	sg, err := st.Subgraph(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	case sg.Owner != "" && !slices.Contains(teams, sg.Owner):
		return &errForbidden{fmt.Sprintf("subgraph %s belongs to %s: only its team or an ADMIN may change it", name, sg.Owner)}
	}
	return nil
}
