// Package config reads atrium.yaml: the gateway's settings that do not fit flags, today the
// traffic of GraphQL subgraphs and the sources of connector subgraphs. ${env.NAME} in any
// value is replaced by the environment variable NAME; unknown keys and bad values are
// reported all at once, each with its path.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/atrium-gateway/atrium/connectors/engine"
	"github.com/atrium-gateway/atrium/upstream"
)

// Config is atrium.yaml.
type Config struct {
	// Subgraphs configure the traffic to GraphQL subgraphs by subgraph name: several URLs
	// (replacing the supergraph's routing URL), balancing, health checks, retries, breaker.
	Subgraphs map[string]upstream.Config `yaml:"subgraphs"`
	// Connectors configure connector subgraphs.
	Connectors Connectors `yaml:"connectors"`
}

// Connectors configure connector subgraphs' sources.
type Connectors struct {
	// Sources by "<subgraph>.<source>".
	Sources map[string]engine.SourceConfig `yaml:"sources"`
}

var envRE = regexp.MustCompile(`\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}`)

// Load reads and checks a configuration file.
func Load(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, raw)
}

// Parse reads a configuration; name is used in errors.
func Parse(name string, raw []byte) (*Config, error) {
	var missing []string
	expanded := envRE.ReplaceAllFunc(raw, func(m []byte) []byte {
		v, ok := os.LookupEnv(string(envRE.FindSubmatch(m)[1]))
		if !ok {
			missing = append(missing, string(m))
		}
		return []byte(v)
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: unset environment variables: %s", name, strings.Join(missing, ", "))
	}
	c := &Config{}
	d := yaml.NewDecoder(bytes.NewReader(expanded))
	d.KnownFields(true)
	if err := d.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

func (c *Config) validate() error {
	var problems []string
	check := func(prefix string, u upstream.Config) {
		if len(u.URLs) == 0 {
			u.URLs = []string{"http://placeholder"} // the SDL's baseURL or routing URL stands in
		}
		if err := u.Validate(); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					problems = append(problems, prefix+"."+line)
				}
			}
		}
	}
	for _, name := range sortedKeys(c.Subgraphs) {
		check("subgraphs."+name, c.Subgraphs[name])
	}
	for _, name := range sortedKeys(c.Connectors.Sources) {
		s := c.Connectors.Sources[name]
		prefix := "connectors.sources." + name
		if strings.Count(name, ".") != 1 {
			problems = append(problems, prefix+": name sources <subgraph>.<source>")
		}
		traffic := s.Traffic
		if addrs := grpcAddresses(traffic.URLs); addrs != nil {
			// A gRPC source's instances are host:port addresses, not URLs.
			for i, a := range traffic.URLs {
				if !addrs[i] {
					problems = append(problems, fmt.Sprintf("%s.urls[%d]: %q is not host:port", prefix, i, a))
				}
			}
			traffic.URLs = nil
		}
		check(prefix, traffic)
		if s.CacheTTL < 0 || s.BatchWait < 0 || s.MaxBatch < 0 || s.Concurrency < 0 {
			problems = append(problems, prefix+": cache_ttl, batch_wait, max_batch and concurrency must not be negative")
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// grpcAddresses tells, for a list without any "scheme://", which entries are valid
// host:port addresses (a gRPC source's); nil when the list is made of URLs.
func grpcAddresses(urls []string) []bool {
	if len(urls) == 0 {
		return nil
	}
	ok := make([]bool, len(urls))
	for i, u := range urls {
		if strings.Contains(u, "://") {
			return nil
		}
		host, port, err := net.SplitHostPort(u)
		n, perr := strconv.Atoi(port)
		ok[i] = err == nil && host != "" && perr == nil && n > 0 && n < 65536
	}
	return ok
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
