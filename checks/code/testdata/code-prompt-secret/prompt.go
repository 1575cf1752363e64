package prompt

import (
	"context"
	"os"

	openai "github.com/sashabaranov/go-openai"
)

func Ask(ctx context.Context, c *openai.Client, q string) {
	key := os.Getenv("STRIPE_SECRET_KEY")
	msgs := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "Use key " + key + " to answer: " + q}}
	// ruleid: code-prompt-secret
	_, _ = c.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: openai.GPT4o, Messages: msgs})
	plain := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: q}}
	// ok: code-prompt-secret
	_, _ = c.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: openai.GPT4o, Messages: plain})
	// ok: code-prompt-secret
	_ = openai.NewClient(os.Getenv("OPENAI_API_KEY"))
}
