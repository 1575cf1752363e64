package handler

import (
	"net/http"

	openai "github.com/sashabaranov/go-openai"
)

var client *openai.Client

func Ask(w http.ResponseWriter, r *http.Request) {
	role := r.URL.Query().Get("role")
	msgs := []openai.ChatCompletionMessage{
		// ruleid: code-prompt-request-input
		{Role: openai.ChatMessageRoleSystem, Content: "You are " + role},
		// ok: code-prompt-request-input
		{Role: openai.ChatMessageRoleUser, Content: r.FormValue("q")},
		// ok: code-prompt-request-input
		{Role: openai.ChatMessageRoleSystem, Content: "Answer briefly."},
	}
	_, _ = client.CreateChatCompletion(r.Context(), openai.ChatCompletionRequest{Messages: msgs})
}
