package model

import (
	"context"

	"github.com/ward-sec/ward/checks"
)

func init() { checks.Register(check{}) }

// check is the registered model-artifact check.
type check struct{}

func (check) Name() string { return "model" }

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
