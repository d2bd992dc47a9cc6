// Package gateway ties one supergraph version to a GraphQL server: the API schema, the
// plan cache, the executor and gqlgen's handler.Server around them. A Gateway swaps whole
// snapshots atomically when the supergraph changes.
package gateway

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/dgraph-io/ristretto/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/sync/singleflight"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/connectors/engine"
	gqlconn "github.com/atrium-gateway/atrium/connectors/graphql"
	"github.com/atrium-gateway/atrium/executor"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/planner"
	"github.com/atrium-gateway/atrium/server/transport"
	"github.com/atrium-gateway/atrium/upstream"
)

// Options configure how a snapshot serves requests.
type Options struct {
	// SubgraphTimeout bounds each subgraph request (0: no limit besides the client's).
	SubgraphTimeout time.Duration
	// Limits bound the operations accepted: depth, aliases, root fields, directives,
	// tokens (limits.go).
	Limits Limits
	// Debug lets clients ask for the query plan with the Atrium-Query-Plan header.
	Debug bool
	// DisableIntrospection refuses __schema and __type.
	DisableIntrospection bool
	// MaxBodyBytes bounds request bodies.
	MaxBodyBytes int64
	// PlanCacheSize is the number of plans kept (default 10,000).
	PlanCacheSize int64
	// Connectors overrides the connector per subgraph name (tests, other backends).
	Connectors map[string]connectors.Connector
	// HTTPClient is shared by the GraphQL connectors (default: a pooled client).
	HTTPClient *http.Client
	// Dedup shares work among identical requests in flight at the same time: identical
	// client operations (same text, operation name and variables) get one execution, and
	// identical subgraph queries one backend call. Requests whose forwarded values differ
	// (Forwarding) are never identical. Mutations are never shared.
	Dedup bool
	// OverrideLabels switches progressive overrides on: a field whose @override carries one
	// of these labels is read from the overriding subgraph. "percent(N)" labels need no
	// switch: each request takes them with a probability of N%.
	OverrideLabels []string
	// SubgraphTraffic configures the traffic to GraphQL subgraphs by name: several URLs
	// (replacing the supergraph's routing URL), balancing, health checks, retries of
	// queries, circuit breakers. Subgraphs not named are called at their routing URL.
	SubgraphTraffic map[string]upstream.Config
	// ConnectorSources configure the sources of connector subgraphs (REST backends declared
	// with @source/@connect), by "<subgraph>.<source>".
	ConnectorSources map[string]engine.SourceConfig
	// Logger receives the connectors' warnings (nil: discarded).
	Logger *slog.Logger
	// Forwarding says what of the caller's identity (auth.PrincipalFrom) and which client
	// headers each backend receives: GraphQL subgraphs, REST and gRPC sources
	// (docs/forwarding.md). The zero value forwards nothing, at no cost.
	Forwarding connectors.Forwarding
	// Usage counts the operations planned, per signature and client, for schema checks
	// (nil: nothing is recorded, at no cost). Share one recorder between the snapshots of
	// a gateway. Introspection-only operations and those that fail validation or planning
	// are not recorded.
	Usage *UsageRecorder
	// Authorization configures how @authenticated, @requiresScopes and @policy are enforced
	// with the principal of each request (auth.PrincipalFrom; docs/authorization.md).
	Authorization auth.Rules
}

// Snapshot serves one supergraph version. It is immutable once built.
type Snapshot struct {
	Supergraph *federation.Supergraph
	opts       Options
	exec       *executor.Executor
	plans      *ristretto.Cache[uint64, *opPlans]
	planning   singleflight.Group
	inflight   singleflight.Group // identical operations in flight, with Options.Dedup
	handler    *handler.Server
	docs       *documentCache
	overrides  *overrides
	// refs counts the owner's reference (dropped by Close) and each request a Gateway
	// serves on the snapshot; the caches close when it reaches 0. ristretto's caches may
	// not be closed while in use, and a swap leaves requests running on the old snapshot.
	refs atomic.Int64
	// scoped: connector subgraphs or forwarding rules need each request's connectors.Scope
	// (loaders, headers).
	scoped bool
	// clientHeaders are the client headers connectors forward.
	clientHeaders clientHeaders
	// forward applies Options.Forwarding (nil: nothing is forwarded).
	forward *connectors.Forwarder
	// closers release the connectors' resources (traffic pools, caches) with the snapshot.
	closers []func()
	// connectorSubgraphs are the subgraphs served by connectors, by name.
	connectorSubgraphs map[string]*engine.Subgraph
	// pools are the traffic pools of the GraphQL subgraphs configured with SubgraphTraffic,
	// by name (SubgraphStatus reads them).
	pools map[string]*upstream.Pool
	// ownClient is the HTTP client the snapshot made for itself (no Options.HTTPClient),
	// whose idle connections close with it.
	ownClient *http.Client
	// authz applies the supergraph's authorization directives (nil: it has none).
	authz *auth.Authorizer
}

// NewSnapshot builds the serving state for a supergraph.
func NewSnapshot(sg *federation.Supergraph, opts Options) (*Snapshot, error) {
	if opts.PlanCacheSize <= 0 {
		opts.PlanCacheSize = 10000
	}
	forward, err := connectors.NewForwarder(opts.Forwarding)
	if err != nil {
		return nil, err
	}
	client, ownClient := opts.HTTPClient, opts.HTTPClient == nil
	if ownClient {
		client = gqlconn.DefaultClient()
	}
	conns := make([]connectors.Connector, len(sg.Subgraphs))
	var closers []func()
	scoped, headers := false, clientHeaders{}
	connectorSubgraphs := map[string]*engine.Subgraph{}
	pools := map[string]*upstream.Pool{}
	fail := func(err error) (*Snapshot, error) {
		for _, c := range closers {
			c()
		}
		return nil, err
	}
	for i, s := range sg.Subgraphs {
		if c, ok := opts.Connectors[s.Name]; ok {
			conns[i] = c
			continue
		}
		if engine.IsConnectorSubgraph(sg, i) {
			r, err := engine.New(sg, i, engine.Options{Sources: sourcesOf(opts.ConnectorSources, s.Name), HTTPClient: client,
				Logger: opts.Logger, Timeout: opts.SubgraphTimeout})
			if err != nil {
				return fail(err)
			}
			conns[i] = r
			connectorSubgraphs[s.Name] = r
			closers = append(closers, r.Close)
			scoped = true
			continue
		}
		if s.URL == "" {
			return fail(fmt.Errorf("subgraph %q has no URL in the supergraph", s.Name))
		}
		conn := gqlconn.New(s.Name, s.URL, client, opts.SubgraphTimeout)
		if cfg, ok := opts.SubgraphTraffic[s.Name]; ok {
			if len(cfg.URLs) == 0 {
				cfg.URLs = []string{s.URL}
			}
			pool, err := upstream.New(s.Name, cfg, client, opts.Logger)
			if err != nil {
				return fail(fmt.Errorf("subgraph %q: %w", s.Name, err))
			}
			conn.Pool, pools[s.Name] = pool, pool
			closers = append(closers, pool.Close)
		}
		conns[i] = conn
	}
	for i, c := range conns {
		forwards := false
		if r, ok := c.(connectors.HeaderReader); ok {
			names, all := r.ClientHeaders()
			headers.names = append(headers.names, names...)
			headers.all = headers.all || all
			forwards = all || len(names) > 0
		}
		// A connector forwarding client headers is never shared: the shared key does not
		// see them, and sharing would answer one user with another's data.
		if opts.Dedup && !forwards {
			conns[i] = &connectors.Deduplicated{Next: c}
		}
		// Outside the sharing: forwarded values are part of what makes requests identical.
		conns[i] = forward.Wrap(sg.Subgraphs[i].Name, conns[i])
	}
	if opts.Logger != nil {
		for name := range opts.Forwarding.Subgraphs {
			if !slices.ContainsFunc(sg.Subgraphs, func(s *federation.Subgraph) bool { return s.Name == name }) {
				opts.Logger.Warn("forwarding.subgraphs names a subgraph the supergraph does not have", "subgraph", name)
			}
		}
	}
	plans, err := ristretto.NewCache(&ristretto.Config[uint64, *opPlans]{
		NumCounters: opts.PlanCacheSize * 10,
		MaxCost:     opts.PlanCacheSize,
		BufferItems: 64,
	})
	if err != nil {
		return fail(err)
	}
	s := &Snapshot{Supergraph: sg, opts: opts, exec: executor.New(sg, conns), plans: plans, closers: closers,
		scoped: scoped || forward != nil, clientHeaders: headers, forward: forward, connectorSubgraphs: connectorSubgraphs, pools: pools}
	if ownClient {
		s.ownClient = client
	}
	s.refs.Store(1)
	if s.overrides, err = newOverrides(sg, opts.OverrideLabels); err != nil {
		return nil, err
	}
	s.authz = auth.NewAuthorizer(sg, opts.Authorization)
	if s.authz != nil && len(s.authz.UndefinedPolicies()) > 0 && opts.Logger != nil {
		opts.Logger.Warn("the supergraph's @policy names policies that the authorization configuration does not define: they are never granted",
			"policies", s.authz.UndefinedPolicies())
	}
	srv := handler.New(&schema{snap: s})
	srv.AddTransport(transport.HTTP{MaxBodyBytes: opts.MaxBodyBytes})
	docs, err := newDocumentCache(1000)
	if err != nil {
		return nil, err
	}
	srv.SetQueryCache(docs)
	s.docs = docs
	if !opts.DisableIntrospection {
		srv.Use(extension.Introspection{})
	}
	if opts.Limits.any() {
		srv.Use(operationLimits{opts.Limits})
	}
	s.handler = srv
	return s, nil
}

// clientHeaders names the client headers connectors read; all: any of them ($request).
type clientHeaders struct {
	names []string
	all   bool
}

// sourcesOf picks one subgraph's source configurations out of "<subgraph>.<source>" keys.
func sourcesOf(all map[string]engine.SourceConfig, subgraph string) map[string]engine.SourceConfig {
	out := map[string]engine.SourceConfig{}
	for k, v := range all {
		if name, ok := strings.CutPrefix(k, subgraph+"."); ok {
			out[name] = v
		}
	}
	return out
}

// Close releases the snapshot's caches once the requests a Gateway is serving on it have
// finished. Call it once, when the snapshot will serve no new requests.
func (s *Snapshot) Close() { s.release() }

// acquire takes a reference for one request; false when the snapshot is closed.
func (s *Snapshot) acquire() bool {
	for {
		n := s.refs.Load()
		if n <= 0 {
			return false
		}
		if s.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func (s *Snapshot) release() {
	if s.refs.Add(-1) == 0 {
		s.plans.Close()
		s.docs.c.Close()
		for _, c := range s.closers {
			c()
		}
		if s.ownClient != nil {
			s.ownClient.CloseIdleConnections()
		}
	}
}

// ServeHTTP serves the GraphQL endpoint.
func (s *Snapshot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.Authorization.RequireAuthentication && auth.PrincipalFrom(r.Context()) == nil {
		refuseAnonymous(w)
		return
	}
	withResponseBuffer(s.handler, w, r)
}

// Plan returns the (cached) plan for an operation and its variables, for an anonymous
// caller (see Options.Authorization). Plans are cached per parsed operation (gqlgen's
// document cache hands out the same *ast.OperationDefinition for the same query text), per
// values of the variables that @skip/@include read, and per what the caller may see. A hit
// allocates nothing.
func (s *Snapshot) Plan(op *ast.OperationDefinition, vars map[string]any) (*planner.Plan, error) {
	p, _, err := s.plan(op, vars, nil)
	if err != nil {
		return nil, err
	}
	return p.plan, nil
}

// plan is Plan for principal p, also returning the operation's cache entry.
func (s *Snapshot) plan(op *ast.OperationDefinition, vars map[string]any, p *auth.Principal) (*planned, *opPlans, error) {
	key := uint64(uintptr(unsafe.Pointer(op)))
	e, ok := s.plans.Get(key)
	if !ok || e.op != op {
		// The entry keeps op alive, so its address cannot be reused while it is cached.
		e = &opPlans{op: op, condVars: planner.ConditionVariables(op), byBits: map[planBits]*planned{}}
		s.plans.Set(key, e, 1)
	}
	cond, cacheable := e.bits(vars)
	bits := planBits{conditions: cond, labels: s.overrides.pick()}
	var atoms []int
	rightsKnown := true
	if s.authz != nil {
		// What the caller may see of this operation is a mask over the few rights it
		// depends on: part of the key, so callers with other rights never share a plan.
		atoms = e.atomsOf(s.authz)
		if len(atoms) > 0 {
			bits.rights, rightsKnown = s.authz.Mask(p, atoms)
			cacheable = cacheable && rightsKnown
		}
	}
	if cacheable {
		e.mu.Lock()
		pl := e.byBits[bits]
		e.mu.Unlock()
		if pl != nil {
			return pl, e, nil
		}
	}
	build := func() (any, error) { return s.build(op, vars, bits, atoms, p, rightsKnown) }
	var v any
	var err error
	if cacheable {
		v, err, _ = s.planning.Do(strconv.FormatUint(key, 16)+"/"+strconv.FormatUint(bits.conditions, 16)+"/"+strconv.FormatUint(bits.labels, 16)+"/"+strconv.FormatUint(bits.rights, 16), build)
	} else {
		v, err = build()
	}
	if err != nil {
		return nil, nil, err
	}
	pl := v.(*planned)
	if cacheable {
		e.mu.Lock()
		e.byBits[bits] = pl
		e.mu.Unlock()
	}
	return pl, e, nil
}

// opPlans are the plans of one parsed operation, by @skip/@include variable values, active
// override labels and the caller's rights, and what Options.Usage records about the
// operation.
type opPlans struct {
	op       *ast.OperationDefinition
	condVars []string
	mu       sync.Mutex
	byBits   map[planBits]*planned

	usageOnce sync.Once
	usage     *opUsage // nil: not recorded

	atomsOnce sync.Once
	atoms     []int // the authorization atoms the operation depends on
}

// atomsOf returns the authorization atoms of the operation, computed once.
func (e *opPlans) atomsOf(a *auth.Authorizer) []int {
	e.atomsOnce.Do(func() { e.atoms = a.Atoms(e.op) })
	return e.atoms
}

// usageOf describes the operation for r, once; doc is the document op belongs to.
func (e *opPlans) usageOf(r *UsageRecorder, schema *ast.Schema, doc *ast.QueryDocument) *opUsage {
	e.usageOnce.Do(func() { e.usage = r.describe(schema, doc, e.op) })
	return e.usage
}

// planBits pick one plan of an operation: the values of its condition variables, the
// override labels active for the request and the authorization atoms the caller holds.
type planBits struct{ conditions, labels, rights uint64 }

// bits packs the values of the condition variables; more than 64 of them are not cached.
func (e *opPlans) bits(vars map[string]any) (uint64, bool) {
	if len(e.condVars) > 64 {
		return 0, false
	}
	var bits uint64
	for i, name := range e.condVars {
		if b, _ := vars[name].(bool); b {
			bits |= 1 << i
		}
	}
	return bits, true
}

// Gateway serves the current snapshot and swaps in new ones without dropping requests.
type Gateway struct {
	current atomic.Pointer[Snapshot]
	// client is shared by the snapshots Load builds, so that connections to the
	// subgraphs stay warm across versions.
	clientOnce sync.Once
	client     *http.Client
}

// New returns a gateway serving snap; nil serves nothing until the first Swap or Load.
func New(snap *Snapshot) *Gateway {
	g := &Gateway{}
	g.current.Store(snap)
	return g
}

// Current returns the snapshot serving new requests, nil if there is none yet.
func (g *Gateway) Current() *Snapshot { return g.current.Load() }

// Swap makes snap serve new requests; requests in flight finish on the old one.
func (g *Gateway) Swap(snap *Snapshot) *Snapshot { return g.current.Swap(snap) }

// Load parses a supergraph, builds its snapshot with opts and swaps it in. A supergraph
// that does not load changes nothing: the current snapshot keeps serving.
func (g *Gateway) Load(name, sdl string, opts Options) error {
	if opts.HTTPClient == nil {
		g.clientOnce.Do(func() { g.client = gqlconn.DefaultClient() })
		opts.HTTPClient = g.client
	}
	sg, err := federation.Parse(name, sdl)
	if err != nil {
		return err
	}
	snap, err := NewSnapshot(sg, opts)
	if err != nil {
		return err
	}
	if old := g.Swap(snap); old != nil {
		old.Close() // once the requests running on it have finished
	}
	return nil
}

// noSupergraph is the answer while there is no snapshot: a GraphQL error, as a client
// can read it.
var noSupergraph = []byte(`{"errors":[{"message":"no supergraph has been published yet","extensions":{"code":"NO_SUPERGRAPH"}}]}`)

// ServeHTTP hands the request to the current snapshot.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	snap := g.acquire()
	if snap == nil {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write(noSupergraph)
		return
	}
	defer snap.release()
	snap.ServeHTTP(w, r)
}

// acquire returns the current snapshot with a reference taken, or nil if there is none.
// A snapshot swapped out and closed between the load and the reference is skipped: the
// next load sees its successor.
func (g *Gateway) acquire() *Snapshot {
	for {
		snap := g.current.Load()
		if snap == nil || snap.acquire() {
			return snap
		}
	}
}

var _ graphql.ExecutableSchema = (*schema)(nil)

// ConnectorCacheStats are the cache counters of the connector subgraphs the gateway serves
// now, by subgraph name. A new supergraph version starts new caches, so the counters
// restart with it.
func (g *Gateway) ConnectorCacheStats() map[string]engine.CacheStats {
	s := g.current.Load()
	if s == nil || !s.acquire() {
		return nil
	}
	defer s.release()
	out := make(map[string]engine.CacheStats, len(s.connectorSubgraphs))
	for name, sub := range s.connectorSubgraphs {
		out[name] = sub.CacheStats()
	}
	return out
}
