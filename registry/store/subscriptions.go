package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Subscriptions of API clients to the plans of products (products.go has the types).

const subscriptionColumns = `id, client_id, product_id, plan_id, status, requested_by, created_at, updated_at`

func scanSubscription(row interface{ Scan(...any) error }) (Subscription, error) {
	var s Subscription
	err := row.Scan(&s.ID, &s.ClientID, &s.ProductID, &s.PlanID, &s.Status, &s.RequestedBy,
		timeColumn{&s.CreatedAt}, timeColumn{&s.UpdatedAt})
	return s, err
}

// Subscribe puts the API client clientID on plan planID of product productID, for
// requestedBy, and returns the subscription: ACTIVE at once if the plan AutoApprove, else
// PENDING. It replaces the client's previous subscription, whatever its status and
// product (a client has one): until the new one is approved, the client has no ACTIVE
// one. Subscribing again to the plan of a PENDING or ACTIVE subscription changes nothing
// and returns it. A client, product or plan (of that product) that does not exist wraps
// ErrNotFound. Whether the caller may use the client and see the product is the
// caller's business.
func (s *Store) Subscribe(ctx context.Context, clientID string, productID, planID int64, requestedBy string) (Subscription, error) {
	var v validator
	v.text("requestedBy", requestedBy, MaxPublisherBytes)
	if err := v.err(); err != nil {
		return Subscription{}, err
	}
	var sub Subscription
	err := s.writeCatalogue(ctx, "subscribe client "+strconv.Quote(truncate(clientID)), func(tx *sql.Tx, at time.Time) error {
		var found string
		err := tx.QueryRowContext(ctx, `SELECT id FROM oauth_clients WHERE id = $1`, clientID).Scan(&found)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("client %q: %w", truncate(clientID), ErrNotFound)
		}
		if err != nil {
			return err
		}
		plan, err := scanPlan(tx.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans WHERE id = $1`, planID))
		if errors.Is(err, sql.ErrNoRows) || err == nil && plan.ProductID != productID {
			return fmt.Errorf("plan %d of product %d: %w", planID, productID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		old, err := scanSubscription(tx.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE client_id = $1`, clientID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case old.PlanID == planID && (old.Status == SubscriptionPending || old.Status == SubscriptionActive):
			sub = old
			return errUnchanged
		default:
			if _, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE id = $1`, old.ID); err != nil {
				return err
			}
		}
		sub = Subscription{ClientID: clientID, ProductID: productID, PlanID: planID, Status: SubscriptionPending,
			RequestedBy: requestedBy, CreatedAt: at, UpdatedAt: at}
		if plan.AutoApprove {
			sub.Status = SubscriptionActive
		}
		return tx.QueryRowContext(ctx, `
			INSERT INTO subscriptions (client_id, product_id, plan_id, status, requested_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			clientID, productID, planID, string(sub.Status), requestedBy, s.timeArg(at)).Scan(&sub.ID)
	})
	if err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// Subscription returns the subscription of that ID, or an error wrapping ErrNotFound.
func (s *Store) Subscription(ctx context.Context, id int64) (Subscription, error) {
	if err := s.usable(); err != nil {
		return Subscription{}, err
	}
	sub, err := scanSubscription(s.reader.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Subscription{}, fmt.Errorf("subscription %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("read subscription %d: %w", id, err)
	}
	return sub, nil
}

// SetSubscriptionStatus moves a subscription to status and returns it: a PENDING one to
// ACTIVE (approved) or REJECTED, a PENDING or ACTIVE one to CANCELLED. Setting the status
// it has changes nothing; other moves are a ValidationError on "status". An ID that does
// not exist wraps ErrNotFound.
func (s *Store) SetSubscriptionStatus(ctx context.Context, id int64, status SubscriptionStatus) (Subscription, error) {
	var sub Subscription
	err := s.writeCatalogue(ctx, fmt.Sprintf("set the status of subscription %d", id), func(tx *sql.Tx, at time.Time) error {
		var err error
		sub, err = scanSubscription(tx.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("subscription %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if sub.Status == status {
			return errUnchanged
		}
		if err := statusChange(sub.Status, status); err != nil {
			return err
		}
		sub.Status, sub.UpdatedAt = status, at
		_, err = tx.ExecContext(ctx, `UPDATE subscriptions SET status = $1, updated_at = $2 WHERE id = $3`, string(status), s.timeArg(at), id)
		return err
	})
	if err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// statusChange says whether a subscription may move from one status to another.
func statusChange(from, to SubscriptionStatus) error {
	switch to {
	case SubscriptionActive, SubscriptionRejected:
		if from != SubscriptionPending {
			return &ValidationError{Field: "status", Message: fmt.Sprintf("the subscription is %s: only a PENDING one can be approved or rejected", from)}
		}
	case SubscriptionCancelled:
		if from != SubscriptionPending && from != SubscriptionActive {
			return &ValidationError{Field: "status", Message: fmt.Sprintf("the subscription is %s: only a PENDING or ACTIVE one can be cancelled", from)}
		}
	case SubscriptionPending:
		return &ValidationError{Field: "status", Message: "a subscription cannot be set back to PENDING: subscribe again"}
	default:
		return &ValidationError{Field: "status", Message: fmt.Sprintf("%q is not PENDING, ACTIVE, REJECTED or CANCELLED", truncate(string(to)))}
	}
	return nil
}

// SubscriptionQuery selects subscriptions.
type SubscriptionQuery struct {
	// ProductID keeps the subscriptions to that product; 0 keeps every product's.
	ProductID int64
	// Status keeps the subscriptions of that status; "" keeps every status.
	Status SubscriptionStatus
	// ClientIDs keeps the subscriptions of those API clients. Nil keeps every client's;
	// an empty, non-nil slice keeps none.
	ClientIDs []string
}

// Subscriptions returns the subscriptions q selects, oldest first.
func (s *Store) Subscriptions(ctx context.Context, q SubscriptionQuery) ([]Subscription, error) {
	if q.Status != "" && !slices.Contains(SubscriptionStatuses, q.Status) {
		return nil, &ValidationError{Field: "status", Message: fmt.Sprintf("%q is not PENDING, ACTIVE, REJECTED or CANCELLED", truncate(string(q.Status)))}
	}
	if q.ClientIDs != nil && len(q.ClientIDs) == 0 {
		return nil, nil
	}
	w := conditions{}
	if q.ProductID != 0 {
		w.add("product_id = $?", q.ProductID)
	}
	if q.Status != "" {
		w.add("status = $?", string(q.Status))
	}
	if q.ClientIDs != nil {
		marks := make([]string, len(q.ClientIDs))
		for i, id := range q.ClientIDs {
			w.args = append(w.args, id)
			marks[i] = "$" + strconv.Itoa(len(w.args))
		}
		w.conds = append(w.conds, "client_id IN ("+strings.Join(marks, ", ")+")")
	}
	return scanAll(ctx, s, "subscriptions", scanSubscription, `SELECT `+subscriptionColumns+` FROM subscriptions`+w.sql()+` ORDER BY id`, w.args...)
}

// ActiveSubscriptions returns every ACTIVE subscription with its product and plan, by
// client ID, in one read.
func (s *Store) ActiveSubscriptions(ctx context.Context) ([]ActiveSubscription, error) {
	prefixed := func(alias, columns string) string {
		return alias + "." + strings.ReplaceAll(columns, ", ", ", "+alias+".")
	}
	return scanAll(ctx, s, "active subscriptions", func(row interface{ Scan(...any) error }) (ActiveSubscription, error) {
		var a ActiveSubscription
		var include, exclude string
		err := row.Scan(&a.ClientID,
			&a.Product.ID, &a.Product.Slug, &a.Product.Name, &a.Product.Description, &include, &exclude, &a.Product.Published,
			timeColumn{&a.Product.CreatedAt}, timeColumn{&a.Product.UpdatedAt},
			&a.Plan.ID, &a.Plan.ProductID, &a.Plan.Name, &a.Plan.RequestsPerMinute, &a.Plan.RequestsPerDay, &a.Plan.AutoApprove)
		a.Product.IncludeTags, a.Product.ExcludeTags = tagList(include), tagList(exclude)
		return a, err
	}, `SELECT s.client_id, `+prefixed("p", productColumns)+`, `+prefixed("l", planColumns)+`
		FROM subscriptions s JOIN products p ON p.id = s.product_id JOIN plans l ON l.id = s.plan_id
		WHERE s.status = $1 ORDER BY s.client_id`, string(SubscriptionActive))
}

// deleteSubscriptionOf deletes the subscription of a client being deleted, in tx, which
// locked the catalogue and stamps the change at at.
func (s *Store) deleteSubscriptionOf(ctx context.Context, tx *sql.Tx, clientID string, at time.Time) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE client_id = $1`, clientID)
	if err != nil {
		return fmt.Errorf("delete the subscription of client %q: %w", clientID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return s.touchCatalogue(ctx, tx, at)
	}
	return nil
}
