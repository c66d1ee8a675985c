package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit. Every write transaction of the store (withTx) is a call queued to the one
// write connection; whichever caller holds the lead runs the queued calls one after the
// other inside a single SQLite transaction, each in a savepoint of its own, and commits
// them together. A commit writes and syncs the WAL once for the whole batch instead of once
// per call, which is what the API's write rate was bound by (issue 9).
//
// The rules keep the semantics of one transaction per call: calls run serially, so each
// sees the writes of those before it exactly as if they had committed first; a call whose
// fn fails or panics is rolled back to its savepoint, so a refusal never undoes another
// call's work; and a call whose fn succeeded is answered only once its batch committed, so
// an answered call is durable (a crash before the commit loses only unanswered calls).
const (
	// batchMax bounds the calls of one batch, so a steady stream still commits.
	batchMax = 128
	// batchWindow is how long a batch keeps taking calls that queue while it runs; a batch
	// commits as soon as the queue is empty, so a lone call never waits for it.
	batchWindow = 300 * time.Microsecond
)

// The states of a queued call: the leader takes it, or its caller gives up first.
const (
	callQueued int32 = iota
	callTaken
	callCancelled
)

type groupWriter struct {
	db       *sql.DB
	counters *counterStmts
	window   time.Duration // batchWindow
	// lead is held by the caller running a batch; the other callers wait for their answer
	// or for the lead, so a queued call always has a caller ready to run it.
	lead  chan struct{}
	mu    sync.Mutex
	queue []*txCall
	// cur is the batch running, for the counters it aggregates (see counters.go).
	cur atomic.Pointer[txBatch]
}

type txCall struct {
	ctx      context.Context
	fn       func(tx *sql.Tx) error
	state    atomic.Int32
	err      error
	panicked any // a panic of fn, raised again in its caller's goroutine
	done     chan struct{}
}

func newGroupWriter(db *sql.DB, counters *counterStmts) *groupWriter {
	return &groupWriter{db: db, counters: counters, window: batchWindow, lead: make(chan struct{}, 1)}
}

// withTx runs fn in a write transaction: committed when fn returns nil and answered after
// the commit; rolled back (to its savepoint) when fn returns an error or panics, the panic
// then going on in the caller. A caller whose context ends before its call was taken gets
// the context's error and the call never runs.
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	w := s.wr
	c := &txCall{ctx: ctx, fn: fn, done: make(chan struct{})}
	w.mu.Lock()
	w.queue = append(w.queue, c)
	w.mu.Unlock()
	for {
		select {
		case <-c.done:
			return c.result()
		case w.lead <- struct{}{}:
			w.runBatch()
			<-w.lead
		case <-ctx.Done():
			if c.state.CompareAndSwap(callQueued, callCancelled) {
				return ctx.Err()
			}
			<-c.done
			return c.result()
		}
	}
}

func (c *txCall) result() error {
	if c.panicked != nil {
		panic(c.panicked)
	}
	return c.err
}

// next takes the next queued call that has not been given up, or nil.
func (w *groupWriter) next() *txCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.queue) > 0 {
		c := w.queue[0]
		w.queue[0] = nil
		w.queue = w.queue[1:]
		if c.state.CompareAndSwap(callQueued, callTaken) {
			return c
		}
	}
	return nil
}

// runBatch runs the queued calls in one transaction until the queue is empty, the batch
// is full or its window has passed, then commits and answers them.
func (w *groupWriter) runBatch() {
	first := w.next()
	if first == nil {
		return
	}
	// The transaction outlives any one caller's context: a caller giving up must not roll
	// back the calls of the others.
	tx, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		first.err = fmt.Errorf("begin: %w", err)
		close(first.done)
		return
	}
	b := newTxBatch(tx)
	w.cur.Store(b)
	defer w.cur.Store(nil)
	window := time.NewTimer(w.window)
	defer window.Stop()
	var done []*txCall
	for c := first; c != nil; {
		if err := b.run(c); err != nil {
			// The transaction itself failed: nothing of the batch can be committed.
			tx.Rollback()
			c.err = errors.Join(c.err, err)
			close(c.done)
			answer(done, err)
			return
		}
		if c.err != nil || c.panicked != nil {
			close(c.done) // rolled back to its savepoint: nothing to wait for
		} else {
			done = append(done, c)
		}
		if len(done) >= batchMax || expired(window) {
			break
		}
		c = w.next()
	}
	err = b.flush(w.counters)
	if err == nil {
		err = tx.Commit()
	} else {
		tx.Rollback()
	}
	if err != nil {
		err = fmt.Errorf("commit: %w", err)
	}
	answer(done, err)
}

func expired(t *time.Timer) bool {
	select {
	case <-t.C:
		return true
	default:
		return false
	}
}

// answer gives each call of a batch its outcome: nil once committed, else why the batch
// was lost.
func answer(calls []*txCall, err error) {
	for _, c := range calls {
		c.err = err
		close(c.done)
	}
}

// txBatch is one transaction of the group writer.
type txBatch struct {
	tx *sql.Tx
	// counts and staged are the API-call counters of the batch's committed calls and of
	// the call running (see counters.go): written once per batch, not once per call.
	counts, staged callCounts
}

func newTxBatch(tx *sql.Tx) *txBatch {
	return &txBatch{tx: tx, counts: callCounts{}, staged: callCounts{}}
}

// run runs one call in a savepoint. The call's own failure is in c.err (or c.panicked);
// the error returned is the transaction's, when SQLite could not keep it going (an I/O
// error or an interrupted write rolls back the whole transaction).
func (b *txBatch) run(c *txCall) error {
	ctx := context.Background()
	if _, err := b.tx.ExecContext(ctx, `SAVEPOINT call`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	c.panicked, c.err = b.call(c)
	if c.err == nil && c.panicked == nil {
		b.counts.add(b.staged)
		clear(b.staged)
		if _, err := b.tx.ExecContext(ctx, `RELEASE call`); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
		return nil
	}
	clear(b.staged)
	_, err := b.tx.ExecContext(ctx, `ROLLBACK TO call`)
	if err == nil {
		_, err = b.tx.ExecContext(ctx, `RELEASE call`)
	}
	if err != nil {
		return fmt.Errorf("roll back savepoint: %w", err)
	}
	return nil
}

func (b *txBatch) call(c *txCall) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return nil, c.fn(b.tx)
}

// flush writes the counters the batch's calls kept in memory.
func (b *txBatch) flush(c *counterStmts) error {
	ctx := context.Background()
	for k, n := range b.counts {
		if err := c.write(ctx, b.tx, k, n); err != nil {
			return err
		}
	}
	return nil
}
