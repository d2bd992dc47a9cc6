// Package engine serves connector subgraphs: subgraphs whose fields are REST endpoints
// (Apollo Connectors: @source, @connect, connect/v0.1 to v0.3) or gRPC methods (Atrium's
// @grpcSource, @grpc). The gateway plans such a subgraph like any other and sends it
// GraphQL operations; a Subgraph runs them itself, calling the backends, batching entity
// lookups through request-scoped dataloaders and caching answers in ristretto.
package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	grpclib "google.golang.org/grpc"

	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/connectors/grpc"
	"github.com/atrium-gateway/atrium/connectors/mapping"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/upstream"
)

// Options configure a connector subgraph.
type Options struct {
	// Sources configure each @source by name.
	Sources map[string]SourceConfig
	// HTTPClient is shared by the sources' traffic pools (nil: a pooled default).
	HTTPClient *http.Client
	Logger     *slog.Logger
	// MaxResponseBytes bounds each backend answer (default 8 MiB).
	MaxResponseBytes int64
	// CacheMaxBytes bounds the GET answer cache (default 64 MiB; negative: no cache).
	CacheMaxBytes int64
	// Timeout bounds each call when the source sets none (0: only the request's deadline).
	Timeout time.Duration
}

// SourceConfig is the gateway-side configuration of one @source.
type SourceConfig struct {
	// Traffic: URLs (replacing the SDL's baseURL), balancing, health, retries, breaker.
	Traffic upstream.Config `yaml:",inline"`
	// Config is what $config reads.
	Config map[string]any `yaml:"config"`
	// CacheTTL keeps GET answers without Cache-Control this long, and bounds those with
	// one (0: only answers with Cache-Control max-age are cached).
	CacheTTL time.Duration `yaml:"cache_ttl"`
	// MaxBatch bounds the keys of one batch call when the connector sets no batch.maxSize
	// (default 100).
	MaxBatch int `yaml:"max_batch"`
	// Concurrency bounds the calls one request runs at once against the source when it has
	// no batch endpoint (default 16).
	Concurrency int `yaml:"concurrency"`
	// BatchWait is how long a dataloader collects keys before calling (default 1ms).
	BatchWait time.Duration `yaml:"batch_wait"`
	// Treat404AsNull makes a 404 answer (gRPC: NOT_FOUND) a plain null (a missing entity
	// or object) instead of an error.
	Treat404AsNull bool `yaml:"treat_404_as_null"`
	// ExposeStatusMessages shows gRPC status messages to clients instead of "Request
	// failed" (they are always logged).
	ExposeStatusMessages bool `yaml:"expose_status_messages"`
	// TLS secures the connections to a gRPC source (HTTP sources use https URLs).
	TLS TLSConfig `yaml:"tls"`
}

// TLSConfig configures TLS to a gRPC source.
type TLSConfig struct {
	Enabled bool `yaml:"enabled"`
	// CAFile is a PEM file of the roots to trust instead of the system's.
	CAFile string `yaml:"ca_file"`
	// ServerName is the name the certificate must carry (default: the address's host).
	ServerName string `yaml:"server_name"`
}

// config is the tls.Config of c, nil when TLS is off.
func (c TLSConfig) config() (*tls.Config, error) {
	if !c.Enabled {
		if c.CAFile != "" || c.ServerName != "" {
			return nil, errors.New("tls: ca_file and server_name need enabled: true")
		}
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.ServerName}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls: %s holds no PEM certificate", c.CAFile)
		}
	}
	return cfg, nil
}

// Subgraph runs the operations the gateway plans for one connector subgraph.
type Subgraph struct {
	name     string
	sg       *federation.Supergraph
	opts     Options
	log      *slog.Logger
	backends map[*source]*backend
	roots    map[string]*connector   // "Query.products": root fields, entity: true fields too
	entities map[string][]*connector // entity type → connectors resolving it by key
	fields   map[string]*connector   // "Product.reviews": fields of entities
	cache    *cache
	docs     documents
	// headerNames are the client headers header mappings copy (from:); readsRequest: a
	// mapping reads $request, so any client header.
	headerNames  []string
	readsRequest bool
}

// backend is a source's way out: an HTTP traffic pool or a gRPC client.
type backend struct {
	pool    *upstream.Pool
	conn    *grpclib.ClientConn
	breaker *upstream.CallBreaker // gRPC: the service's (HTTP pools have one per URL)
	cfg     SourceConfig
}

var (
	_ connectors.Connector    = (*Subgraph)(nil)
	_ connectors.HeaderReader = (*Subgraph)(nil)
)

// IsConnectorSubgraph reports whether the supergraph serves subgraph sub by connectors.
func IsConnectorSubgraph(sg *federation.Supergraph, sub federation.SubgraphID) bool {
	return len(sg.JoinDirectivesOf(sub, "connect")) > 0 || len(sg.JoinDirectivesOf(sub, "grpc")) > 0
}

// New compiles the connectors of subgraph sub and starts their sources' traffic pools.
// Close stops them.
func New(sg *federation.Supergraph, sub federation.SubgraphID, opts Options) (*Subgraph, error) {
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = 8 << 20
	}
	if opts.CacheMaxBytes == 0 {
		opts.CacheMaxBytes = 64 << 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	sources, conns, err := compile(sg, sub)
	if err != nil {
		return nil, err
	}
	s := &Subgraph{name: sg.Subgraphs[sub].Name, sg: sg, opts: opts, log: opts.Logger, backends: map[*source]*backend{},
		roots: map[string]*connector{}, entities: map[string][]*connector{}, fields: map[string]*connector{}}
	for name := range opts.Sources {
		if sources[name] == nil {
			return nil, fmt.Errorf("subgraph %q: configuration for unknown source %q", s.name, name)
		}
	}
	if opts.CacheMaxBytes > 0 {
		if s.cache, err = newCache(opts.CacheMaxBytes); err != nil {
			return nil, err
		}
	}
	for _, c := range conns {
		if s.backends[c.source] == nil {
			if err := s.startBackend(c.source, conns); err != nil {
				s.Close()
				return nil, err
			}
		}
		switch c.kind {
		case rootField:
			s.roots[c.typ+"."+c.field] = c
		case entityField:
			s.roots[c.typ+"."+c.field] = c
			s.entities[c.entity] = append(s.entities[c.entity], c)
		case entityType:
			s.entities[c.entity] = append(s.entities[c.entity], c)
		case objectField:
			s.fields[c.typ+"."+c.field] = c
		}
	}
	s.readClientHeaders(conns)
	return s, nil
}

func (s *Subgraph) startBackend(src *source, conns []*connector) error {
	cfg := s.opts.Sources[src.name]
	if len(cfg.Traffic.URLs) == 0 {
		cfg.Traffic.URLs = []string{src.baseURL}
		if src.grpc != nil {
			cfg.Traffic.URLs = []string{src.grpc.address}
		}
	}
	if cfg.Traffic.Timeout == 0 {
		cfg.Traffic.Timeout = s.opts.Timeout
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 100
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 16
	}
	if cfg.BatchWait <= 0 {
		cfg.BatchWait = time.Millisecond
	}
	name := s.name
	if src.name != "" {
		name += "." + src.name
	}
	if src.grpc != nil {
		r := cfg.Traffic.Retries
		if r.Attempts == 0 {
			r.Attempts = upstream.DefaultAttempts
		}
		tlsCfg, err := cfg.TLS.config()
		if err != nil {
			return fmt.Errorf("source %s: %w", name, err)
		}
		conn, err := grpc.Dial(grpc.ClientConfig{Addresses: cfg.Traffic.URLs, TLS: tlsCfg, LeastOutstanding: cfg.Traffic.Balancer == upstream.LeastOutstanding,
			Attempts: r.Attempts, Backoff: r.Backoff, MaxBackoff: r.MaxBackoff, RetryMethods: retryMethods(src, conns)})
		if err != nil {
			return fmt.Errorf("source %s: %w", name, err)
		}
		s.backends[src] = &backend{conn: conn, breaker: upstream.NewCallBreaker(name, cfg.Traffic, s.log), cfg: cfg}
		return nil
	}
	if cfg.TLS.Enabled {
		return fmt.Errorf("source %s: tls is for gRPC sources; use https URLs", name)
	}
	pool, err := upstream.New(name, cfg.Traffic, s.opts.HTTPClient, s.log)
	if err != nil {
		return fmt.Errorf("source %s: %w", name, err)
	}
	s.backends[src] = &backend{pool: pool, cfg: cfg}
	return nil
}

// Close stops the traffic pools' health checks and drops the cache.
func (s *Subgraph) Close() {
	for _, b := range s.backends {
		if b.pool != nil {
			b.pool.Close()
		}
		if b.conn != nil {
			b.conn.Close()
		}
	}
	if s.cache != nil {
		s.cache.c.Close()
	}
}

// CacheStats reports the cache's counters (zero without a cache).
func (s *Subgraph) CacheStats() CacheStats {
	if s.cache == nil {
		return CacheStats{}
	}
	return s.cache.stats()
}

// documents keeps the parsed operations the planner sends, by text. Plans are cached, so
// the set of texts is small; the bound keeps a misbehaving caller from growing it.
type documents struct {
	mu   sync.Mutex
	docs map[string]*ast.QueryDocument
}

const maxDocuments = 4096

func (d *documents) get(query string) (*ast.QueryDocument, error) {
	d.mu.Lock()
	doc := d.docs[query]
	d.mu.Unlock()
	if doc != nil {
		return doc, nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if d.docs == nil || len(d.docs) >= maxDocuments {
		d.docs = map[string]*ast.QueryDocument{}
	}
	d.docs[query] = doc
	d.mu.Unlock()
	return doc, nil
}

// Fetch runs one operation of the plan against the connectors and answers as a GraphQL
// subgraph would: {"data": …, "errors": […]}. Every call it makes carries req.Header
// (the identity and headers forwarding rules send; gRPC: as metadata), in place of what
// header mappings set for those names and for req.Reserved.
func (s *Subgraph) Fetch(ctx context.Context, req *connectors.Request, dst []byte) ([]byte, error) {
	doc, err := s.docs.get(req.Query)
	if err != nil {
		return nil, fmt.Errorf("%w: the planned operation does not parse", connectors.ErrUnavailable)
	}
	var op *ast.OperationDefinition
	if req.OperationName != "" {
		op = doc.Operations.ForName(req.OperationName)
	} else if len(doc.Operations) == 1 {
		op = doc.Operations[0]
	}
	if op == nil {
		return nil, fmt.Errorf("%w: no operation to run", connectors.ErrUnavailable)
	}
	vars := map[string]any{}
	if len(req.Variables) > 0 {
		v, err := decode(req.Variables)
		if m, ok := v.(map[string]any); err == nil && ok {
			vars = m
		}
	}
	x := &execution{s: s, ctx: ctx, scope: connectors.ScopeOf(ctx), fwd: forwarded{req.Header, req.Reserved}, vars: vars, doc: doc}
	data := x.operation(op)
	return x.write(dst, data), nil
}

// ClientHeaders names the client headers the subgraph's connectors forward (header
// mappings with `from`); all is true when a mapping reads $request, and so any of them.
func (s *Subgraph) ClientHeaders() (names []string, all bool) {
	return s.headerNames, s.readsRequest
}

// readClientHeaders notes which client headers the connectors read.
func (s *Subgraph) readClientHeaders(conns []*connector) {
	add := func(hs []header) {
		for _, h := range hs {
			if h.from != "" && !slices.Contains(s.headerNames, h.from) {
				s.headerNames = append(s.headerNames, h.from)
			}
		}
	}
	for _, c := range conns {
		add(c.source.headers)
		add(c.headers)
		paths := c.varPaths()
		sels := []*mapping.Selection{c.selection}
		if c.errors != nil {
			sels = append(sels, c.errors.message, c.errors.extensions)
		}
		for _, sel := range sels {
			if sel != nil {
				paths = append(paths, sel.VarPaths()...)
			}
		}
		for _, p := range paths {
			s.readsRequest = s.readsRequest || p.Var == "$request"
		}
	}
}
