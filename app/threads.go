package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ward-sec/ward/review"
)

var _ review.ThreadResolver = (*prClient)(nil)

// graphQLURL derives the GraphQL endpoint from the REST base URL:
// https://api.github.com/ → https://api.github.com/graphql, and on GitHub
// Enterprise Server https://host/api/v3/ → https://host/api/graphql.
func graphQLURL(restBase string) string {
	base := strings.TrimRight(restBase, "/")
	if b, ok := strings.CutSuffix(base, "/api/v3"); ok {
		return b + "/api/graphql"
	}
	return base + "/graphql"
}

// graphQL posts one query with the installation's credentials.
func (c *prClient) graphQL(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, graphQLURL(c.gh.BaseURL.String()), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.gh.Client().Do(req)
	if err != nil {
		return fmt.Errorf("graphql: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("graphql: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("graphql: HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(raw[:min(len(raw), 300)]))
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("graphql: %w", err)
	}
	if len(env.Errors) > 0 {
		return fmt.Errorf("graphql: %s", env.Errors[0].Message)
	}
	return json.Unmarshal(env.Data, out)
}

const threadsQuery = `query($owner: String!, $name: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`

// ReviewThreads lists the PR's review threads by their first comment.
func (c *prClient) ReviewThreads(ctx context.Context) (map[int64]review.Thread, error) {
	out := map[int64]review.Thread{}
	vars := map[string]any{"owner": c.owner, "name": c.repo, "number": c.number}
	for page := 0; page < 50; page++ {
		var data struct {
			Repository struct {
				PullRequest struct {
					ReviewThreads struct {
						Nodes []struct {
							ID         string `json:"id"`
							IsResolved bool   `json:"isResolved"`
							Comments   struct {
								Nodes []struct {
									DatabaseID int64 `json:"databaseId"`
								} `json:"nodes"`
							} `json:"comments"`
						} `json:"nodes"`
						PageInfo struct {
							HasNextPage bool    `json:"hasNextPage"`
							EndCursor   *string `json:"endCursor"`
						} `json:"pageInfo"`
					} `json:"reviewThreads"`
				} `json:"pullRequest"`
			} `json:"repository"`
		}
		if err := c.graphQL(ctx, threadsQuery, vars, &data); err != nil {
			return nil, fmt.Errorf("review threads: %w", err)
		}
		rt := data.Repository.PullRequest.ReviewThreads
		for _, t := range rt.Nodes {
			if len(t.Comments.Nodes) > 0 {
				out[t.Comments.Nodes[0].DatabaseID] = review.Thread{ID: t.ID, Resolved: t.IsResolved}
			}
		}
		if !rt.PageInfo.HasNextPage || rt.PageInfo.EndCursor == nil {
			return out, nil
		}
		vars["cursor"] = *rt.PageInfo.EndCursor
	}
	return out, nil
}

const resolveMutation = `mutation($threadId: ID!) {
  resolveReviewThread(input: {threadId: $threadId}) { thread { id isResolved } }
}`

// ResolveThread marks a review thread resolved.
func (c *prClient) ResolveThread(ctx context.Context, id string) error {
	var data struct {
		ResolveReviewThread struct {
			Thread struct {
				IsResolved bool `json:"isResolved"`
			} `json:"thread"`
		} `json:"resolveReviewThread"`
	}
	if err := c.graphQL(ctx, resolveMutation, map[string]any{"threadId": id}, &data); err != nil {
		return fmt.Errorf("resolve thread %s: %w", id, err)
	}
	if !data.ResolveReviewThread.Thread.IsResolved {
		return fmt.Errorf("resolve thread %s: still unresolved", id)
	}
	return nil
}
