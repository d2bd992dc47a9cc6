package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// API products (docs/portal.md#api-products-and-plans): a product is a view of the graph
// filtered by @tag, like Apollo's contracts; its plans set a rate limit and a daily quota
// per API client; a subscription puts one API client on one plan of one product. The
// registry API and the portal write them; gateways read ActiveSubscriptions, polling
// ProductsChanged.
//
// Every write to products, plans and subscriptions takes the products_changed row's lock
// first, in its transaction, and moves its time forward: the writes are serialized on
// both databases, and ProductsChanged is one cheap read.

// Limits on products and plans.
const (
	MaxProductNameChars        = 100
	MaxProductDescriptionChars = 5000
	MaxPlanNameChars           = 60
	// MaxTagBytes and MaxProductTags bound the @tag names of a product, per list.
	MaxTagBytes    = 128
	MaxProductTags = 100
	// MaxPlanRequests bounds a plan's limits (per minute, per day).
	MaxPlanRequests = 1_000_000_000
)

// Product is a view of the graph offered to API clients.
type Product struct {
	ID int64
	// Slug names it in URLs (/portal/products/<slug>): [a-z][a-z0-9-]{0,39}. Unique.
	Slug string
	// Name is 1 to 100 characters, one line.
	Name string
	// Description is plain text (line breaks and tabs allowed), up to 5000 characters.
	Description string
	// IncludeTags are the @tag names whose elements the product keeps; none keeps
	// everything not excluded. ExcludeTags are the @tag names whose elements it drops.
	// Both are sorted, each name once, and share no name.
	IncludeTags []string
	ExcludeTags []string
	// Published products are seen by consumers; others are drafts, for owners. Unpublishing
	// stops new subscriptions; those there are keep working.
	Published            bool
	CreatedAt, UpdatedAt time.Time
}

// Plan is what a subscribed client may send: its limits are per client.
type Plan struct {
	ID        int64
	ProductID int64
	// Name is 1 to 60 characters, one line, unique per product.
	Name string
	// RequestsPerMinute is the rate limit; 0 is unlimited.
	RequestsPerMinute int
	// RequestsPerDay is the quota; 0 is unlimited.
	RequestsPerDay int
	// AutoApprove makes subscriptions to it ACTIVE at once; otherwise they are PENDING
	// until an owner approves them.
	AutoApprove bool
}

// SubscriptionStatus is where a subscription stands.
type SubscriptionStatus string

// A subscription is PENDING until an owner approves it (ACTIVE) or rejects it (REJECTED),
// or ACTIVE at once on a plan that AutoApprove; PENDING and ACTIVE ones can be CANCELLED.
// REJECTED and CANCELLED are final: subscribing again replaces them.
const (
	SubscriptionPending   SubscriptionStatus = "PENDING"
	SubscriptionActive    SubscriptionStatus = "ACTIVE"
	SubscriptionRejected  SubscriptionStatus = "REJECTED"
	SubscriptionCancelled SubscriptionStatus = "CANCELLED"
)

// SubscriptionStatuses are the statuses, in the order of a subscription's life.
var SubscriptionStatuses = []SubscriptionStatus{SubscriptionPending, SubscriptionActive, SubscriptionRejected, SubscriptionCancelled}

// Subscription puts an API client on a plan of a product. A client has at most one.
type Subscription struct {
	ID int64
	// ClientID is the API client's ID (OAuthClient.ID); deleting the client deletes it.
	ClientID  string
	ProductID int64
	PlanID    int64
	Status    SubscriptionStatus
	// RequestedBy is the subject of who subscribed ("" for the admin token).
	RequestedBy          string
	CreatedAt, UpdatedAt time.Time
}

// ActiveSubscription is what the gateway needs per client: the part of the graph it may
// see, and its limits.
type ActiveSubscription struct {
	ClientID string
	Product  Product
	Plan     Plan
}

var (
	productSlugPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	tagPattern         = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_:.-]*$`)
)

// validateProduct checks p and returns it as stored: name and description trimmed, tags
// sorted, once each.
func validateProduct(p Product) (Product, error) {
	var v validator
	if !productSlugPattern.MatchString(p.Slug) {
		v.add("slug", "%q is not a product slug: a lowercase letter, then up to 39 lowercase letters, digits or '-', such as reviews-api", truncate(p.Slug))
	}
	p.Name = v.feedbackText("name", p.Name, 1, MaxProductNameChars, false)
	if strings.TrimSpace(p.Description) == "" {
		p.Description = ""
	} else {
		p.Description = v.feedbackText("description", p.Description, 1, MaxProductDescriptionChars, true)
	}
	p.IncludeTags = v.tags("includeTags", p.IncludeTags)
	p.ExcludeTags = v.tags("excludeTags", p.ExcludeTags)
	for _, tag := range p.IncludeTags {
		if slices.Contains(p.ExcludeTags, tag) {
			v.add("excludeTags", "%q is also in includeTags: a tag is included or excluded, not both", tag)
		}
	}
	return p, v.err()
}

// tags checks a list of @tag names and returns it sorted, each name once.
func (v *validator) tags(field string, tags []string) []string {
	if len(tags) > MaxProductTags {
		v.add(field, "has %d tags, more than %d", len(tags), MaxProductTags)
		return tags
	}
	for i, tag := range tags {
		if len(tag) > MaxTagBytes || !tagPattern.MatchString(tag) {
			v.add(field+"["+strconv.Itoa(i)+"]", "%q is not a tag name: a letter or '_', then letters, digits, '_', ':', '.' or '-' (at most %d bytes), as in @tag(name: \"public\")",
				truncate(tag), MaxTagBytes)
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(tags)))
}

func validatePlan(p Plan) (Plan, error) {
	var v validator
	p.Name = v.feedbackText("name", p.Name, 1, MaxPlanNameChars, false)
	for _, limit := range []struct {
		field string
		n     int
	}{{"requestsPerMinute", p.RequestsPerMinute}, {"requestsPerDay", p.RequestsPerDay}} {
		if limit.n < 0 || limit.n > MaxPlanRequests {
			v.add(limit.field, "is %d; give 0 (unlimited) to %d", limit.n, MaxPlanRequests)
		}
	}
	if p.ProductID <= 0 {
		v.add("productID", "is required")
	}
	return p, v.err()
}

const productColumns = `id, slug, name, description, include_tags, exclude_tags, published, created_at, updated_at`

func scanProduct(row interface{ Scan(...any) error }) (Product, error) {
	var p Product
	var include, exclude string
	err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &include, &exclude, &p.Published,
		timeColumn{&p.CreatedAt}, timeColumn{&p.UpdatedAt})
	p.IncludeTags, p.ExcludeTags = tagList(include), tagList(exclude)
	return p, err
}

// tagList splits a stored list of tags; none is nil, as validateProduct returns it.
func tagList(s string) []string {
	if s == "" {
		return nil
	}
	return splitList(s)
}

const planColumns = `id, product_id, name, requests_per_minute, requests_per_day, auto_approve`

func scanPlan(row interface{ Scan(...any) error }) (Plan, error) {
	var p Plan
	err := row.Scan(&p.ID, &p.ProductID, &p.Name, &p.RequestsPerMinute, &p.RequestsPerDay, &p.AutoApprove)
	return p, err
}

// errUnchanged ends a catalogue write that found nothing to change: it rolls back.
var errUnchanged = errors.New("unchanged")

// writeCatalogue runs write in a transaction that holds the products_changed row, with
// the time to stamp on what it changes, strictly after the last change; on success it
// records that time as the last change and commits. A write returning errUnchanged is
// rolled back, and writeCatalogue returns nil. Errors other than bad input and "not
// found", which say what they are about already, are wrapped with what.
func (s *Store) writeCatalogue(ctx context.Context, what string, write func(tx *sql.Tx, at time.Time) error) error {
	err := s.runCatalogue(ctx, write)
	if err == nil || errors.Is(err, ErrNotFound) || errors.As(err, new(ValidationErrors)) || errors.As(err, new(*ValidationError)) {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (s *Store) runCatalogue(ctx context.Context, write func(tx *sql.Tx, at time.Time) error) error {
	if err := s.usable(); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	at, err := s.lockCatalogue(ctx, tx)
	if err != nil {
		return err
	}
	if err := write(tx, at); err != nil {
		if errors.Is(err, errUnchanged) {
			return nil
		}
		return err
	}
	if err := s.touchCatalogue(ctx, tx, at); err != nil {
		return err
	}
	return tx.Commit()
}

// lockCatalogue locks the products_changed row until tx ends and returns the time the
// next change is to have: now, or just after the last change if the clock is behind it.
func (s *Store) lockCatalogue(ctx context.Context, tx *sql.Tx) (time.Time, error) {
	var last time.Time
	if err := tx.QueryRowContext(ctx, `SELECT at FROM products_changed WHERE id = 1`+s.forUpdate()).Scan(nullTimeColumn{&last}); err != nil {
		return time.Time{}, fmt.Errorf("lock the products: %w", err)
	}
	at := now()
	if !at.After(last) {
		at = last.Add(time.Microsecond)
	}
	return at, nil
}

func (s *Store) touchCatalogue(ctx context.Context, tx *sql.Tx, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE products_changed SET at = $1 WHERE id = 1`, s.timeArg(at)); err != nil {
		return fmt.Errorf("record the change to the products: %w", err)
	}
	return nil
}

// ProductsChanged returns when products, plans or subscriptions last changed (zero
// before the first change): it only grows, with every change, on every instance sharing
// the database. Gateways poll it and read ActiveSubscriptions again when it moves.
func (s *Store) ProductsChanged(ctx context.Context) (time.Time, error) {
	if err := s.usable(); err != nil {
		return time.Time{}, err
	}
	var at time.Time
	if err := s.reader.QueryRowContext(ctx, `SELECT at FROM products_changed WHERE id = 1`).Scan(nullTimeColumn{&at}); err != nil {
		return time.Time{}, fmt.Errorf("read when the products changed: %w", err)
	}
	return at, nil
}

// SaveProduct creates a product (ID 0) or replaces the one of that ID, and returns it
// as stored. Bad input is a ValidationErrors, a slug another product has is one on
// "slug", and an ID that does not exist wraps ErrNotFound.
func (s *Store) SaveProduct(ctx context.Context, p Product) (Product, error) {
	p, err := validateProduct(p)
	if err != nil {
		return Product{}, err
	}
	err = s.writeCatalogue(ctx, "save product "+strconv.Quote(p.Slug), func(tx *sql.Tx, at time.Time) error {
		var taken int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM products WHERE slug = $1`, p.Slug).Scan(&taken)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case taken != p.ID:
			return ValidationErrors{{Field: "slug", Message: fmt.Sprintf("%q is the slug of another product: choose another", p.Slug)}}
		}
		p.UpdatedAt = at
		if p.ID == 0 {
			p.CreatedAt = at
			return tx.QueryRowContext(ctx, `
				INSERT INTO products (slug, name, description, include_tags, exclude_tags, published, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
				p.Slug, p.Name, p.Description, joinList(p.IncludeTags), joinList(p.ExcludeTags), p.Published, s.timeArg(at)).Scan(&p.ID)
		}
		err = tx.QueryRowContext(ctx, `
			UPDATE products SET slug = $1, name = $2, description = $3, include_tags = $4, exclude_tags = $5, published = $6, updated_at = $7
			WHERE id = $8 RETURNING created_at`,
			p.Slug, p.Name, p.Description, joinList(p.IncludeTags), joinList(p.ExcludeTags), p.Published, s.timeArg(at), p.ID).
			Scan(timeColumn{&p.CreatedAt})
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("product %d: %w", p.ID, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return Product{}, err
	}
	return p, nil
}

// Product returns the product with that slug, or an error wrapping ErrNotFound.
func (s *Store) Product(ctx context.Context, slug string) (Product, error) {
	return s.product(ctx, "slug", slug, "product "+strconv.Quote(truncate(slug)))
}

// ProductByID returns the product of that ID, or an error wrapping ErrNotFound.
func (s *Store) ProductByID(ctx context.Context, id int64) (Product, error) {
	return s.product(ctx, "id", id, "product "+strconv.FormatInt(id, 10))
}

func (s *Store) product(ctx context.Context, column string, key any, what string) (Product, error) {
	if err := s.usable(); err != nil {
		return Product{}, err
	}
	p, err := scanProduct(s.reader.QueryRowContext(ctx, `SELECT `+productColumns+` FROM products WHERE `+column+` = $1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err != nil {
		return Product{}, fmt.Errorf("read %s: %w", what, err)
	}
	return p, nil
}

// Products returns the products by name (then ID): the published ones only, or drafts
// too.
func (s *Store) Products(ctx context.Context, publishedOnly bool) ([]Product, error) {
	query := `SELECT ` + productColumns + ` FROM products`
	if publishedOnly {
		query += ` WHERE published`
	}
	return scanAll(ctx, s, "products", scanProduct, query+` ORDER BY name, id`)
}

// DeleteProduct removes a product with its plans; ErrNotFound when there is none of that
// ID. A product with PENDING or ACTIVE subscriptions is not removed (a ValidationError on
// "id"): cancel or reject them first, or unpublish it, which stops new subscriptions.
// Its REJECTED and CANCELLED subscriptions go with it.
func (s *Store) DeleteProduct(ctx context.Context, id int64) error {
	return s.writeCatalogue(ctx, fmt.Sprintf("delete product %d", id), func(tx *sql.Tx, _ time.Time) error {
		if err := inUse(ctx, tx, "product_id", id, "product"); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM products WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("product %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// inUse refuses to delete a product or plan that PENDING or ACTIVE subscriptions are on.
func inUse(ctx context.Context, tx *sql.Tx, column string, id int64, what string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscriptions WHERE `+column+` = $1 AND status IN ($2, $3)`,
		id, string(SubscriptionPending), string(SubscriptionActive)).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return &ValidationError{Field: "id", Message: fmt.Sprintf("the %s has %d pending or active subscriptions: cancel or reject them first (or unpublish the product)", what, n)}
	}
	return nil
}

// SavePlan creates a plan of p.ProductID (ID 0) or replaces the one of that ID, and
// returns it as stored. New limits apply to the plan's subscriptions at once; a new
// AutoApprove, to the next subscriptions. Bad input is a ValidationErrors (a name the
// product's other plan has, a plan moved to another product, included); a product or
// plan that does not exist wraps ErrNotFound.
func (s *Store) SavePlan(ctx context.Context, p Plan) (Plan, error) {
	p, err := validatePlan(p)
	if err != nil {
		return Plan{}, err
	}
	err = s.writeCatalogue(ctx, "save plan "+strconv.Quote(p.Name), func(tx *sql.Tx, _ time.Time) error {
		var found int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM products WHERE id = $1`, p.ProductID).Scan(&found)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("product %d: %w", p.ProductID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if p.ID != 0 {
			var product int64
			err := tx.QueryRowContext(ctx, `SELECT product_id FROM plans WHERE id = $1`, p.ID).Scan(&product)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("plan %d: %w", p.ID, ErrNotFound)
			}
			if err != nil {
				return err
			}
			if product != p.ProductID {
				return &ValidationError{Field: "productID", Message: fmt.Sprintf("plan %d is a plan of product %d: a plan cannot move to another product", p.ID, product)}
			}
		}
		var taken int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM plans WHERE product_id = $1 AND name = $2`, p.ProductID, p.Name).Scan(&taken)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case taken != p.ID:
			return ValidationErrors{{Field: "name", Message: fmt.Sprintf("the product has a plan called %q already: choose another name", p.Name)}}
		}
		if p.ID == 0 {
			return tx.QueryRowContext(ctx, `
				INSERT INTO plans (product_id, name, requests_per_minute, requests_per_day, auto_approve)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				p.ProductID, p.Name, p.RequestsPerMinute, p.RequestsPerDay, p.AutoApprove).Scan(&p.ID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE plans SET name = $1, requests_per_minute = $2, requests_per_day = $3, auto_approve = $4 WHERE id = $5`,
			p.Name, p.RequestsPerMinute, p.RequestsPerDay, p.AutoApprove, p.ID)
		return err
	})
	if err != nil {
		return Plan{}, err
	}
	return p, nil
}

// Plan returns the plan of that ID, or an error wrapping ErrNotFound.
func (s *Store) Plan(ctx context.Context, id int64) (Plan, error) {
	if err := s.usable(); err != nil {
		return Plan{}, err
	}
	p, err := scanPlan(s.reader.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Plan{}, fmt.Errorf("plan %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Plan{}, fmt.Errorf("read plan %d: %w", id, err)
	}
	return p, nil
}

// Plans returns a product's plans in the order they were created; none for a product
// that does not exist.
func (s *Store) Plans(ctx context.Context, productID int64) ([]Plan, error) {
	return scanAll(ctx, s, "plans", scanPlan, `SELECT `+planColumns+` FROM plans WHERE product_id = $1 ORDER BY id`, productID)
}

// DeletePlan removes a plan; ErrNotFound when there is none of that ID. As for
// DeleteProduct, a plan with PENDING or ACTIVE subscriptions is not removed, and its
// REJECTED and CANCELLED ones go with it.
func (s *Store) DeletePlan(ctx context.Context, id int64) error {
	return s.writeCatalogue(ctx, fmt.Sprintf("delete plan %d", id), func(tx *sql.Tx, _ time.Time) error {
		if err := inUse(ctx, tx, "plan_id", id, "plan"); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM plans WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("plan %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// scanAll runs a query and scans each row with scan.
func scanAll[T any](ctx context.Context, s *Store, what string, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, item)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	return out, nil
}
