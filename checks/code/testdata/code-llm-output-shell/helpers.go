package helpers

import (
	"context"
	"os/exec"

	openai "github.com/sashabaranov/go-openai"
)

func suggestCommand(ctx context.Context, c *openai.Client, task string) (string, error) {
	resp, err := c.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: openai.GPT4o})
	if err != nil {
		return "", err
	}
	return resp.Choices[0].Message.Content, nil
}

func Fix(ctx context.Context, c *openai.Client, task string) {
	cmd, _ := suggestCommand(ctx, c, task)
	// ruleid: code-llm-output-shell
	_ = exec.Command("sh", "-c", cmd).Run()
	// ok: code-llm-output-shell
	_ = exec.Command("go", "vet", "./...").Run()
}
