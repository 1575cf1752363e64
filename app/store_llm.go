package app

import (
	"context"
	"time"
)

// llmSchema holds the second opinion's tables: answers cached by (head SHA,
// prompt version, model), and each installation's daily use of the model.
var llmSchema = []string{
	`CREATE TABLE IF NOT EXISTS ward_llm_cache (
		key TEXT PRIMARY KEY,
		answer TEXT NOT NULL,
		created_at TIMESTAMP NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS ward_llm_budget (
		installation_id BIGINT NOT NULL,
		day TEXT NOT NULL,
		calls INTEGER NOT NULL,
		tokens BIGINT NOT NULL,
		PRIMARY KEY (installation_id, day))`,
	`CREATE TABLE IF NOT EXISTS ward_llm_user_budget (
		installation_id BIGINT NOT NULL,
		login TEXT NOT NULL,
		day TEXT NOT NULL,
		calls INTEGER NOT NULL,
		PRIMARY KEY (installation_id, login, day))`,
}

// ReserveUserLLM counts one forced second opinion of a user unless the
// user's calls for the day reached max; one statement, as ReserveLLMCall.
func (s *Store) ReserveUserLLM(ctx context.Context, installation int64, login, day string, max int) (bool, error) {
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO ward_llm_user_budget (installation_id, login, day, calls) VALUES ($1, $2, $3, 1)
		 ON CONFLICT (installation_id, login, day) DO UPDATE SET calls = ward_llm_user_budget.calls + 1
		 WHERE ward_llm_user_budget.calls < $4`,
		installation, login, day, max)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// OpinionStore keeps the second opinion's cache and budget in the database.
type OpinionStore struct{ s *Store }

// CachedOpinion returns a cached answer.
func (o OpinionStore) CachedOpinion(ctx context.Context, key string) ([]byte, bool) {
	var raw string
	if err := o.s.db.QueryRowContext(ctx, `SELECT answer FROM ward_llm_cache WHERE key = $1`, key).Scan(&raw); err != nil {
		return nil, false
	}
	return []byte(raw), true
}

// CacheOpinion stores an answer; a forced rescan replaces it.
func (o OpinionStore) CacheOpinion(ctx context.Context, key string, answer []byte) {
	if _, err := o.s.db.ExecContext(ctx,
		`INSERT INTO ward_llm_cache (key, answer, created_at) VALUES ($1, $2, $3)
		 ON CONFLICT (key) DO UPDATE SET answer = excluded.answer, created_at = excluded.created_at`,
		key, string(answer), time.Now().UTC()); err != nil {
		o.s.log.WarnContext(ctx, "second opinion cache write failed", "err", err)
	}
}

// ReserveLLMCall counts one call unless the installation's calls or tokens
// for the day are spent. One statement, so concurrent workers (or replicas
// on PostgreSQL) cannot both take the last call.
func (o OpinionStore) ReserveLLMCall(ctx context.Context, installation int64, day string, maxCalls int, maxTokens int64) (bool, error) {
	if maxCalls < 1 {
		return false, nil
	}
	res, err := o.s.db.ExecContext(ctx,
		`INSERT INTO ward_llm_budget (installation_id, day, calls, tokens) VALUES ($1, $2, 1, 0)
		 ON CONFLICT (installation_id, day) DO UPDATE SET calls = ward_llm_budget.calls + 1
		 WHERE ward_llm_budget.calls < $3 AND ward_llm_budget.tokens < $4`,
		installation, day, maxCalls, maxTokens)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// AddLLMTokens adds a call's tokens to the day's count.
func (o OpinionStore) AddLLMTokens(ctx context.Context, installation int64, day string, tokens int64) error {
	_, err := o.s.db.ExecContext(ctx,
		`UPDATE ward_llm_budget SET tokens = tokens + $3 WHERE installation_id = $1 AND day = $2`,
		installation, day, tokens)
	return err
}

// LLMUsage returns an installation's calls and tokens on a day.
func (o OpinionStore) LLMUsage(ctx context.Context, installation int64, day string) (calls int, tokens int64, err error) {
	err = o.s.db.QueryRowContext(ctx,
		`SELECT calls, tokens FROM ward_llm_budget WHERE installation_id = $1 AND day = $2`, installation, day).Scan(&calls, &tokens)
	return calls, tokens, err
}
