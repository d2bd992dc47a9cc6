package config

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Variant is a graph served beside the main one (production): its own registry, with its
// own subgraphs, URLs and supergraph versions, and its own gateway at
// /variants/<name>/graphql (docs/variants.md). A sandbox variant lets developers try the
// API against sandbox backends without touching production.
type Variant struct {
	// Database is the variant's registry database, like serve's --database. Default: for
	// a SQLite main registry, a file beside it (registry-<name>.db); a PostgreSQL main
	// registry needs one given (another database, or the same server's other schema).
	Database string `yaml:"database"`
}

// MainVariant names the graph at /graphql and /api/graphql.
const MainVariant = "production"

var variantName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)

// VariantNames lists the configured variants, sorted.
func (c *Config) VariantNames() []string { return slices.Sorted(maps.Keys(c.Variants)) }

// VariantDatabase is the database of variant name, given the main registry's.
func (c *Config) VariantDatabase(name, mainDatabase string) (string, error) {
	if db := c.Variants[name].Database; db != "" {
		return db, nil
	}
	switch {
	case strings.HasPrefix(mainDatabase, "postgres://"), strings.HasPrefix(mainDatabase, "postgresql://"):
		return "", fmt.Errorf("variants.%s.database: the main registry is on PostgreSQL: give the variant its own database", name)
	case mainDatabase == "":
		return filepath.Join(".atrium", "registry-"+name+".db"), nil
	}
	path := strings.TrimPrefix(mainDatabase, "sqlite:")
	return strings.TrimSuffix(path, filepath.Ext(path)) + "-" + name + ".db", nil
}

func (c *Config) variantProblems() []string {
	var out []string
	for _, name := range c.VariantNames() {
		if !variantName.MatchString(name) || name == MainVariant {
			out = append(out, fmt.Sprintf("variants.%s: a variant name is 1-31 lower-case letters, digits and '-', starting with a letter, and not %q", name, MainVariant))
		}
	}
	return out
}
