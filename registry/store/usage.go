package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// UsageRecord reports that a client sent an operation Count times, last at At. The
// registry judges a schema change breaking by whether recent operations use the
// coordinates it removes or changes.
type UsageRecord struct {
	// Hash identifies the operation's document (e.g. its SHA-256); Name and Document
	// are stored the first time a hash is seen.
	Hash     string
	Name     string
	Document string
	// Coordinates are the schema coordinates the operation uses: "Type.field",
	// "Type.field.argument", "Enum.VALUE", "Input.field".
	Coordinates []string
	Client      string // "" when the client did not say
	Count       int64
	At          time.Time // zero means now
}

// OperationUse is how much one operation was used since some time.
type OperationUse struct {
	Hash     string
	Name     string
	Count    int64
	LastSeen time.Time
	Clients  []ClientUse // sorted by name
}

// ClientUse is how often one client sent an operation.
type ClientUse struct {
	Name  string
	Count int64
}

type usageKey struct {
	hash, client string
	hour         time.Time
}

type usageCount struct {
	count    int64
	lastSeen time.Time
}

type pendingOperation struct {
	name, document string
	firstSeen      time.Time
	coordinates    map[string]bool
}

// RecordUsage adds a batch of reports. Counts are kept per operation, client and hour
// and add up: reporting the same operation twice counts both. The batch is written in
// one transaction, all or nothing.
func (s *Store) RecordUsage(ctx context.Context, records []UsageRecord) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := validateUsage(records); err != nil {
		return err
	}
	if len(records) == 0 {
		return nil
	}
	// Merging the batch first makes each row one upsert, and writing rows in key order
	// makes concurrent batches take PostgreSQL's row locks in the same order, so they
	// wait for each other instead of deadlocking.
	at := now()
	operations := map[string]*pendingOperation{}
	counts := map[usageKey]*usageCount{}
	for _, r := range records {
		seen := at
		if !r.At.IsZero() {
			seen = r.At.UTC().Truncate(time.Microsecond)
		}
		op := operations[r.Hash]
		if op == nil {
			op = &pendingOperation{name: r.Name, document: r.Document, firstSeen: seen, coordinates: map[string]bool{}}
			operations[r.Hash] = op
		}
		op.firstSeen = minTime(op.firstSeen, seen)
		for _, c := range r.Coordinates {
			op.coordinates[c] = true
		}
		key := usageKey{hash: r.Hash, client: r.Client, hour: seen.Truncate(time.Hour)}
		if c := counts[key]; c != nil {
			c.count += r.Count
			c.lastSeen = maxTime(c.lastSeen, seen)
		} else {
			counts[key] = &usageCount{count: r.Count, lastSeen: seen}
		}
	}

	var opRows, coordinateRows, usageRows [][]any
	for _, hash := range slices.Sorted(maps.Keys(operations)) {
		op := operations[hash]
		opRows = append(opRows, []any{hash, op.name, op.document, s.timeArg(op.firstSeen)})
		for _, c := range slices.Sorted(maps.Keys(op.coordinates)) {
			coordinateRows = append(coordinateRows, []any{hash, c})
		}
	}
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b usageKey) int {
		return cmp.Or(strings.Compare(a.hash, b.hash), strings.Compare(a.client, b.client), a.hour.Compare(b.hour))
	})
	for _, k := range keys {
		c := counts[k]
		usageRows = append(usageRows, []any{k.hash, k.client, s.timeArg(k.hour), c.count, s.timeArg(c.lastSeen)})
	}

	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record usage: begin: %w", err)
	}
	defer rollback(tx)
	// operations goes first: PruneUsage's table lock then waits for this transaction.
	if err := execValues(ctx, tx, `INSERT INTO operations (hash, name, document, first_seen) VALUES `,
		` ON CONFLICT (hash) DO NOTHING`, opRows); err != nil {
		return fmt.Errorf("record usage: operations: %w", err)
	}
	if err := execValues(ctx, tx, `INSERT INTO operation_coordinates (hash, coordinate) VALUES `,
		` ON CONFLICT (hash, coordinate) DO NOTHING`, coordinateRows); err != nil {
		return fmt.Errorf("record usage: coordinates: %w", err)
	}
	if err := execValues(ctx, tx, `INSERT INTO operation_usage (hash, client, hour, count, last_seen) VALUES `, `
		ON CONFLICT (hash, client, hour) DO UPDATE SET
			count = operation_usage.count + excluded.count,
			last_seen = CASE WHEN excluded.last_seen > operation_usage.last_seen
				THEN excluded.last_seen ELSE operation_usage.last_seen END`, usageRows); err != nil {
		return fmt.Errorf("record usage: counts: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record usage: commit: %w", err)
	}
	return nil
}

func validateUsage(records []UsageRecord) error {
	var v validator
	if len(records) > MaxUsageRecords {
		v.add("records", "has %d records, more than the limit of %d per call", len(records), MaxUsageRecords)
		return v.err()
	}
	for i, r := range records {
		field := fmt.Sprintf("records[%d]", i)
		if r.Hash == "" || strings.TrimSpace(r.Hash) != r.Hash {
			v.add(field+".hash", "is required and must not start or end with spaces")
		}
		v.text(field+".hash", r.Hash, MaxOperationHash)
		v.text(field+".name", r.Name, MaxOperationName)
		v.text(field+".document", r.Document, MaxDocumentBytes)
		v.text(field+".client", r.Client, MaxClientBytes)
		if r.Count < 1 {
			v.add(field+".count", "must be at least 1")
		}
		if len(r.Coordinates) > MaxCoordinatesPerOp {
			v.add(field+".coordinates", "has %d coordinates, more than the limit of %d", len(r.Coordinates), MaxCoordinatesPerOp)
			continue
		}
		for j, c := range r.Coordinates {
			v.coordinate(fmt.Sprintf("%s.coordinates[%d]", field, j), c)
		}
	}
	return v.err()
}

// UsageSince returns, for each of coordinates that operations used since since, those
// operations with their counts, most used first. Coordinates no operation used are
// absent. Usage is kept by the hour, so an hour that ends after since counts whole.
func (s *Store) UsageSince(ctx context.Context, since time.Time, coordinates []string) (map[string][]OperationUse, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	from := s.timeArg(since.UTC().Truncate(time.Hour))
	uses := map[string]map[string]*OperationUse{} // coordinate → hash → use
	unique := slices.Compact(slices.Sorted(slices.Values(coordinates)))
	const perQuery = 500
	for start := 0; start < len(unique); start += perQuery {
		chunk := unique[start:min(start+perQuery, len(unique))]
		args := []any{from}
		placeholders := make([]string, len(chunk))
		for i, c := range chunk {
			args = append(args, c)
			placeholders[i] = fmt.Sprintf("$%d", len(args))
		}
		rows, err := s.reader.QueryContext(ctx, `
			SELECT c.coordinate, o.hash, o.name, u.client, CAST(SUM(u.count) AS BIGINT), MAX(u.last_seen)
			FROM operation_coordinates c
			JOIN operations o ON o.hash = c.hash
			JOIN operation_usage u ON u.hash = c.hash
			WHERE u.hour >= $1 AND c.coordinate IN (`+strings.Join(placeholders, ", ")+`)
			GROUP BY c.coordinate, o.hash, o.name, u.client`, args...)
		if err != nil {
			return nil, fmt.Errorf("read usage: %w", err)
		}
		err = scanUses(rows, uses)
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read usage: %w", err)
		}
	}
	out := make(map[string][]OperationUse, len(uses))
	for coordinate, byHash := range uses {
		list := make([]OperationUse, 0, len(byHash))
		for _, use := range byHash {
			slices.SortFunc(use.Clients, func(a, b ClientUse) int { return strings.Compare(a.Name, b.Name) })
			list = append(list, *use)
		}
		slices.SortFunc(list, func(a, b OperationUse) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Hash, b.Hash))
		})
		out[coordinate] = list
	}
	return out, nil
}

// scanUses adds rows of (coordinate, hash, name, client, count, last seen) to uses.
func scanUses(rows *sql.Rows, uses map[string]map[string]*OperationUse) error {
	for rows.Next() {
		var coordinate, hash, name, client string
		var count int64
		var lastSeen time.Time
		if err := rows.Scan(&coordinate, &hash, &name, &client, &count, timeColumn{&lastSeen}); err != nil {
			return err
		}
		byHash := uses[coordinate]
		if byHash == nil {
			byHash = map[string]*OperationUse{}
			uses[coordinate] = byHash
		}
		use := byHash[hash]
		if use == nil {
			use = &OperationUse{Hash: hash, Name: name}
			byHash[hash] = use
		}
		use.Count += count
		use.LastSeen = maxTime(use.LastSeen, lastSeen)
		use.Clients = append(use.Clients, ClientUse{Name: client, Count: count})
	}
	return rows.Err()
}

// PruneUsage deletes the usage counts of every hour that ended by before, then the
// operations left with no counts. It returns how many hourly counts it deleted.
func (s *Store) PruneUsage(ctx context.Context, before time.Time) (int64, error) {
	if err := s.usable(); err != nil {
		return 0, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune usage: begin: %w", err)
	}
	defer rollback(tx)
	if s.dialect == DialectPostgres {
		// Without the lock, an operation a concurrent RecordUsage is counting again could
		// look unused to the second DELETE and be deleted with its new count. SQLite needs
		// none: its write transactions never overlap.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE operations IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return 0, fmt.Errorf("prune usage: lock: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM operation_usage WHERE hour < $1`,
		s.timeArg(before.UTC().Truncate(time.Hour)))
	if err != nil {
		return 0, fmt.Errorf("prune usage: counts: %w", err)
	}
	deleted, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune usage: counts: %w", err)
	}
	// Their coordinates go with them (ON DELETE CASCADE).
	if _, err := tx.ExecContext(ctx, `DELETE FROM operations
		WHERE NOT EXISTS (SELECT 1 FROM operation_usage u WHERE u.hash = operations.hash)`); err != nil {
		return 0, fmt.Errorf("prune usage: operations: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune usage: commit: %w", err)
	}
	return deleted, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// CoordinateUsage is how often clients used one schema coordinate since some time.
type CoordinateUsage struct {
	Coordinate string
	Count      int64
	Clients    []ClientUse // most requests first, then by name
}

// UsageByClient returns, for each of coordinates in the order given (duplicates once),
// how many requests used it since since, and from which clients. A coordinate no request
// used has a zero count. Usage is kept by the hour, so an hour that ends after since
// counts whole. At most MaxUsageLookups coordinates are looked up per call.
func (s *Store) UsageByClient(ctx context.Context, since time.Time, coordinates []string) ([]CoordinateUsage, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	var v validator
	if len(coordinates) > MaxUsageLookups {
		v.add("coordinates", "has %d coordinates, more than the limit of %d per call", len(coordinates), MaxUsageLookups)
		return nil, v.err()
	}
	out := make([]CoordinateUsage, 0, len(coordinates))
	index := map[string]int{}
	args := []any{s.timeArg(since.UTC().Truncate(time.Hour))}
	placeholders := make([]string, 0, len(coordinates))
	for i, c := range coordinates {
		v.coordinate(fmt.Sprintf("coordinates[%d]", i), c)
		if _, dup := index[c]; dup {
			continue
		}
		index[c] = len(out)
		out = append(out, CoordinateUsage{Coordinate: c, Clients: []ClientUse{}})
		args = append(args, c)
		placeholders = append(placeholders, fmt.Sprintf("$%d", len(args)))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// Operations count once per coordinate they use (operation_coordinates has one row per
	// pair), so the sums are requests, not requests times coordinates.
	rows, err := s.reader.QueryContext(ctx, `
		SELECT c.coordinate, u.client, CAST(SUM(u.count) AS BIGINT)
		FROM operation_coordinates c
		JOIN operation_usage u ON u.hash = c.hash
		WHERE u.hour >= $1 AND c.coordinate IN (`+strings.Join(placeholders, ", ")+`)
		GROUP BY c.coordinate, u.client`, args...)
	if err != nil {
		return nil, fmt.Errorf("read usage by client: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var coordinate string
		var use ClientUse
		if err := rows.Scan(&coordinate, &use.Name, &use.Count); err != nil {
			return nil, fmt.Errorf("read usage by client: %w", err)
		}
		u := &out[index[coordinate]]
		u.Count += use.Count
		u.Clients = append(u.Clients, use)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read usage by client: %w", err)
	}
	// Sorted here, not by ORDER BY: PostgreSQL's collation may order names unlike SQLite.
	for _, u := range out {
		slices.SortFunc(u.Clients, func(a, b ClientUse) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Name, b.Name))
		})
	}
	return out, nil
}
