package review

import "context"

// Thread is the review thread a comment of ward's starts.
type Thread struct {
	ID       string // GraphQL node ID
	Resolved bool
}

// ThreadResolver is implemented by GitHub clients that can resolve review
// threads (GraphQL). Stale comments are then resolved, which keeps the
// conversation, rather than deleted.
type ThreadResolver interface {
	// ReviewThreads maps the database ID of each thread's first comment to
	// its thread.
	ReviewThreads(ctx context.Context) (map[int64]Thread, error)
	ResolveThread(ctx context.Context, id string) error
}
