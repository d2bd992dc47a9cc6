// Package config reads atrium.yaml: the gateway's settings that do not fit flags, today the
// traffic of GraphQL subgraphs, the sources of connector subgraphs and the identity providers
// whose tokens are accepted. ${env.NAME} in any
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

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/issuer"
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
	// Auth configures how requests are authenticated.
	Auth Auth `yaml:"auth"`
	// Issuer configures Atrium's own token issuer (docs/identity.md).
	Issuer issuer.Config `yaml:"issuer"`
	// Forwarding says what of the caller's identity reaches backends (forwarding.go).
	Forwarding Forwarding `yaml:"forwarding"`
	// Authorization configures how the authorization directives are enforced.
	Authorization Authorization `yaml:"authorization"`
	// Portal maps Atrium tokens to the registry API's roles (portal.go).
	Portal Portal `yaml:"portal"`
	// Variants are graphs served beside the main one, each its own registry (variants.go).
	Variants map[string]Variant `yaml:"variants"`
	// Limits bound the operations the gateway accepts (limits.go).
	Limits Limits `yaml:"limits"`
}

// Auth configures how requests are authenticated (docs/identity.md).
type Auth struct {
	// Providers are the OIDC providers whose bearer tokens are accepted; Parse fills in
	// their defaults.
	Providers []auth.ProviderConfig `yaml:"providers"`
	// Anonymous lets requests without a token through; default true. A request with a bad
	// token is refused either way.
	Anonymous *bool `yaml:"anonymous"`
}

// AllowAnonymous tells whether requests without a token are let through.
func (a Auth) AllowAnonymous() bool { return a.Anonymous == nil || *a.Anonymous }

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
	for i, p := range c.Auth.Providers {
		c.Auth.Providers[i] = p.WithDefaults()
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
	problems = append(problems, c.Auth.problems()...)
	problems = append(problems, c.issuerProblems()...)
	if !c.Auth.AllowAnonymous() && len(c.Auth.Providers) == 0 && c.Issuer.Disabled {
		problems = append(problems, "auth.anonymous: false would refuse every request: configure auth.providers or keep the token issuer on")
	}
	problems = append(problems, c.Forwarding.problems()...)
	problems = append(problems, c.Authorization.problems(len(c.Auth.Providers) > 0 || !c.Issuer.Disabled)...)
	problems = append(problems, c.Portal.problems()...)
	problems = append(problems, c.variantProblems()...)
	problems = append(problems, c.Limits.problems()...)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

func (a Auth) problems() []string {
	var problems []string
	names, issuers := map[string]int{}, map[string]int{}
	for i, p := range a.Providers {
		prefix := fmt.Sprintf("auth.providers[%d]", i)
		for _, pr := range p.Problems() {
			problems = append(problems, prefix+"."+pr)
		}
		if j, dup := names[p.Name]; dup && p.Name != "" {
			problems = append(problems, fmt.Sprintf("%s.name: %q is also the name of auth.providers[%d]", prefix, p.Name, j))
		}
		if j, dup := issuers[p.Issuer]; dup && p.Issuer != "" {
			problems = append(problems, fmt.Sprintf("%s.issuer: %q is also the issuer of auth.providers[%d]; tokens are routed by issuer", prefix, p.Issuer, j))
		}
		names[p.Name], issuers[p.Issuer] = i, i
	}
	return problems
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
