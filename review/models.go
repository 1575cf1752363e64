package review

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/modeldiff"
)

// FileCommenter is implemented by GitHub clients that can post a comment on
// a whole file of the PR (a review comment with subject_type "file").
type FileCommenter interface {
	CreateFileComment(ctx context.Context, headSHA, path, body string) error
}

// maxModelFiles bounds the model files described in one review.
const maxModelFiles = 50

// modelExts are names that are worth describing even when GitHub showed a
// patch (a text-looking pickle, a small JSON-headed safetensors).
var modelExts = map[string]bool{".pt": true, ".pth": true, ".bin": true, ".ckpt": true, ".pkl": true, ".pickle": true,
	".joblib": true, ".safetensors": true, ".gguf": true, ".onnx": true, ".keras": true, ".h5": true, ".hdf5": true,
	".pb": true, ".npy": true, ".npz": true, ".mar": true}

// describeModels reads what each changed model file is and what changed
// against its base version: the "Model changes" view. Reads are ranged
// like the checks' (a checkpoint costs its headers and pickles); a file
// whose content ward cannot read is simply not described (the checks
// report it).
func describeModels(ctx context.Context, gh GitHub, pr *PullRequest, files []*reviewedFile, opts Options) []*modeldiff.Change {
	var cands []*reviewedFile
	for _, f := range files {
		if describable(f) {
			cands = append(cands, f)
		}
		if len(cands) == maxModelFiles {
			break
		}
	}
	out := make([]*modeldiff.Change, len(cands))
	sem := make(chan struct{}, opts.FetchConcurrency)
	var wg sync.WaitGroup
	for i, f := range cands {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = describeChange(ctx, gh, pr, f, opts)
		}()
	}
	wg.Wait()
	var changes []*modeldiff.Change
	for _, c := range out {
		if c != nil {
			changes = append(changes, c)
		}
	}
	return changes
}

// describable says which changed files may be models: binary (no patch)
// or named like one.
func describable(f *reviewedFile) bool {
	return f.Patch == "" || modelExts[strings.ToLower(path.Ext(f.Path))]
}

func describeChange(ctx context.Context, gh GitHub, pr *PullRequest, f *reviewedFile, opts Options) *modeldiff.Change {
	blob := f.blob
	if blob == nil {
		b, err := headBlob(ctx, gh, f)
		if err != nil {
			opts.Logger.WarnContext(ctx, "model change not described: head unreadable", "path", f.Path, "err", err)
			return nil
		}
		if blob, err = resolveLFS(ctx, gh, b); err != nil {
			opts.Logger.WarnContext(ctx, "model change not described: LFS object unreadable", "path", f.Path, "err", err)
			return nil
		}
	}
	head := modeldiff.Describe(ctx, f.Path, blob.Content, blob.Size, opts.Limits)
	if head == nil {
		return nil
	}
	var base *modeldiff.Summary
	if f.Status != "added" {
		prev := f.Path
		if f.PreviousPath != "" {
			prev = f.PreviousPath
		}
		bb, err := baseBlob(ctx, gh, prev, pr.BaseSHA)
		switch {
		case err == nil:
			if bb, err = resolveLFS(ctx, gh, bb); err != nil {
				head.Incomplete = append(head.Incomplete, fmt.Sprintf("the base version could not be read (%v)", err))
				break
			}
			base = modeldiff.Describe(ctx, prev, bb.Content, bb.Size, opts.Limits)
		case !errors.Is(err, fs.ErrNotExist):
			head.Incomplete = append(head.Incomplete, fmt.Sprintf("the base version could not be read (%v)", err))
		}
	}
	return modeldiff.Compare(base, head)
}

// baseBlob reads a file at the base commit: by blob SHA where the client
// can name it (BlobLocator; ranged for large files, which FileAt would cut
// at 1 MiB), else through the contents API.
func baseBlob(ctx context.Context, gh GitHub, p, ref string) (*checks.Blob, error) {
	if bl, ok := gh.(BlobLocator); ok {
		sha, size, err := bl.BlobSHAAt(ctx, p, ref)
		if err != nil {
			return nil, err
		}
		return gh.Blob(ctx, sha, size)
	}
	data, err := gh.FileAt(ctx, p, ref)
	if err != nil {
		return nil, err
	}
	return &checks.Blob{Size: int64(len(data)), Content: bytes.NewReader(data)}, nil
}

// withModelChanges appends the "Model changes" section to a check run
// summary, collapsed further or cut to fit GitHub's limit.
func withModelChanges(summary string, changes []*modeldiff.Change, findings []checks.Finding) string {
	if len(changes) == 0 {
		return summary
	}
	// the descriptions quote file content (metadata, chat templates): they
	// pass the same masking boundary as findings
	sec := "\n" + checks.MaskText(modeldiff.Section(changes, findings))
	if len(summary)+len(sec) > MaxSummary {
		sec = "\n### Model changes\n\nLeft out: the summary is at GitHub's length limit; each model file's comment in the review has its description.\n"
		if len(summary)+len(sec) > MaxSummary {
			return summary
		}
	}
	return summary + sec
}

// modelComments plans one comment per described model file. Its
// fingerprint covers the text, so a new version of the file replaces it.
func modelComments(changes []*modeldiff.Change, findings []checks.Finding) []plannedComment {
	var out []plannedComment
	for _, c := range changes {
		body := fmt.Sprintf("### ward: model change in `%s`\n\n%s", c.Path, checks.MaskText(c.Markdown(modeldiff.ForPath(findings, c.Path))))
		if len(body) > 60000 {
			body = body[:60000] + "\n\n… (cut: the check run summary has the rest)\n"
		}
		fp := hashBytes([]byte("model-change|" + c.Path + "|" + body))
		body += fmt.Sprintf("\n<!-- ward:fingerprint:%s -->\n", fp)
		out = append(out, plannedComment{fp: fp, comment: NewComment{Path: c.Path, Body: body}})
	}
	return out
}

// publishModelComments posts the model comments not already on the PR, as
// file comments. Without a FileCommenter (or on a draft held back) they
// stay in the summary only.
func publishModelComments(ctx context.Context, gh GitHub, pr *PullRequest, hold bool, ours map[string]Comment, plan []plannedComment, res *Result, opts Options) {
	fc, ok := gh.(FileCommenter)
	if !ok {
		return
	}
	for _, p := range plan {
		switch _, kept := ours[p.fp]; {
		case kept:
			res.Kept++
		case hold:
			res.Held++
		default:
			if err := fc.CreateFileComment(ctx, pr.HeadSHA, p.comment.Path, p.comment.Body); err != nil {
				opts.Logger.WarnContext(ctx, "model change comment not posted; it is in the summary", "path", p.comment.Path, "err", err)
				continue
			}
			res.Posted++
		}
	}
}
