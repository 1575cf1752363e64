// Package deps reviews dependency manifests, lock files and the package
// managers' index settings (.npmrc, .yarnrc.yml, pip.conf/pip.ini, uv.toml):
// new, typosquatted, malicious, vulnerable and unpinned dependencies,
// dependency-confusion setups, install scripts and packages fetched from
// outside the registry.
//
// Base and head versions of a manifest are compared: in a pull request only
// dependencies, indexes, scripts and replace directives that are new or
// changed are judged. Without a base version (`ward scan`, or a file the PR
// adds) every dependency is judged — typosquats, known-malicious and
// vulnerable versions, confusion setups, URL/VCS/outside-path installs, loose
// pins in requirements files, install scripts, foreign lock entries — with
// three exceptions that only make sense as a change: the informational
// "new dependency" list, a switched primary index (a private mirror is
// normal), and new lock entries with install scripts or an existing npm
// "prepare" script (too common to report on every scan).
package deps

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/ward-sec/ward/checks"
)

// maxManifestBytes bounds one manifest or lock file.
const maxManifestBytes = 64 << 20

// Check is the dependency check. It is safe for concurrent use.
type Check struct {
	mu  sync.RWMutex
	dir *osvDir
	api *osvAPI
}

// New returns a check that reads OSV data from an export directory and/or an
// OSV querybatch endpoint; both may be empty.
func New(osvDirPath, osvURL string) *Check {
	c := &Check{}
	c.SetOSV(osvDirPath, osvURL)
	return c
}

// SetOSV replaces the check's OSV sources.
func (c *Check) SetOSV(osvDirPath, osvURL string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dir, c.api = nil, nil
	if osvDirPath != "" {
		c.dir = newOSVDir(osvDirPath)
	}
	if osvURL != "" {
		c.api = newOSVAPI(osvURL)
	}
}

func (c *Check) sources() (*osvDir, *osvAPI) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.dir, c.api
}

// Status says which known-malicious data the check uses, for summaries.
func (c *Check) Status() string {
	dir, api := c.sources()
	var parts []string
	if dir != nil {
		parts = append(parts, "OSV export "+dir.dir)
	}
	if api != nil {
		parts = append(parts, "OSV API "+api.url)
	}
	if len(parts) == 0 {
		return fmt.Sprintf("known-malicious checks ran on ward's embedded list only (%d incidents); set WARD_OSV_DIR or WARD_OSV_URL for OSV data", len(floorAdvisories))
	}
	return "known-malicious and vulnerable versions checked against " + strings.Join(parts, " and ") + " plus ward's embedded list"
}

func (c *Check) Name() string { return "deps" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (c *Check) Version() string { return "1" }

func (c *Check) Rules() []checks.Rule { return rules }

// parser reads one manifest format.
type parser func(src string) (*Manifest, error)

// parserFor picks the parser from the file name.
func parserFor(p string) (parser, bool) {
	if strings.Contains("/"+p, "/node_modules/") {
		return nil, false
	}
	base := path.Base(p)
	lower := strings.ToLower(base)
	switch base {
	case "pyproject.toml":
		return ParsePyproject, true
	case "Pipfile":
		return ParsePipfile, true
	case "setup.cfg":
		return ParseSetupCfg, true
	case "package.json":
		return ParsePackageJSON, true
	case "package-lock.json", "npm-shrinkwrap.json":
		return ParsePackageLock, true
	case "yarn.lock":
		return ParseYarnLock, true
	case "pnpm-lock.yaml":
		return ParsePnpmLock, true
	case "go.mod":
		return ParseGoMod, true
	case "uv.lock":
		return ParseUVLock, true
	case "poetry.lock":
		return ParsePoetryLock, true
	case ".npmrc":
		return ParseNpmrc, true
	case ".yarnrc.yml":
		return ParseYarnrc, true
	case "uv.toml":
		return ParseUVToml, true
	case "pip.conf", "pip.ini":
		return ParsePipConf, true
	}
	ext := path.Ext(lower)
	stem := strings.TrimSuffix(lower, ext)
	switch {
	case (ext == ".yml" || ext == ".yaml") && (stem == "environment" || strings.HasPrefix(stem, "environment-") ||
		strings.HasPrefix(stem, "environment_") || strings.HasSuffix(stem, ".environment")):
		return ParseCondaEnv, true
	case (ext == ".txt" || ext == ".in") && strings.HasPrefix(stem, "constraints"):
		return parseConstraints, true
	case ext == ".in" && (strings.Contains(stem, "requirements") || path.Base(path.Dir(p)) == "requirements"):
		return parseRequirementsIn, true
	case ext == ".txt" && (strings.Contains(stem, "requirements") || path.Base(path.Dir(p)) == "requirements"):
		return ParseRequirements, true
	}
	return nil, false
}

// parseRequirementsIn reads a pip-tools input file: its loose ranges are
// intended (pip-compile pins them in the .txt it writes).
func parseRequirementsIn(src string) (*Manifest, error) {
	m, err := ParseRequirements(src)
	if m != nil {
		m.Format, m.App = "requirements.in", false
	}
	return m, err
}

// parseConstraints reads a constraints file: requirement syntax, but it adds
// no dependency of its own, so loose pins there are not a finding.
func parseConstraints(src string) (*Manifest, error) {
	m, err := ParseRequirements(src)
	if m != nil {
		m.Format, m.App = "constraints", false
	}
	return m, err
}

// Scan parses the head (and base) version of a manifest and reports findings.
func (c *Check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	parse, ok := parserFor(f.Path)
	if !ok || f.Binary {
		return checks.Result{}, nil
	}
	res := checks.Result{Analysed: true}
	limit := min(int64(maxManifestBytes), f.Limits.Effective().MaxFileBytes)
	head, err := f.ReadAll(limit)
	if errors.Is(err, checks.ErrTooLarge) {
		res.Findings = append(res.Findings, notAnalysed(fmt.Sprintf(
			"%s is %d bytes, over the %d-byte limit for dependency files: its dependencies were not reviewed.",
			path.Base(f.Path), f.Size, limit), "size limit"))
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("read %s: %w", f.Path, err)
	}
	hm, err := parse(string(head))
	if err != nil {
		res.Findings = append(res.Findings, notAnalysed(fmt.Sprintf(
			"%s could not be parsed (%v), so the dependencies it declares were not fully reviewed.",
			path.Base(f.Path), err), "parse error"))
		if hm == nil {
			return res, nil
		}
	}
	redactManifest(hm)
	var bm *Manifest
	if f.Base != nil {
		if b, err := f.Base.ReadAll(limit, f.Limits); err == nil {
			if m, err := parse(string(b)); err == nil {
				redactManifest(m)
				bm = m
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	res.Findings = append(res.Findings, c.review(ctx, f.Path, string(head), hm, bm)...)
	return res, nil
}

func notAnalysed(msg, evidence string) checks.Finding {
	return checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityMedium, Message: msg, Evidence: evidence}
}

// WantsBase asks the review for the base version of every manifest: the
// check compares the two to judge only new and changed dependencies.
func (c *Check) WantsBase(p string) bool {
	_, ok := parserFor(p)
	return ok
}

var _ checks.BaseReader = (*Check)(nil)
