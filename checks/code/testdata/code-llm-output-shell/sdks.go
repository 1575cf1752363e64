package sdks

import (
	"context"
	"os/exec"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/openai/openai-go"
)

func OpenAIGo(ctx context.Context, client openai.Client, q string) {
	completion, _ := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(q)},
		Model:    openai.ChatModelGPT4o,
	})
	script := completion.Choices[0].Message.Content
	// ruleid: code-llm-output-shell
	_ = exec.CommandContext(ctx, "/bin/sh", "-c", script).Run()
}

func AnthropicGo(ctx context.Context, client anthropic.Client, q string) {
	msg, _ := client.Messages.New(ctx, anthropic.MessageNewParams{MaxTokens: 256})
	text := msg.Content[0].Text
	// ruleid: code-llm-output-shell
	_ = exec.Command("bash", "-c", text).Run()
	// ok: code-llm-output-shell
	_ = exec.Command("echo", "done").Run()
}
