package compose

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is rover's supergraph.yaml: the subgraphs to compose and where their SDL is.
//
//	federation_version: =2.3.2
//	subgraphs:
//	  products:
//	    routing_url: http://127.0.0.1:4002/graphql
//	    schema:
//	      file: ./products.graphql      # or subgraph_url: (asks _service { sdl }), or sdl: (inline)
type Config struct {
	FederationVersion string                    `yaml:"federation_version"`
	Subgraphs         map[string]SubgraphConfig `yaml:"subgraphs"`
}

// SubgraphConfig is one entry of Config.
type SubgraphConfig struct {
	RoutingURL string       `yaml:"routing_url"`
	Schema     SchemaSource `yaml:"schema"`
}

// SchemaSource says where a subgraph's SDL comes from: exactly one of the fields is set.
type SchemaSource struct {
	File        string `yaml:"file"`
	SubgraphURL string `yaml:"subgraph_url"`
	SDL         string `yaml:"sdl"`
	// GraphRef and Subgraph name a GraphOS registry entry, which Atrium does not read.
	GraphRef string `yaml:"graphref"`
	Subgraph string `yaml:"subgraph"`
}

// ParseConfig reads a supergraph.yaml and reports every problem in it at once, each with
// its path (subgraphs.products.schema: …).
func ParseConfig(data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("supergraph config: %w", err)
	}
	var problems []string
	if v := c.FederationVersion; v != "" {
		v = strings.TrimPrefix(strings.TrimPrefix(v, "="), "v")
		if !strings.HasPrefix(v, "1") && !strings.HasPrefix(v, "2") {
			problems = append(problems, fmt.Sprintf("federation_version: %q is not a Federation version (use 2 or =2.x.y)", c.FederationVersion))
		}
	}
	if len(c.Subgraphs) == 0 {
		problems = append(problems, "subgraphs: at least one subgraph is needed")
	}
	for _, name := range c.Names() {
		sc := c.Subgraphs[name]
		at := "subgraphs." + name
		s := sc.Schema
		set := 0
		for _, v := range []string{s.File, s.SubgraphURL, s.SDL, s.GraphRef} {
			if v != "" {
				set++
			}
		}
		switch {
		case s.GraphRef != "":
			problems = append(problems, at+".schema.graphref: GraphOS registry references are not supported; use file, subgraph_url or sdl")
		case set != 1:
			problems = append(problems, at+".schema: give exactly one of file, subgraph_url or sdl")
		}
		routing := sc.RoutingURL
		if routing == "" {
			routing = s.SubgraphURL
		}
		if routing == "" {
			problems = append(problems, at+".routing_url: required (the URL the gateway sends this subgraph's requests to)")
		} else if err := checkURL(routing); err != nil {
			problems = append(problems, at+".routing_url: "+err.Error())
		}
		if s.SubgraphURL != "" {
			if err := checkURL(s.SubgraphURL); err != nil {
				problems = append(problems, at+".schema.subgraph_url: "+err.Error())
			}
		}
	}
	if len(problems) > 0 {
		return nil, errors.New("supergraph config:\n  " + strings.Join(problems, "\n  "))
	}
	return &c, nil
}

// Names returns the subgraph names in order.
func (c *Config) Names() []string {
	names := make([]string, 0, len(c.Subgraphs))
	for n := range c.Subgraphs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// RoutingURL is the URL the gateway calls for subgraph name (routing_url, else subgraph_url).
func (c *Config) RoutingURL(name string) string {
	sc := c.Subgraphs[name]
	if sc.RoutingURL != "" {
		return sc.RoutingURL
	}
	return sc.Schema.SubgraphURL
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	return nil
}
