// Package all builds ward's check set: every family, constructed in a
// fixed order. cmd calls it once and hands the set down; no check is
// registered at init.
package all

import (
	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/code"
	"github.com/ward-sec/ward/checks/hub"
	"github.com/ward-sec/ward/checks/model/family"
	"github.com/ward-sec/ward/checks/secrets"
	"github.com/ward-sec/ward/checks/supplychain"
	"github.com/ward-sec/ward/checks/supplychain/actions"
	"github.com/ward-sec/ward/checks/supplychain/agent"
	"github.com/ward-sec/ward/checks/supplychain/deps"
)

// Options is what the checks take from outside (cmd owns the environment).
type Options struct {
	// OSVDir and OSVURL are the dependency check's OSV sources (an export
	// directory, a querybatch endpoint); both may be empty.
	OSVDir, OSVURL string
}

// New constructs every check family. It also makes the set's rules (and
// the Hub's) the rule catalogue and installs the secrets masker, so that
// every finding leaving the checks is masked and every rule ID resolves.
func New(o Options) []checks.Check {
	src := code.New()                     // the model check runs it on modules inside archives
	set := []checks.Check{src}            // source rules: model loading, LLM output, classic flaws
	set = append(set, family.New(src)...) // model artifacts in every format
	set = append(set,
		secrets.New(),                // leaked AI-provider and other credentials, .env files
		supplychain.NewBinary(),      // executables, LFS pointers, Python bytecode
		actions.New(),                // GitHub Actions workflows and action metadata
		agent.New(),                  // hidden Unicode, MCP server configurations
		deps.New(o.OSVDir, o.OSVURL), // dependency manifests and lock files
	)
	checks.UseRules(set, hub.Rules...)
	checks.SetMasker(secrets.Masker())
	return set
}

// Default is New without OSV sources (the embedded list only): tests and
// tools that read no environment.
func Default() []checks.Check { return New(Options{}) }
