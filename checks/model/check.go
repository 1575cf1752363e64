package model

import (
	"context"

	"github.com/ward-sec/ward/checks"
)

func init() { checks.Register(check{}) }

// check is the registered model-artifact check.
type check struct{}

func (check) Name() string { return "model" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (check) Version() string { return "1" }

func (check) Rules() []checks.Rule { return rules }

// Scan analyses the file by content whatever its name; Analysed is true
// for every format this package understands.
func (check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Size == 0 || f.Content == nil {
		return checks.Result{}, nil
	}
	fs, ok := analyseIn(ctx, f.Path, f.Content, f.Size, f.Limits, f.Tree)
	return checks.Result{Findings: fs, Analysed: ok}, nil
}
