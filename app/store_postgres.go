package app

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// openPostgres runs the queue on PostgreSQL (River's pgx driver) so that
// several replicas share it; ward's own tables go through database/sql on
// the same pool.
func openPostgres(ctx context.Context, dbURL string, qc QueueConfig) (*Store, error) {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", redactURL(dbURL), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s: %w", redactURL(dbURL), err)
	}
	db := stdlib.OpenDBFromPool(pool)
	driver := riverpgxv5.New(pool)
	// Two replicas may start at once: serialise migrations on an advisory lock.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7311)`); err != nil {
		conn.Release()
		pool.Close()
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	err = migrate(ctx, driver, db, qc.Logger)
	_, _ = conn.Exec(ctx, `SELECT pg_advisory_unlock(7311)`)
	conn.Release()
	if err != nil {
		pool.Close()
		return nil, err
	}
	client, err := river.NewClient(driver, riverConfig(qc))
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("queue client: %w", err)
	}
	q := &riverQueue[pgx.Tx]{
		client:   client,
		begin:    func(ctx context.Context) (pgx.Tx, error) { return pool.Begin(ctx) },
		commit:   func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) },
		rollback: func(ctx context.Context, tx pgx.Tx) error { return tx.Rollback(ctx) },
		exec: func(ctx context.Context, tx pgx.Tx, q string, args ...any) (int64, error) {
			tag, err := tx.Exec(ctx, q, args...)
			return tag.RowsAffected(), err
		},
	}
	return &Store{Kind: "postgres", db: db, queue: q, log: qc.Logger, closer: func() error {
		err := db.Close()
		pool.Close()
		return err
	}}, nil
}
