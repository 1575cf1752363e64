package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite" // pure-Go SQLite driver "sqlite"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
	"github.com/ward-sec/ward/review"
)

// Store is ward's database: the durable job queue (River) plus ward's own
// tables (deliveries, result cache, maintainers' ignores).
type Store struct {
	Kind   string // "sqlite" or "postgres"
	db     *sql.DB
	queue  queue
	log    *slog.Logger
	closer func() error
}

// queue hides River's transaction type, which differs per driver.
type queue interface {
	// enqueue records the delivery and inserts its jobs in one transaction;
	// dup is true when the delivery was seen before (nothing is inserted).
	enqueue(ctx context.Context, deliveryID, event string, jobs []river.JobArgs) (dup bool, err error)
	insert(ctx context.Context, job river.JobArgs) error
	cancelOlderReviews(ctx context.Context, repo string, pr int, headSHA string) (int, error)
	start(ctx context.Context) error
	stop(ctx context.Context) error
}

// ErrDatabaseURL marks a WARD_DATABASE_URL that can never work: waiting for
// the database would not help.
var ErrDatabaseURL = errors.New("WARD_DATABASE_URL")

// QueueConfig tunes the workers.
type QueueConfig struct {
	Workers      *river.Workers
	MaxWorkers   int
	PollInterval time.Duration
	RescueAfter  time.Duration
	// JobTimeout bounds one review attempt (default 10 minutes).
	JobTimeout time.Duration
	Logger     *slog.Logger
	// Middleware wraps every job (ward's attempt lease).
	Middleware []rivertype.Middleware
}

// ward's own tables. Placeholders are $N, which both SQLite and PostgreSQL read.
var wardSchema = []string{
	`CREATE TABLE IF NOT EXISTS ward_delivery (
		id TEXT PRIMARY KEY,
		event TEXT NOT NULL,
		received_at TIMESTAMP NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS ward_result_cache (
		key TEXT PRIMARY KEY,
		findings TEXT NOT NULL,
		created_at TIMESTAMP NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS ward_ignore (
		repo TEXT NOT NULL,
		pr INTEGER NOT NULL,
		rule TEXT NOT NULL,
		path TEXT NOT NULL,
		reason TEXT NOT NULL,
		author TEXT NOT NULL,
		head_sha TEXT NOT NULL,
		created_at TIMESTAMP NOT NULL,
		PRIMARY KEY (repo, pr, rule, path))`,
}

// OpenStore opens the database named by a WARD_DATABASE_URL, migrates it and
// builds the queue client (not started).
func OpenStore(ctx context.Context, dbURL string, qc QueueConfig) (*Store, error) {
	if qc.Logger == nil {
		qc.Logger = slog.Default()
	}
	switch {
	case strings.HasPrefix(dbURL, "sqlite://"), strings.HasPrefix(dbURL, "sqlite:"):
		return openSQLite(ctx, dbURL, qc)
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return openPostgres(ctx, dbURL, qc)
	}
	return nil, fmt.Errorf("%w %q: want sqlite://FILE or postgres://…", ErrDatabaseURL, redactURL(dbURL))
}

func openSQLite(ctx context.Context, dbURL string, qc QueueConfig) (*Store, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite://"), "sqlite:")
	if path == "" {
		return nil, fmt.Errorf("%w: sqlite:// needs a file name", ErrDatabaseURL)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	// WAL lets readers run beside the writer; synchronous=FULL makes an
	// acknowledged delivery survive a crash; busy_timeout rides out locks.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// SQLite allows one writer; River's SQLite driver wants a single connection.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	driver := riversqlite.New(db)
	if err := migrate(ctx, driver, db, qc.Logger); err != nil {
		db.Close()
		return nil, err
	}
	client, err := river.NewClient(driver, riverConfig(qc))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("queue client: %w", err)
	}
	q := &riverQueue[*sql.Tx]{
		client: client,
		begin:  func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) },
		commit: func(_ context.Context, tx *sql.Tx) error { return tx.Commit() },
		rollback: func(_ context.Context, tx *sql.Tx) error {
			return tx.Rollback()
		},
		exec: func(ctx context.Context, tx *sql.Tx, q string, args ...any) (int64, error) {
			r, err := tx.ExecContext(ctx, q, args...)
			if err != nil {
				return 0, err
			}
			return r.RowsAffected()
		},
	}
	return &Store{Kind: "sqlite", db: db, queue: q, log: qc.Logger, closer: db.Close}, nil
}

func riverConfig(qc QueueConfig) *river.Config {
	poll := qc.PollInterval
	if poll <= 0 {
		poll = 50 * time.Millisecond
	}
	timeout := qc.JobTimeout
	if timeout <= 0 {
		timeout = reviewTimeout
	}
	rescue := qc.RescueAfter
	if rescue <= 0 {
		// A job still "running" this long after its timeout belongs to a
		// replica that died: River's rescuer makes it runnable again.
		rescue = timeout + max(timeout/2, 5*time.Second)
	}
	cfg := &river.Config{
		FetchCooldown:        poll,
		FetchPollInterval:    poll,
		JobTimeout:           timeout,
		RescueStuckJobsAfter: rescue,
		Logger:               qc.Logger,
		Workers:              qc.Workers,
		Middleware:           qc.Middleware,
	}
	if qc.Workers != nil {
		n := qc.MaxWorkers
		if n <= 0 {
			n = 4
		}
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}}
	}
	return cfg
}

// migrate runs River's migrations and ward's own, idempotently.
func migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], db *sql.DB, log *slog.Logger) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("queue migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("queue migrations: %w", err)
	}
	for _, stmt := range slices.Concat(wardSchema, llmSchema) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("ward migrations: %w", err)
		}
	}
	return nil
}

// Ping checks the database is reachable (GET /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes the database.
func (s *Store) Close() error { return s.closer() }

// Enqueue durably records a delivery with its jobs; see queue.enqueue.
func (s *Store) Enqueue(ctx context.Context, deliveryID, event string, jobs []river.JobArgs) (bool, error) {
	return s.queue.enqueue(ctx, deliveryID, event, jobs)
}

// Insert queues one job outside a delivery (for example from a command).
func (s *Store) Insert(ctx context.Context, job river.JobArgs) error { return s.queue.insert(ctx, job) }

// QueueDepth counts jobs waiting or running.
func (s *Store) QueueDepth(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx,
		`SELECT count(*) FROM river_job WHERE state IN ('available','retryable','scheduled','running','pending')`).Scan(&n)
	return n, err
}

// cacheEntry is a cached analysis result.
type cacheEntry struct{ Findings []checks.Finding }

// ResultCache keeps analysis results by content in the database.
type ResultCache struct{ s *Store }

// cacheKeysPerSelect bounds the keys of one lookup, under SQLite's oldest
// limit of 999 parameters a statement.
const cacheKeysPerSelect = 500

// GetMany returns the cached findings of those keys the database holds, in
// one query per cacheKeysPerSelect keys instead of one per file. A key that
// cannot be read counts as missing: its file is analysed again.
func (c ResultCache) GetMany(ctx context.Context, keys []string) map[string][]checks.Finding {
	out := make(map[string][]checks.Finding)
	for len(keys) > 0 {
		n := min(len(keys), cacheKeysPerSelect)
		if err := c.get(ctx, keys[:n], out); err != nil {
			c.s.log.WarnContext(ctx, "result cache read failed", "keys", n, "err", err)
		}
		keys = keys[n:]
	}
	return out
}

func (c ResultCache) get(ctx context.Context, keys []string, out map[string][]checks.Finding) error {
	var q strings.Builder
	q.WriteString(`SELECT key, findings FROM ward_result_cache WHERE key IN (`)
	args := make([]any, len(keys))
	for i, k := range keys {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "$%d", i+1)
		args[i] = k
	}
	q.WriteString(")")
	rows, err := c.s.db.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return fmt.Errorf("look up %d keys: %w", len(keys), err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, raw string
		if err := rows.Scan(&key, &raw); err != nil {
			return fmt.Errorf("look up %d keys: %w", len(keys), err)
		}
		var e cacheEntry
		if json.Unmarshal([]byte(raw), &e) == nil {
			out[key] = e.Findings
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up %d keys: %w", len(keys), err)
	}
	return nil
}

// cacheRowsPerInsert bounds the rows of one INSERT: three parameters a row
// stay under 999, the lowest limit SQLite builds have had.
const cacheRowsPerInsert = 300

// PutMany stores findings by content key, up to cacheRowsPerInsert rows a
// statement (each its own transaction: one commit, one fsync on SQLite,
// instead of one per file). A key already stored is kept, and a failure
// only costs a re-analysis.
func (c ResultCache) PutMany(ctx context.Context, entries []review.CacheEntry) {
	now := time.Now().UTC()
	for len(entries) > 0 {
		n := min(len(entries), cacheRowsPerInsert)
		if err := c.insert(ctx, entries[:n], now); err != nil {
			c.s.log.WarnContext(ctx, "result cache write failed", "entries", n, "err", err)
		}
		entries = entries[n:]
	}
}

// insert writes entries in one statement. Keys go in sorted order, so that
// two replicas writing overlapping batches to PostgreSQL wait for each
// other instead of deadlocking.
func (c ResultCache) insert(ctx context.Context, entries []review.CacheEntry, now time.Time) error {
	entries = slices.Clone(entries)
	slices.SortStableFunc(entries, func(a, b review.CacheEntry) int { return strings.Compare(a.Key, b.Key) })
	var q strings.Builder
	q.WriteString(`INSERT INTO ward_result_cache (key, findings, created_at) VALUES `)
	args := make([]any, 0, 3*len(entries))
	for i, e := range entries {
		if i > 0 && e.Key == entries[i-1].Key {
			continue // one row per key and statement
		}
		raw, err := json.Marshal(cacheEntry{Findings: e.Findings})
		if err != nil {
			c.s.log.WarnContext(ctx, "result cache entry not encodable", "key", e.Key, "err", err)
			continue
		}
		if len(args) > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $%d, $%d)", len(args)+1, len(args)+2, len(args)+3)
		args = append(args, e.Key, string(raw), now)
	}
	if len(args) == 0 {
		return nil
	}
	q.WriteString(` ON CONFLICT (key) DO NOTHING`)
	if _, err := c.s.db.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("insert %d result cache rows: %w", len(args)/3, err)
	}
	return nil
}

// Ignores returns maintainers' /ignore records for a PR.
func (s *Store) Ignores(ctx context.Context, repo string, pr int) ([]config.IgnoreEntry, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT rule, path, reason, author, head_sha FROM ward_ignore WHERE repo = $1 AND pr = $2 ORDER BY created_at`, repo, pr)
	if err != nil {
		return nil, fmt.Errorf("load ignores: %w", err)
	}
	defer rows.Close()
	var out []config.IgnoreEntry
	for rows.Next() {
		var e config.IgnoreEntry
		if err := rows.Scan(&e.Rule, &e.Path, &e.Reason, &e.Author, &e.HeadSHA); err != nil {
			return nil, fmt.Errorf("load ignores: %w", err)
		}
		// The exception holds for the content at HeadSHA (review.exceptions).
		e.Reason = fmt.Sprintf("@%s: %s", e.Author, e.Reason)
		out = append(out, e)
	}
	return out, rows.Err()
}

// riverQueue implements queue for one River driver.
type riverQueue[TTx any] struct {
	client   *river.Client[TTx]
	begin    func(context.Context) (TTx, error)
	commit   func(context.Context, TTx) error
	rollback func(context.Context, TTx) error
	exec     func(ctx context.Context, tx TTx, q string, args ...any) (int64, error)
}

func (q *riverQueue[TTx]) enqueue(ctx context.Context, deliveryID, event string, jobs []river.JobArgs) (bool, error) {
	tx, err := q.begin(ctx)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: begin: %w", deliveryID, err)
	}
	n, err := q.exec(ctx, tx,
		`INSERT INTO ward_delivery (id, event, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
		deliveryID, event, time.Now().UTC())
	if err != nil {
		_ = q.rollback(ctx, tx)
		return false, fmt.Errorf("enqueue %s: record delivery: %w", deliveryID, err)
	}
	if n == 0 {
		_ = q.rollback(ctx, tx)
		return true, nil
	}
	for _, j := range jobs {
		if _, err := q.client.InsertTx(ctx, tx, j, nil); err != nil {
			_ = q.rollback(ctx, tx)
			return false, fmt.Errorf("enqueue %s: insert %s job: %w", deliveryID, j.Kind(), err)
		}
	}
	if err := q.commit(ctx, tx); err != nil {
		return false, fmt.Errorf("enqueue %s: commit: %w", deliveryID, err)
	}
	return false, nil
}

func (q *riverQueue[TTx]) insert(ctx context.Context, job river.JobArgs) error {
	_, err := q.client.Insert(ctx, job, nil)
	return err
}

// cancelOlderReviews cancels queued or running reviews of the same PR at
// another head SHA: a newer push makes them moot.
func (q *riverQueue[TTx]) cancelOlderReviews(ctx context.Context, repo string, pr int, headSHA string) (int, error) {
	res, err := q.client.JobList(ctx, river.NewJobListParams().Kinds(ReviewArgs{}.Kind()).
		States(rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStateRetryable, rivertype.JobStateRunning).
		Where("args->>'repo' = @repo AND CAST(args->>'pr' AS INTEGER) = @pr", river.NamedArgs{"repo": repo, "pr": pr}).
		First(100))
	if err != nil {
		return 0, fmt.Errorf("list reviews: %w", err)
	}
	n := 0
	for _, j := range res.Jobs {
		var a ReviewArgs
		if json.Unmarshal(j.EncodedArgs, &a) != nil || a.Repo != repo || a.PR != pr || a.HeadSHA == headSHA || a.MergeGroup != nil {
			continue
		}
		if _, err := q.client.JobCancel(ctx, j.ID); err == nil {
			n++
		}
	}
	return n, nil
}

func (q *riverQueue[TTx]) start(ctx context.Context) error { return q.client.Start(ctx) }
func (q *riverQueue[TTx]) stop(ctx context.Context) error  { return q.client.Stop(ctx) }

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = url.User(u.User.Username())
	return u.String()
}
