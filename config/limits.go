package config

import (
	"fmt"
	"slices"

	"github.com/atrium-gateway/atrium/gateway"
)

// Limits bound the operations the gateway accepts (docs/configuration.md#limits); 0 or
// left out: no limit, except max_depth, whose default is serve's --max-depth.
type Limits struct {
	MaxDepth      int `yaml:"max_depth"`
	MaxAliases    int `yaml:"max_aliases"`
	MaxRootFields int `yaml:"max_root_fields"`
	MaxDirectives int `yaml:"max_directives"`
	MaxTokens     int `yaml:"max_tokens"`
}

// Apply sets the configured limits over defaults (serve's flags).
func (l Limits) Apply(to gateway.Limits) gateway.Limits {
	for _, p := range []struct {
		from int
		to   *int
	}{{l.MaxDepth, &to.MaxDepth}, {l.MaxAliases, &to.MaxAliases}, {l.MaxRootFields, &to.MaxRootFields},
		{l.MaxDirectives, &to.MaxDirectives}, {l.MaxTokens, &to.MaxTokens}} {
		if p.from > 0 {
			*p.to = p.from
		}
	}
	return to
}

func (l Limits) problems() []string {
	var out []string
	for name, v := range map[string]int{"max_depth": l.MaxDepth, "max_aliases": l.MaxAliases, "max_root_fields": l.MaxRootFields,
		"max_directives": l.MaxDirectives, "max_tokens": l.MaxTokens} {
		if v < 0 {
			out = append(out, fmt.Sprintf("limits.%s: %d is negative; 0 or leaving it out means no limit", name, v))
		}
	}
	slices.Sort(out)
	return out
}
