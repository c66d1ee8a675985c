package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// The request journal's batching and keeping (SPEC §18).
const (
	// JournalFlushEvery is how long a journal entry waits in memory at most.
	JournalFlushEvery = 200 * time.Millisecond
	// JournalBatch is how many entries make a batch written at once.
	JournalBatch = 256
	// JournalMaxPending is how many entries may wait while the database is slow; past it
	// new entries are dropped (and counted) rather than slowing or stopping the API.
	JournalMaxPending = 20 * JournalBatch
	// JournalKeep is how long entries stay, as rid/get answers them on the real platform.
	JournalKeep = 7 * 24 * time.Hour
	// journalPruneEvery is how often a flush also deletes the entries older than JournalKeep.
	journalPruneEvery = time.Hour
)

// JournalEntry is one API call as the sandbox's request journal holds it. The request
// and the answer are masked before they are stored (web/wxapi, through Finish): no
// secret, token, key or code is ever stored whole.
type JournalEntry struct {
	Rid          string
	AccountID    int64  // 0 when the call was identified by AppID only (AppID) or not at all
	AppID        string // the AppID the call named, resolved to its account when written
	At           time.Time
	Method       string
	Endpoint     string
	ClientIP     string
	CostMS       int64
	Status       int
	ErrCode      int
	RequestURL   string // the query string, as the real rid/get answers it
	RequestBody  string
	ResponseBody string
	Reason       string            // a Reason… key, "" for an answer that was no refusal
	ReasonArgs   map[string]string // the reason's values
	FaultRule    int64             // the fault rule that answered the call, 0 for none
	// ClockOffset is how far the account's sandbox clock stood from the wall clock when
	// the call was made: At is the wall clock's time (the journal is kept and pruned by
	// it), AccountTime the time the call's rules saw.
	ClockOffset time.Duration
	// Finish, when set, completes the entry on the writer's goroutine just before it is
	// stored, off the API call's path (the API masks the request and the answer there).
	Finish func(*JournalEntry)
}

// AccountTime is the call's time on the account's sandbox clock.
func (e JournalEntry) AccountTime() time.Time { return e.At.Add(e.ClockOffset) }

// journalWriter collects entries in memory and writes them in one transaction per batch,
// on its own goroutine, so an API call only appends to a slice. A crash of the server
// loses what waits in memory: at most the entries of the last JournalFlushEvery, or the
// last batch when calls come faster than that; the API's own writes (tokens, counters)
// are not involved. A power cut may lose more of the journal (journalPragmas).
type journalWriter struct {
	st      *Store
	log     atomic.Pointer[slog.Logger]
	mu      sync.Mutex
	pending []JournalEntry
	// spare is the last written batch's slice, emptied, which the next one fills: a steady
	// stream of calls appends without growing a new slice each time.
	spare   []JournalEntry
	dropped int64
	full    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	// writing serializes flushes (the ticker's, a full batch's, Flush and Close).
	writing   sync.Mutex
	lastPrune time.Time
	// insert is prepared once on the journal's write connection (parsing is much of a
	// short statement's cost in SQLite); each batch uses it through tx.StmtContext.
	insert *sql.Stmt
}

func newJournalWriter(ctx context.Context, st *Store) (*journalWriter, error) {
	insert, err := st.jwrite.PrepareContext(ctx, sqlJournalInsert)
	if err != nil {
		return nil, fmt.Errorf("prepare journal insert: %w", err)
	}
	w := &journalWriter{st: st, insert: insert, full: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	w.log.Store(slog.New(slog.DiscardHandler))
	go w.run()
	return w, nil
}

func (w *journalWriter) run() {
	defer close(w.done)
	t := time.NewTicker(JournalFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			w.flush()
			return
		case <-t.C:
		case <-w.full:
		}
		w.flush()
	}
}

// add queues e; it never blocks on the database.
func (w *journalWriter) add(e JournalEntry) {
	w.mu.Lock()
	if len(w.pending) >= JournalMaxPending {
		w.dropped++
		w.mu.Unlock()
		return
	}
	w.pending = append(w.pending, e)
	n := len(w.pending)
	w.mu.Unlock()
	if n >= JournalBatch {
		select {
		case w.full <- struct{}{}:
		default:
		}
	}
}

// flush writes what waits, a batch per transaction, and prunes once an hour of the API's
// clock, as the newest entry tells it (the goroutine never reads Store.Now, which tests
// replace).
func (w *journalWriter) flush() {
	w.writing.Lock()
	defer w.writing.Unlock()
	w.mu.Lock()
	batch, dropped := w.pending, w.dropped
	w.pending, w.dropped, w.spare = w.spare, 0, nil
	w.mu.Unlock()
	defer func(all []JournalEntry) {
		clear(all) // the entries hold request bodies
		w.mu.Lock()
		w.spare = all[:0]
		w.mu.Unlock()
	}(batch)
	log := w.log.Load()
	if dropped > 0 {
		log.Warn("request journal dropped entries while the database was slow", "entries", dropped)
	}
	if len(batch) == 0 {
		return
	}
	latest := batch[len(batch)-1].At
	ctx := context.Background()
	for len(batch) > 0 {
		n := min(len(batch), JournalBatch)
		if err := w.st.writeJournal(ctx, w.insert, batch[:n]); err != nil {
			log.Error("write request journal", "entries", n, "err", err)
		}
		batch = batch[n:]
	}
	if latest.Sub(w.lastPrune) >= journalPruneEvery {
		w.lastPrune = latest
		if err := w.st.pruneJournal(ctx, latest.Add(-JournalKeep)); err != nil {
			log.Error("prune request journal", "err", err)
		}
	}
}

func (w *journalWriter) close() {
	close(w.stop)
	<-w.done
	w.insert.Close()
}

// Journal queues one entry of the request journal; it is written within
// JournalFlushEvery (FlushJournal writes it at once).
func (s *Store) Journal(e JournalEntry) { s.journal.add(e) }

// FlushJournal writes every queued entry now.
func (s *Store) FlushJournal() { s.journal.flush() }

// SetJournalLogger sets where the journal writer reports failures.
func (s *Store) SetJournalLogger(l *slog.Logger) { s.journal.log.Store(l) }

const sqlJournalInsert = `INSERT OR IGNORE INTO api_journal (` + journalColumnList + `)
	VALUES (?1, NULLIF(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, NULLIF(?15, 0), ?16)`

// writeJournal inserts a batch in one transaction of the journal's file. An entry that
// named only an AppID gets its account from the database first (a read, outside the
// journal's transaction).
func (s *Store) writeJournal(ctx context.Context, insert *sql.Stmt, batch []JournalEntry) error {
	for i := range batch {
		if f := batch[i].Finish; f != nil {
			f(&batch[i])
			batch[i].Finish = nil
		}
	}
	accounts, err := s.accountsOfAppIDs(ctx, batch)
	if err != nil {
		return err
	}
	tx, err := s.jwrite.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin journal batch: %w", err)
	}
	defer tx.Rollback()
	st := tx.StmtContext(ctx, insert)
	for _, e := range batch {
		if e.AccountID == 0 {
			e.AccountID = accounts[e.AppID]
		}
		args, _ := json.Marshal(e.ReasonArgs)
		if _, err := st.ExecContext(ctx, e.Rid, e.AccountID, fmtTime(e.At), e.Method, e.Endpoint, e.ClientIP, e.CostMS,
			e.Status, e.ErrCode, e.RequestURL, e.RequestBody, e.ResponseBody, e.Reason, string(args), e.FaultRule,
			e.ClockOffset.Milliseconds()); err != nil {
			return fmt.Errorf("journal %s: %w", e.Rid, err)
		}
	}
	return tx.Commit()
}

// accountsOfAppIDs maps the AppIDs that the batch's entries named without an account to
// their accounts; an AppID no account has maps to 0 (its entries keep no account).
func (s *Store) accountsOfAppIDs(ctx context.Context, batch []JournalEntry) (map[string]int64, error) {
	var out map[string]int64
	for _, e := range batch {
		if e.AccountID != 0 || e.AppID == "" {
			continue
		}
		if _, seen := out[e.AppID]; seen {
			continue
		}
		if out == nil {
			out = map[string]int64{}
		}
		var id int64
		err := s.read.QueryRowContext(ctx, `SELECT id FROM accounts WHERE appid = ?`, e.AppID).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("account of %s: %w", e.AppID, err)
		}
		out[e.AppID] = id
	}
	return out, nil
}

// journalPruneChunk is how many of the oldest rows one prune transaction looks at, so a
// prune never holds the writer for long.
const journalPruneChunk = 5000

// pruneJournal deletes the entries from before (JournalKeep before the newest), oldest
// first by id: rows are written in the order the calls came, so the old ones are a prefix
// of the table and no index on the time is needed (each insert would pay for one). A row
// written a little out of order waits for the next prune.
func (s *Store) pruneJournal(ctx context.Context, before time.Time) error {
	for {
		res, err := s.jwrite.ExecContext(ctx, `DELETE FROM api_journal
			WHERE id IN (SELECT id FROM api_journal ORDER BY id LIMIT ?) AND at < ?`, journalPruneChunk, fmtTime(before))
		if err != nil {
			return fmt.Errorf("prune journal: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n < journalPruneChunk {
			return err
		}
	}
}
