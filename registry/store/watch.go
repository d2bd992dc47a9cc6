package store

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultPollInterval is how often Watch re-reads the current version when given a
// poll interval ≤ 0.
const DefaultPollInterval = time.Second

// Watch follows the current version. The returned channel first receives the current
// version's ID (nothing while none exists), then the ID of each new current version.
// A slow reader gets the latest ID, not every one in between. The channel closes when
// ctx is done or the store is closed.
//
// Changes arrive from three sources, so that none is relied on alone: Publish on this
// Store, PostgreSQL's NOTIFY from Publish in any process (on a dedicated connection that
// reconnects), and a read every poll interval, which also finds what another process
// wrote to the same SQLite file and anything a lost notification missed.
func (s *Store) Watch(ctx context.Context, poll time.Duration) <-chan int64 {
	if poll <= 0 {
		poll = DefaultPollInterval
	}
	out := make(chan int64, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		close(out)
		return out
	}
	if s.dialect == DialectPostgres {
		s.listening.Do(func() {
			s.workers.Add(1)
			go s.listen()
		})
	}
	s.workers.Add(1)
	go s.watch(ctx, poll, out)
	return out
}

func (s *Store) watch(ctx context.Context, poll time.Duration, out chan int64) {
	defer s.workers.Done()
	defer close(out)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel) // Close ends the watch too
	defer stop()

	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	var last int64
	for {
		// Taken before reading, so a publish between the read and the wait still wakes us.
		woken := s.changes.wait()
		// A failed read is retried at the next wake-up: the database may be restarting.
		if id, err := s.currentID(ctx); err == nil && id != 0 && id != last {
			last = id
			// Only this goroutine sends, so after dropping an unread older ID the send
			// cannot block.
			select {
			case <-out:
			default:
			}
			out <- id
		}
		select {
		case <-ctx.Done():
			return
		case <-woken:
		case <-ticker.C:
		}
	}
}

// ListenerApplicationName is the application_name of Watch's LISTEN connection to
// PostgreSQL, unless the DSN sets one.
const ListenerApplicationName = "atrium-registry-watch"

// Reconnection delays of the LISTEN connection, doubling from the first to the last.
const (
	firstReconnectDelay = 100 * time.Millisecond
	lastReconnectDelay  = 5 * time.Second
)

// listen holds a PostgreSQL connection LISTENing for new versions until the store
// closes, reconnecting when it breaks.
func (s *Store) listen() {
	defer s.workers.Done()
	delay := firstReconnectDelay
	for {
		if s.listenOnce(s.ctx) {
			delay = firstReconnectDelay
		}
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, lastReconnectDelay)
	}
}

// listenOnce listens until the connection fails, and reports whether it got as far as
// listening. Its errors are not reported: polling covers the gap, and the next
// attempt will fail or succeed on its own.
func (s *Store) listenOnce(ctx context.Context) bool {
	cfg := s.pgConfig.Copy()
	if cfg.RuntimeParams["application_name"] == "" {
		// Names the connection in pg_stat_activity, for operators and for the tests
		// that break it.
		if cfg.RuntimeParams == nil {
			cfg.RuntimeParams = map[string]string{}
		}
		cfg.RuntimeParams["application_name"] = ListenerApplicationName
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, `LISTEN `+notifyChannel); err != nil {
		return false
	}
	// Whatever was published while no connection listened was missed: re-read now.
	s.changes.signal()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true
		}
		s.changes.signal()
	}
}

// broadcast wakes every waiter at once: signal closes the channel that wait handed out.
type broadcast struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel that closes at the next signal.
func (b *broadcast) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

func (b *broadcast) signal() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
}
