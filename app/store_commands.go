package app

import (
	"context"
	"fmt"
	"time"
)

// commandUseSchema records handled command comments by budget ("bucket"),
// so that the limits hold across restarts and replicas. Times are Unix
// seconds: an integer compares the same way in SQLite and PostgreSQL.
const commandUseSchema = `CREATE TABLE IF NOT EXISTS ward_command_use (
	repo TEXT NOT NULL,
	pr INTEGER NOT NULL,
	bucket TEXT NOT NULL,
	at BIGINT NOT NULL)`

// The table is created with ward's other tables, at migration (under
// PostgreSQL's migration lock, so replicas do not race to create it).
func init() { wardSchema = append(wardSchema, commandUseSchema) }

// AllowCommand records one command on a PR at now against each bucket
// (name → limit per window) and reports whether every bucket had room; when
// one is full nothing is recorded.
func (s *Store) AllowCommand(ctx context.Context, repo string, pr int, buckets map[string]int, window time.Duration, now time.Time) (bool, error) {
	since := now.Add(-window).Unix()
	// Count and insert in one transaction that holds the table: SQLite's
	// transactions here take the write lock at BEGIN; PostgreSQL needs a lock.
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("count commands: %w", err)
	}
	defer tx.Rollback()
	if s.Kind == "postgres" {
		if _, err := tx.ExecContext(ctx, `LOCK TABLE ward_command_use IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return false, fmt.Errorf("lock command log: %w", err)
		}
	}
	for bucket, limit := range buckets {
		var used int
		if err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM ward_command_use WHERE repo = $1 AND pr = $2 AND bucket = $3 AND at > $4`,
			repo, pr, bucket, since).Scan(&used); err != nil {
			return false, fmt.Errorf("count commands: %w", err)
		}
		if used+1 > limit {
			return false, nil
		}
	}
	for bucket := range buckets {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO ward_command_use (repo, pr, bucket, at) VALUES ($1, $2, $3, $4)`, repo, pr, bucket, now.Unix()); err != nil {
			return false, fmt.Errorf("record command: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("record command: %w", err)
	}
	// Old entries only cost space; drop them while here.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM ward_command_use WHERE at < $1`, now.Add(-24*time.Hour).Unix()); err != nil {
		s.log.WarnContext(ctx, "command log cleanup failed", "err", err)
	}
	return true, nil
}

// IgnoreRecord is one maintainer's /ignore on a PR.
type IgnoreRecord struct {
	Repo, Rule, Path, Reason, Author, HeadSHA string
	PR                                        int
	At                                        time.Time
}

// AddIgnore records (or replaces) an /ignore for a rule and path on a PR.
func (s *Store) AddIgnore(ctx context.Context, r IgnoreRecord) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO ward_ignore (repo, pr, rule, path, reason, author, head_sha, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		 ON CONFLICT (repo, pr, rule, path) DO UPDATE SET reason = excluded.reason, author = excluded.author,
		 head_sha = excluded.head_sha, created_at = excluded.created_at`,
		r.Repo, r.PR, r.Rule, r.Path, r.Reason, r.Author, r.HeadSHA, r.At.UTC())
	if err != nil {
		return fmt.Errorf("record ignore: %w", err)
	}
	return nil
}

// RemoveIgnore deletes an /ignore; removed is false when there was none.
func (s *Store) RemoveIgnore(ctx context.Context, repo string, pr int, rule, path string) (removed bool, err error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM ward_ignore WHERE repo = $1 AND pr = $2 AND rule = $3 AND path = $4`,
		repo, pr, rule, path)
	if err != nil {
		return false, fmt.Errorf("remove ignore: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
