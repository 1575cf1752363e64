package ops

import (
	"context"
	"os/exec"

	openai "github.com/sashabaranov/go-openai"
)

func Act(ctx context.Context, client *openai.Client, task string) error {
	resp, err := client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model:    openai.GPT4o,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: task}},
	})
	if err != nil {
		return err
	}
	cmd := resp.Choices[0].Message.Content
	// ruleid: code-llm-output-shell
	_ = exec.CommandContext(ctx, "sh", "-c", cmd).Run()
	// ruleid: code-llm-output-shell
	_ = exec.Command("bash", "-c", "set -e; "+cmd).Run()
	// ruleid: code-llm-output-shell
	_ = exec.Command(cmd).Run()
	// ok: code-llm-output-shell
	_ = exec.Command("git", "status").Run()
	// ok: code-llm-output-shell
	_ = exec.Command("sh", "-c", "make test").Run()
	// ok: code-llm-output-shell
	println(cmd)
	return nil
}
