package app

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Every attempt of a job holds a short lease in ward_job_attempt, renewed
// while it runs. River v0.51 has no job heartbeat: its rescuer only looks
// at when an attempt started, and never before the job's timeout, so a
// replica that died mid-review would hold its PR for the whole
// WARD_REVIEW_TIMEOUT and more. With the lease, any replica makes the job
// runnable again soon after the heartbeats stop.
//
// The same rows tell how earlier attempts ended: a row left behind belongs
// to an attempt whose process died (killed, out of memory). A job that has
// killed ward poisonAfter times is not tried again (see reviewWorker).
const (
	leaseFor       = 30 * time.Second // how long a heartbeat holds the job
	leaseHeartbeat = 5 * time.Second
	leaseSweep     = 10 * time.Second // how often each replica looks for lapsed leases
	poisonAfter    = 2                // attempts that ended with the process dying
)

const jobAttemptSchema = `CREATE TABLE IF NOT EXISTS ward_job_attempt (
	job_id BIGINT NOT NULL,
	attempt INTEGER NOT NULL,
	started_at BIGINT NOT NULL,
	lease_until BIGINT NOT NULL,
	PRIMARY KEY (job_id, attempt))`

func init() { wardSchema = append(wardSchema, jobAttemptSchema) }

// leaseTiming is the lease's clock; tests shorten it.
type leaseTiming struct{ lease, heartbeat, sweep time.Duration }

var defaultLeaseTiming = leaseTiming{leaseFor, leaseHeartbeat, leaseSweep}

// diedKey carries, in a job's context, how many earlier attempts of it ended
// with the process dying.
type diedKey struct{}

// diedAttempts reports how many earlier attempts of the running job died.
func diedAttempts(ctx context.Context) int {
	n, _ := ctx.Value(diedKey{}).(int)
	return n
}

// leaseMiddleware records each attempt, renews its lease while it runs and
// removes the attempt's record when it returns.
type leaseMiddleware struct {
	river.MiddlewareDefaults
	store  *Store
	timing leaseTiming
}

func (m *leaseMiddleware) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	died, err := m.store.beginAttempt(ctx, job.ID, job.Attempt, m.timing.lease)
	if err != nil {
		return fmt.Errorf("record attempt: %w", err)
	}
	hbCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(m.timing.heartbeat)
		defer t.Stop()
		for {
			select {
			case <-hbCtx.Done():
				return
			case <-t.C:
				if err := m.store.renewLease(hbCtx, job.ID, job.Attempt, m.timing.lease); err != nil && hbCtx.Err() == nil {
					m.store.log.Warn("could not renew a job's lease", "job", job.ID, "err", err)
				}
			}
		}
	}()
	err = doInner(context.WithValue(ctx, diedKey{}, died))
	stop()
	<-done
	// The attempt returned: its record goes; those of attempts whose
	// process died stay to be counted. (An attempt cut off by the drain
	// deadline at shutdown keeps its row: from outside it looks the same.)
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if derr := m.store.endAttempt(ectx, job.ID, job.Attempt); derr != nil {
		m.store.log.Warn("could not clear a job's attempt records", "job", job.ID, "err", derr)
	}
	return err
}

func unixMilli(t time.Time) int64 { return t.UnixMilli() }

// beginAttempt records an attempt and counts earlier ones whose process died.
func (s *Store) beginAttempt(ctx context.Context, jobID int64, attempt int, lease time.Duration) (died int, err error) {
	t := now()
	if err := s.db.QueryRowContext(ctx,
		`SELECT count(*) FROM ward_job_attempt WHERE job_id = $1 AND attempt < $2`, jobID, attempt).Scan(&died); err != nil {
		return 0, err
	}
	_, err = s.db.ExecContext(ctx,
		`INSERT INTO ward_job_attempt (job_id, attempt, started_at, lease_until) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (job_id, attempt) DO UPDATE SET lease_until = excluded.lease_until`,
		jobID, attempt, unixMilli(t), unixMilli(t.Add(lease)))
	return died, err
}

func (s *Store) renewLease(ctx context.Context, jobID int64, attempt int, lease time.Duration) error {
	_, err := s.db.ExecContext(ctx, `UPDATE ward_job_attempt SET lease_until = $1 WHERE job_id = $2 AND attempt = $3`,
		unixMilli(now().Add(lease)), jobID, attempt)
	return err
}

func (s *Store) endAttempt(ctx context.Context, jobID int64, attempt int) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM ward_job_attempt WHERE job_id = $1 AND attempt = $2`, jobID, attempt)
	return err
}

// riverTime is a time as River's driver stores it: SQLite compares times as
// text in one exact format.
func (s *Store) riverTime(t time.Time) any {
	if s.Kind == "sqlite" {
		return t.UTC().Round(time.Millisecond).Format("2006-01-02 15:04:05.000")
	}
	return t.UTC()
}

// releaseLapsed makes running jobs whose lease lapsed runnable again: their
// process stopped renewing it, so it died. It returns how many it released.
func (s *Store) releaseLapsed(ctx context.Context) (int, error) {
	t := now()
	rows, err := s.db.QueryContext(ctx,
		`SELECT a.job_id, a.attempt FROM ward_job_attempt a JOIN river_job j ON j.id = a.job_id
		 WHERE j.state = 'running' AND j.attempt = a.attempt AND a.lease_until < $1`, unixMilli(t))
	if err != nil {
		return 0, err
	}
	type key struct {
		id      int64
		attempt int
	}
	var lapsed []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.id, &k.attempt); err != nil {
			rows.Close()
			return 0, err
		}
		lapsed = append(lapsed, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, k := range lapsed {
		res, err := s.db.ExecContext(ctx,
			`UPDATE river_job SET state = 'available', scheduled_at = $1 WHERE id = $2 AND state = 'running' AND attempt = $3`,
			s.riverTime(t), k.id, k.attempt)
		if err != nil {
			return n, err
		}
		if c, _ := res.RowsAffected(); c > 0 {
			n++
		}
	}
	// Records of jobs River finished or gave up on only cost space.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM ward_job_attempt WHERE started_at < $1`, unixMilli(t.Add(-24*time.Hour))); err != nil {
		return n, err
	}
	return n, nil
}

// sweepLeases runs releaseLapsed until ctx ends.
func (s *Server) sweepLeases(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.store.releaseLapsed(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("could not look for reviews whose replica died", "err", err)
			}
			if n > 0 {
				s.log.Info("took over jobs whose replica stopped renewing their lease", "jobs", n)
			}
		}
	}
}
