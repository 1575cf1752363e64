package review

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"sync"

	"github.com/ward-sec/ward/checks"
)

// fakeGitHub is a plain struct fake of the GitHub interface: tests set its
// fields and read what the review published.
type fakeGitHub struct {
	mu         sync.Mutex
	PR         PullRequest
	Files      []ChangedFile
	Blobs      map[string][]byte            // by blob SHA
	FilesAt    map[string]map[string][]byte // ref → path → content
	OrgYAML    []byte
	Existing   []Comment
	RejectDiff bool

	runs      map[int64]*fakeRun
	nextRun   int64
	Reviews   []fakeReview
	Deleted   []int64
	AnnCalls  []int // annotations per AddAnnotations call
	BlobReads int
}

type fakeRun struct {
	HeadSHA     string
	Conclusion  string
	Output      CheckRunOutput
	Annotations []Annotation
	Actions     []CheckRunAction
}

type fakeReview struct {
	HeadSHA  string
	Body     string
	Comments []NewComment
}

func (f *fakeGitHub) PullRequest(context.Context) (*PullRequest, error) {
	pr := f.PR
	return &pr, nil
}

func (f *fakeGitHub) ChangedFiles(context.Context) ([]ChangedFile, error) { return f.Files, nil }

func (f *fakeGitHub) Blob(_ context.Context, sha string, _ int64) (*checks.Blob, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.BlobReads++
	b, ok := f.Blobs[sha]
	if !ok {
		return nil, fmt.Errorf("blob %s: %w", sha, fs.ErrNotExist)
	}
	return &checks.Blob{Size: int64(len(b)), Content: bytes.NewReader(b)}, nil
}

func (f *fakeGitHub) FileAt(_ context.Context, path, ref string) ([]byte, error) {
	if b, ok := f.FilesAt[ref][path]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("%s at %s: %w", path, ref, fs.ErrNotExist)
}

func (f *fakeGitHub) OrgConfig(context.Context) ([]byte, error) { return f.OrgYAML, nil }

func (f *fakeGitHub) StartCheckRun(_ context.Context, sha string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.runs == nil {
		f.runs = map[int64]*fakeRun{}
	}
	f.nextRun++
	f.runs[f.nextRun] = &fakeRun{HeadSHA: sha}
	return f.nextRun, nil
}

func (f *fakeGitHub) AddAnnotations(_ context.Context, id int64, _, _ string, anns []Annotation) error {
	if len(anns) > 50 {
		return fmt.Errorf("422: more than 50 annotations")
	}
	f.AnnCalls = append(f.AnnCalls, len(anns))
	f.runs[id].Annotations = append(f.runs[id].Annotations, anns...)
	return nil
}

func (f *fakeGitHub) CompleteCheckRun(_ context.Context, id int64, conclusion string, out CheckRunOutput, actions []CheckRunAction) error {
	if len(out.Annotations) > 50 {
		return fmt.Errorf("422: more than 50 annotations")
	}
	if len([]rune(out.Summary)) > MaxSummary {
		return fmt.Errorf("422: summary too long")
	}
	f.AnnCalls = append(f.AnnCalls, len(out.Annotations))
	r := f.runs[id]
	r.Conclusion, r.Output, r.Actions = conclusion, out, actions
	r.Annotations = append(r.Annotations, out.Annotations...)
	return nil
}

func (f *fakeGitHub) Comments(context.Context) ([]Comment, error) { return f.Existing, nil }

func (f *fakeGitHub) CreateReview(_ context.Context, sha, body string, cs []NewComment) error {
	if f.RejectDiff {
		return ErrOutsideDiff
	}
	f.Reviews = append(f.Reviews, fakeReview{sha, body, cs})
	return nil
}

func (f *fakeGitHub) DeleteComment(_ context.Context, id int64) error {
	f.Deleted = append(f.Deleted, id)
	return nil
}

func (f *fakeGitHub) run(id int64) *fakeRun { return f.runs[id] }
