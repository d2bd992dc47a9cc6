package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation/usage"
	"github.com/atrium-gateway/atrium/registry/store"
)

// UsageSink stores usage records; the registry's *store.Store is one.
type UsageSink interface {
	RecordUsage(ctx context.Context, records []store.UsageRecord) error
}

var _ UsageSink = (*store.Store)(nil)

// Headers naming the client that sent an operation: GraphQL Hive's and Cosmo's, then
// Apollo's. They are written canonically so that reading them allocates nothing.
const (
	ClientNameHeader       = "Graphql-Client-Name"
	ApolloClientNameHeader = "Apollographql-Client-Name"
)

// UsageOptions configure a UsageRecorder.
type UsageOptions struct {
	// FlushInterval is how often Run writes what was counted (default 10s).
	FlushInterval time.Duration
	// MaxPending bounds the distinct (operation signature, client) pairs counted between
	// two flushes, and the records kept to retry after a failed flush (default 10,000).
	// Requests for a new pair beyond it are not counted (see Dropped); they never wait.
	MaxPending int
	// Logger reports failed flushes and dropped counts (default slog.Default()).
	Logger *slog.Logger
}

// Defaults of UsageOptions, and the bounds of flushing.
const (
	DefaultUsageFlushInterval = 10 * time.Second
	DefaultUsageMaxPending    = 10000
	// usageFinalFlushTimeout bounds Run's last flush, after its context ended.
	usageFinalFlushTimeout = 5 * time.Second
	// usageMaxAttempts is how many flushes try a batch before it is dropped.
	usageMaxAttempts = 6
)

// UsageRecorder counts, per operation signature and client, the operations a gateway
// plans, and writes the counts to a UsageSink in batches, off the request path. One
// recorder is shared by every snapshot of a gateway (Options.Usage).
//
// Counting a request takes a mutex and a map lookup, and allocates only for a pair
// (operation signature, client) not yet seen since the last flush. Run flushes periodically; Flush
// may also be called directly. All methods are safe for concurrent use.
type UsageRecorder struct {
	sink       UsageSink
	interval   time.Duration
	maxPending int
	log        *slog.Logger
	dropped    atomic.Int64

	mu            sync.Mutex
	pending       map[usageKey]*usageCount
	droppedWindow int64 // requests not counted since the last flush: pending was full
	traffic       map[trafficKey]*store.TrafficRecord
	trafficSink   TrafficSink // the sink, when it also records traffic (traffic.go)

	flushMu sync.Mutex // serializes flushes; guards spare and retry
	spare   map[usageKey]*usageCount
	retry   []usageBatch
}

// usageKey is one pending count: an operation signature's hash and the client. Keying by
// signature, not by parsed operation, makes the query texts of one operation (literals
// written into the text, say) one count, so they cannot fill MaxPending alone.
type usageKey struct{ hash, client string }

// usageCount is the requests counted for one key, and the first description of the
// operation seen (its coordinates may differ between snapshots; the store keeps the union
// over flushes).
type usageCount struct {
	op *opUsage
	n  int64
}

// opUsage is what is recorded about one operation, computed once per parsed operation per
// snapshot (opPlans.usageOf) and then only read.
type opUsage struct {
	hash, name, document string
	coordinates          []string
}

// usageBatch is one RecordUsage call's records, and how many flushes tried them.
type usageBatch struct {
	records  []store.UsageRecord
	attempts int
}

// NewUsageRecorder returns a recorder writing to sink, which must not be nil. Start Run to
// flush periodically.
func NewUsageRecorder(sink UsageSink, opts UsageOptions) *UsageRecorder {
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = DefaultUsageFlushInterval
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = DefaultUsageMaxPending
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &UsageRecorder{
		sink:       sink,
		interval:   opts.FlushInterval,
		maxPending: opts.MaxPending,
		log:        opts.Logger,
		pending:    map[usageKey]*usageCount{},
		spare:      map[usageKey]*usageCount{},
		traffic:    map[trafficKey]*store.TrafficRecord{},
		trafficSink: func() TrafficSink {
			ts, _ := sink.(TrafficSink)
			return ts
		}(),
	}
}

// Run flushes every FlushInterval until ctx ends, then flushes once more, for at most a
// few seconds, and returns. Each flush is bounded by the interval, so a hung sink delays
// the next flush but never requests. Cancel ctx after the server stopped serving, so that
// the last flush has the last counts. Failures are logged.
func (r *UsageRecorder) Run(ctx context.Context) {
	tick := time.NewTicker(r.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), usageFinalFlushTimeout)
			_ = r.Flush(final)
			cancel()
			r.flushMu.Lock()
			lost := countRequests(r.retry)
			r.retry = nil
			r.flushMu.Unlock()
			if lost > 0 {
				r.dropped.Add(lost)
				r.log.Error("usage: stopping with counts not written", "requests", lost)
			}
			return
		case <-tick.C:
			flush, cancel := context.WithTimeout(ctx, r.interval)
			_ = r.Flush(flush)
			cancel()
		}
	}
}

// Flush writes the counts taken since the last flush, with the batches earlier flushes
// failed to write, in calls of at most store.MaxUsageRecords records. It logs and returns
// the sink's errors.
//
// A batch the sink refuses as invalid is dropped: it would be refused again. Any other
// failure (the registry restarting, a network error) keeps the batch for the next flushes,
// up to usageMaxAttempts tries and MaxPending retained records, oldest dropped first: that
// rides out a short outage without letting a long one grow memory. A batch the sink wrote
// but reported as failed (a lost commit acknowledgement) is counted twice; counting too
// much only makes schema checks more careful.
func (r *UsageRecorder) Flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()

	r.mu.Lock()
	counts := r.pending
	r.pending, r.spare = r.spare, nil
	full := r.droppedWindow
	r.droppedWindow = 0
	r.mu.Unlock()
	if full > 0 {
		r.dropped.Add(full)
		r.log.Warn("usage: too many distinct operations and clients between flushes; some requests were not counted",
			"requests", full, "max_pending", r.maxPending)
	}

	at := time.Now()
	records := make([]store.UsageRecord, 0, len(counts))
	for k, c := range counts {
		records = append(records, store.UsageRecord{
			Hash:        k.hash,
			Name:        c.op.name,
			Document:    c.op.document,
			Coordinates: c.op.coordinates,
			Client:      cleanClient(k.client),
			Count:       c.n,
			At:          at, // kept if the batch is retried
		})
	}
	clear(counts)
	r.spare = counts

	batches := r.retry
	r.retry = nil
	for len(records) > 0 {
		n := min(len(records), store.MaxUsageRecords)
		batches = append(batches, usageBatch{records: records[:n:n]})
		records = records[n:]
	}
	var errs []error
	for _, b := range batches {
		err := r.sink.RecordUsage(ctx, b.records)
		if err == nil {
			continue
		}
		errs = append(errs, err)
		b.attempts++
		var invalid store.ValidationErrors
		if errors.As(err, &invalid) || b.attempts >= usageMaxAttempts {
			r.drop(b, err)
			continue
		}
		r.log.Warn("usage: writing counts failed; retrying at the next flush",
			"records", len(b.records), "requests", countRequests([]usageBatch{b}), "attempt", b.attempts, "error", err)
		r.retry = append(r.retry, b)
	}
	if err := r.flushTraffic(ctx); err != nil {
		r.log.Warn("usage: writing API clients' traffic failed", "error", err)
		errs = append(errs, err)
	}
	retained := 0
	for _, b := range r.retry {
		retained += len(b.records)
	}
	for retained > r.maxPending {
		retained -= len(r.retry[0].records)
		r.drop(r.retry[0], errors.New("too many records waiting to be retried"))
		r.retry = r.retry[1:]
	}
	return errors.Join(errs...)
}

// Dropped returns how many requests were not recorded since the recorder was created:
// counted when pending was full, or in batches given up after failed flushes.
func (r *UsageRecorder) Dropped() int64 { return r.dropped.Load() }

func (r *UsageRecorder) drop(b usageBatch, why error) {
	lost := countRequests([]usageBatch{b})
	r.dropped.Add(lost)
	r.log.Error("usage: dropping counts that could not be written",
		"records", len(b.records), "requests", lost, "attempts", b.attempts, "error", why)
}

func countRequests(batches []usageBatch) int64 {
	var n int64
	for _, b := range batches {
		for _, rec := range b.records {
			n += rec.Count
		}
	}
	return n
}

// count adds one request for op from client; a nil op is not recorded.
func (r *UsageRecorder) count(op *opUsage, client string) {
	if op == nil {
		return
	}
	k := usageKey{hash: op.hash, client: client}
	r.mu.Lock()
	if c := r.pending[k]; c != nil {
		c.n++
	} else if len(r.pending) < r.maxPending {
		// The header value belongs to the request.
		k.client = strings.Clone(client)
		r.pending[k] = &usageCount{op: op, n: 1}
	} else {
		r.droppedWindow++
	}
	r.mu.Unlock()
}

// clientName is the client named by the request's headers, cut to store.MaxClientBytes
// (a longer name is truncated, not dropped: its start still tells clients apart), or "".
// It allocates nothing.
func clientName(h http.Header) string {
	name := firstValue(h[ClientNameHeader])
	if name == "" {
		name = firstValue(h[ApolloClientNameHeader])
	}
	return truncateUTF8(name, store.MaxClientBytes)
}

func firstValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// truncateUTF8 cuts s to at most limit bytes, not inside a UTF-8 sequence.
func truncateUTF8(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// cleanClient makes a client name storable: headers may carry bytes that are not UTF-8.
func cleanClient(name string) string {
	if utf8.ValidString(name) && strings.IndexByte(name, 0) < 0 {
		return name
	}
	name = strings.ReplaceAll(strings.ToValidUTF8(name, "\uFFFD"), "\x00", "")
	return truncateUTF8(name, store.MaxClientBytes)
}

// describe computes what is recorded about op, or nil when it is not recorded:
// introspection-only operations, and operations that cannot be described (logged).
func (r *UsageRecorder) describe(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition) *opUsage {
	if introspectionOnly(op.SelectionSet) {
		return nil
	}
	sig, hash, err := usage.Signature(doc, op.Name)
	var coordinates []string
	if err == nil {
		coordinates, err = usage.Coordinates(schema, doc, op.Name)
	}
	if err != nil {
		r.log.Warn("usage: the operation is not recorded", "operation", op.Name, "error", err)
		return nil
	}
	if len(coordinates) > store.MaxCoordinatesPerOp {
		r.log.Warn("usage: the operation uses too many schema coordinates to be recorded",
			"operation", op.Name, "coordinates", len(coordinates), "limit", store.MaxCoordinatesPerOp)
		return nil
	}
	if len(sig) > store.MaxDocumentBytes {
		sig = "" // the hash still identifies the operation
	}
	return &opUsage{
		hash:        hash,
		name:        truncateUTF8(op.Name, store.MaxOperationName),
		document:    sig,
		coordinates: coordinates,
	}
}

// introspectionOnly reports whether the root selections, through fragments, are all
// __schema, __type or __typename.
func introspectionOnly(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name != "__schema" && s.Name != "__type" && s.Name != "__typename" {
				return false
			}
		case *ast.InlineFragment:
			if !introspectionOnly(s.SelectionSet) {
				return false
			}
		case *ast.FragmentSpread:
			// Validated documents have no fragment cycles.
			if s.Definition == nil || !introspectionOnly(s.Definition.SelectionSet) {
				return false
			}
		}
	}
	return true
}
