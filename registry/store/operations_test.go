package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func TestSavedOperationsBelongToTheirOwner(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		first, err := s.SaveOperation(ctx, store.SavedOperation{Owner: "ada", Name: " Top products ", Query: "{ topProducts { name } }"})
		require.NoError(t, err)
		assert.Equal(t, "Top products", first.Name, "trimmed")
		_, err = s.SaveOperation(ctx, store.SavedOperation{Owner: "ada", Name: "Me", Query: "query($n: Int) { me { name } }", Variables: `{"n": 1}`})
		require.NoError(t, err)
		_, err = s.SaveOperation(ctx, store.SavedOperation{Owner: "bob", Name: "Me", Query: "{ me { id } }"})
		require.NoError(t, err)

		// Saving under the same name replaces the query, keeps the ID.
		again, err := s.SaveOperation(ctx, store.SavedOperation{Owner: "ada", Name: "Top products", Query: "{ topProducts(first: 2) { name } }"})
		require.NoError(t, err)
		assert.Equal(t, first.ID, again.ID)
		assert.Equal(t, first.CreatedAt, again.CreatedAt)

		ada, err := s.SavedOperations(ctx, "ada")
		require.NoError(t, err)
		require.Len(t, ada, 2)
		assert.Equal(t, []string{"Me", "Top products"}, []string{ada[0].Name, ada[1].Name})
		assert.Equal(t, `{"n": 1}`, ada[0].Variables)
		assert.Equal(t, "{ topProducts(first: 2) { name } }", ada[1].Query)

		bob, _ := s.SavedOperations(ctx, "bob")
		require.Len(t, bob, 1)
		require.ErrorIs(t, s.DeleteSavedOperation(ctx, "ada", bob[0].ID), store.ErrNotFound, "bob's is not ada's to delete")
		require.NoError(t, s.DeleteSavedOperation(ctx, "bob", bob[0].ID))
		bob, _ = s.SavedOperations(ctx, "bob")
		assert.Empty(t, bob)
	})
}

func TestSavedOperationsRefuseBadInput(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		for name, op := range map[string]store.SavedOperation{
			"no owner":        {Name: "a", Query: "{ a }"},
			"no name":         {Owner: "ada", Name: "  ", Query: "{ a }"},
			"long name":       {Owner: "ada", Name: strings.Repeat("n", 101), Query: "{ a }"},
			"control char":    {Owner: "ada", Name: "a\x00b", Query: "{ a }"},
			"empty query":     {Owner: "ada", Name: "a", Query: " \n"},
			"huge query":      {Owner: "ada", Name: "a", Query: strings.Repeat("x", store.MaxSavedOperationBytes+1)},
			"bad UTF-8":       {Owner: "ada", Name: "a", Query: "{ a }\xff"},
			"not JSON":        {Owner: "ada", Name: "a", Query: "{ a }", Variables: "{"},
			"JSON not object": {Owner: "ada", Name: "a", Query: "{ a }", Variables: "[1]"},
		} {
			_, err := s.SaveOperation(ctx, op)
			var invalid *store.ValidationError
			assert.True(t, errors.As(err, &invalid), "%s: %v", name, err)
		}
		for i := range store.MaxSavedOperations {
			_, err := s.SaveOperation(ctx, store.SavedOperation{Owner: "ada", Name: fmt.Sprint("op ", i), Query: "{ a }"})
			require.NoError(t, err)
		}
		_, err := s.SaveOperation(ctx, store.SavedOperation{Owner: "ada", Name: "one more", Query: "{ a }"})
		assert.ErrorContains(t, err, "the most one may keep")
		_, err = s.SaveOperation(ctx, store.SavedOperation{Owner: "ada", Name: "op 0", Query: "{ b }"})
		assert.NoError(t, err, "replacing one is fine at the limit")
		all, _ := s.SavedOperations(ctx, "ada")
		assert.Len(t, all, store.MaxSavedOperations)
	})
}
