package review

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ward-sec/ward/prompts"
)

// BenchmarkBuildInput measures the prompt input of a 100-file PR (about
// 2 MB of diff): relevance ordering, secret masking and budget cutting.
func BenchmarkBuildInput(b *testing.B) {
	var files []OpinionFile
	var patch strings.Builder
	patch.WriteString("@@ -0,0 +1,500 @@\n")
	for i := range 500 {
		fmt.Fprintf(&patch, "+    value_%d = compute(x, y)  # some ordinary line of code\n", i)
	}
	for i := range 100 {
		files = append(files, OpinionFile{Path: fmt.Sprintf("src/pkg%d/mod.py", i), Status: "modified", Patch: patch.String()})
	}
	req := OpinionRequest{PR: PullRequest{Repo: "acme/models", Number: 1, Title: "t", Body: strings.Repeat("words ", 500)}, Files: files}
	b.SetBytes(int64(100 * patch.Len()))
	b.ReportAllocs()
	for b.Loop() {
		in := buildInput(req, 12000, prompts.NewNonce())
		if len(in.Omitted) == 0 {
			b.Fatal("nothing left out of a 2 MB diff")
		}
	}
}

func BenchmarkSanitize(b *testing.B) {
	s := strings.Repeat("See ![x](https://evil.example/a.png) and @bob on #12 <b>bold</b> ", 20)
	allowed := allowedLinks("acme/models")
	b.ReportAllocs()
	for b.Loop() {
		sanitize(s, maxExplanation, allowed)
	}
}
