package review

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
	"github.com/ward-sec/ward/prompts"
)

// SecondOpinion asks a model for an advisory view of a reviewed PR. It is
// called after the verdict is decided; whatever it answers, the conclusion
// and the deterministic findings stay as they are (invariant 7).
type SecondOpinion interface {
	// Opinion never fails: when there is no answer, Opinion.Note says why.
	Opinion(ctx context.Context, req OpinionRequest) *Opinion
}

// OpinionRequest is what the model may see of a PR. Implementations mask
// secrets in every string before it leaves ward.
type OpinionRequest struct {
	PR    PullRequest
	Files []OpinionFile
	// Findings are the unsuppressed deterministic findings; the answer names
	// them F1, F2, ... in this order.
	Findings []checks.Finding
}

// OpinionFile is one changed file and its diff hunks.
type OpinionFile struct {
	Path     string
	Status   string
	Patch    string
	Findings int // deterministic findings on its changed lines
}

// Opinion is a model's schema-valid answer, not yet checked against the
// diff, or the reason there is none.
type Opinion struct {
	Model  string
	Cached bool
	// Note is one line for the summary: why there is no answer, or what
	// limited it (budget, files left out).
	Note    string
	Answer  *prompts.Response
	Omitted []string // files left out of the model's input for length
}

// advice is an answer checked against the PR and sanitised for publication.
type advice struct {
	model    string
	cached   bool
	note     string
	failed   bool
	verdicts map[string]findingVerdict // by finding fingerprint
	concerns []concern
	dropped  int // concerns naming files or lines outside the diff
	omitted  []string
	posted   int
	kept     int
}

type findingVerdict struct {
	finding checks.Finding
	verdict string
	reason  string
}

type concern struct {
	path        string
	line        int // 0: about the whole file (summary only)
	severity    checks.Severity
	title       string
	explanation string
	fingerprint string
}

// maxSentFindings bounds the findings the model is asked to judge.
const maxSentFindings = 50

// secondOpinion runs the optional second opinion when the server has a
// model and the base branch's config turns it on. nil means off.
func secondOpinion(ctx context.Context, opts Options, cfg config.Config, pr *PullRequest, files []*reviewedFile, res *Result) *advice {
	if opts.SecondOpinion == nil || !bool(cfg.SecondOpinion) || len(files) == 0 {
		return nil
	}
	req := OpinionRequest{PR: *pr}
	perFile := map[string]int{}
	for _, f := range res.Findings {
		if f.Suppressed {
			continue
		}
		if len(req.Findings) < maxSentFindings {
			req.Findings = append(req.Findings, f)
		}
		perFile[f.Path]++
	}
	byPath := map[string]*reviewedFile{}
	for _, f := range files {
		byPath[f.Path] = f
		req.Files = append(req.Files, OpinionFile{Path: f.Path, Status: f.Status, Patch: f.Patch, Findings: perFile[f.Path]})
	}
	op := opts.SecondOpinion.Opinion(ctx, req)
	if op == nil {
		op = &Opinion{Note: "the second opinion gave no answer."}
	}
	adv := checkOpinion(op, req, byPath)
	opts.Logger.InfoContext(ctx, "second opinion", "model", adv.model, "cached", adv.cached, "failed", adv.failed,
		"verdicts", len(adv.verdicts), "concerns", len(adv.concerns), "dropped", adv.dropped, "note", adv.note)
	return adv
}

// checkOpinion validates an answer against the PR: finding IDs that were
// sent, files of the PR, lines inside the diff, capped and sanitised text.
func checkOpinion(op *Opinion, req OpinionRequest, files map[string]*reviewedFile) *advice {
	adv := &advice{model: op.Model, cached: op.Cached, note: op.Note, omitted: op.Omitted,
		verdicts: map[string]findingVerdict{}}
	if op.Answer == nil {
		adv.failed = true
		if adv.note == "" {
			adv.note = "the model gave no usable answer."
		}
		return adv
	}
	links := allowedLinks(req.PR.Repo)
	for _, v := range op.Answer.Findings {
		n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(v.ID), "F"))
		if err != nil || n < 1 || n > len(req.Findings) || !strings.HasPrefix(strings.TrimSpace(v.ID), "F") {
			continue
		}
		f := req.Findings[n-1]
		if _, dup := adv.verdicts[f.Fingerprint]; dup {
			continue
		}
		adv.verdicts[f.Fingerprint] = findingVerdict{finding: f, verdict: v.Verdict, reason: sanitize(v.Reason, maxReason, links)}
	}
	seen := map[string]bool{}
	for _, c := range op.Answer.Concerns {
		if len(adv.concerns) >= prompts.MaxConcerns {
			adv.dropped++
			continue
		}
		path, rf := lookupFile(c.File, files)
		if rf == nil || c.Line > 0 && !rf.lines.Commentable(c.Line, c.Line) {
			adv.dropped++
			continue
		}
		sev, err := checks.ParseSeverity(c.Severity)
		if err != nil {
			adv.dropped++
			continue
		}
		k := concern{path: path, line: c.Line, severity: sev,
			title: sanitize(c.Title, maxTitle, links), explanation: sanitize(c.Explanation, maxExplanation, links)}
		if k.title == "" {
			adv.dropped++
			continue
		}
		k.fingerprint = advisoryFingerprint(k, rf)
		if seen[k.fingerprint] {
			continue
		}
		seen[k.fingerprint] = true
		adv.concerns = append(adv.concerns, k)
	}
	return adv
}

// lookupFile finds the PR file a model named, forgiving the a/ b/ ./
// prefixes models copy from diffs. Anything else is not the PR's.
func lookupFile(name string, files map[string]*reviewedFile) (string, *reviewedFile) {
	name = strings.TrimSpace(name)
	for _, cand := range []string{name, strings.TrimPrefix(name, "./"), strings.TrimPrefix(name, "b/"), strings.TrimPrefix(name, "a/")} {
		if f, ok := files[cand]; ok {
			return cand, f
		}
	}
	return "", nil
}

// advisoryFingerprint identifies a concern across runs by what it is about,
// not where: the file, the text of its line and its title.
func advisoryFingerprint(c concern, f *reviewedFile) string {
	text := ""
	if c.line > 0 {
		text = strings.TrimSpace(lineText(f.Path, f.Patch)[c.line])
	}
	return hashBytes([]byte(fmt.Sprintf("advisory\x00%s\x00%s\x00%s", c.path, text, strings.ToLower(oneLine(c.title)))))
}
