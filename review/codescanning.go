package review

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"

	"github.com/ward-sec/ward/checks"
)

// SARIFUploader is implemented by GitHub clients that can upload a SARIF
// log to code scanning (POST /repos/{o}/{r}/code-scanning/sarifs, which
// needs the App's security_events: write).
type SARIFUploader interface {
	// UploadSARIF sends sarif, gzip-compressed and base64-encoded as the
	// API wants it, for the commit and ref it describes.
	UploadSARIF(ctx context.Context, commitSHA, ref, sarif string) error
}

// EncodeSARIF gzips and base64-encodes a SARIF log, the form the code
// scanning API takes.
func EncodeSARIF(sarif []byte) (string, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(sarif); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// uploadCodeScanning sends the review's findings to code scanning when the
// base branch's ward.yml says `code_scanning: on`, so they appear in the
// Security tab. It is in addition to the check run: a failed upload is
// logged and changes nothing of the review.
func uploadCodeScanning(ctx context.Context, gh GitHub, pr *PullRequest, findings []checks.Finding, log *slog.Logger) {
	up, ok := gh.(SARIFUploader)
	if !ok || pr.MergeGroup {
		return // a merge group's commit is no PR ref code scanning shows
	}
	var buf bytes.Buffer
	if err := checks.WriteSARIF(&buf, checks.Report{Tool: "ward", Findings: findings}); err != nil {
		log.WarnContext(ctx, "code scanning: SARIF not written", "err", err)
		return
	}
	enc, err := EncodeSARIF(buf.Bytes())
	if err != nil {
		log.WarnContext(ctx, "code scanning: SARIF not compressed", "err", err)
		return
	}
	ref := fmt.Sprintf("refs/pull/%d/head", pr.Number)
	if err := up.UploadSARIF(ctx, pr.HeadSHA, ref, enc); err != nil {
		log.WarnContext(ctx, "code scanning: upload failed", "err", err, "ref", ref)
		return
	}
	log.InfoContext(ctx, "code scanning: SARIF uploaded", "ref", ref, "findings", len(findings))
}
