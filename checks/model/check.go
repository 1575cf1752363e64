package model

import (
	"context"

	"github.com/ward-sec/ward/checks"
)

// New returns the model-artifact check. code, when not nil, is the source
// check run on modules a model archive ships (torch.package): checks/model
// cannot import checks/code, so the caller hands it over.
func New(code checks.Check) checks.Check { return check{code: code} }

// check is the model-artifact check.
type check struct{ code checks.Check }

func (check) Name() string { return "model" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (check) Version() string { return "1" }

func (check) Rules() []checks.Rule { return rules }

// Scan analyses the file by content whatever its name; Analysed is true
// for every format this package understands.
func (c check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Size == 0 || f.Content == nil {
		return checks.Result{}, nil
	}
	fs, ok := analyseIn(ctx, f.Path, f.Content, f.Size, f.Limits, f.Tree, c.code)
	return checks.Result{Findings: fs, Analysed: ok}, nil
}
