package app

import (
	"context"
	"fmt"
	"testing"
)

// ChangedFiles reads every page of /pulls/N/files, in order, however many
// pages there are and whether they are read one by one or together.
func TestChangedFilesPages(t *testing.T) {
	for _, n := range []int{1, 100, 101, 450} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			gh, inst := fakePR(t, gitRepoWithLargePR(t, n))
			pc, err := newPRClient(inst, "acme/pr", 1, gh.BotLogin())
			if err != nil {
				t.Fatal(err)
			}
			files, err := pc.ChangedFiles(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != n {
				t.Fatalf("%d files, want %d", len(files), n)
			}
			for i, f := range files {
				if want := fmt.Sprintf("gen/m%04d.py", i); f.Path != want || f.Status != "added" || f.BlobSHA == "" || f.Patch == "" {
					t.Fatalf("file %d: %+v, want %s added with its blob and patch", i, f, want)
				}
			}
		})
	}
}
