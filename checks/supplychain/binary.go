// Package supplychain holds checks for what a PR brings in from elsewhere:
// committed executables, dependencies, GitHub Actions and agent configuration.
package supplychain

import (
	"bytes"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Rule IDs of the binary check.
const (
	RuleExecutable     = "binary-executable"
	RuleLFSPointer     = "binary-lfs-pointer"
	RulePythonBytecode = "binary-python-bytecode"
)

// NewBinary returns the check that recognises executables, Git LFS
// pointers and Python bytecode by content.
func NewBinary() checks.Check { return binaryCheck{} }

// binaryCheck recognises executables and Git LFS pointers by content.
type binaryCheck struct{}

func (binaryCheck) Name() string { return "binary" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (binaryCheck) Version() string { return "1" }

func (binaryCheck) Rules() []checks.Rule {
	return []checks.Rule{
		{
			ID:       RuleExecutable,
			Title:    "Committed executable or shared library",
			Severity: checks.SeverityHigh,
			Family:   "binary",
			Why: "A compiled executable or shared library cannot be reviewed in a pull request: whatever " +
				"it does runs with the permissions of whoever builds, tests or imports the project. " +
				"Prebuilt binaries are a classic way to slip a backdoor past review (xz-utils, CVE-2024-3094, " +
				"hid its payload in committed binary test files).",
			Fix: "Remove the binary and build it from reviewed source in CI, or fetch it at build time from " +
				"a release you verify by checksum or signature.",
			FixExample: "git rm --cached tools/helper.so\n" +
				"# Makefile: build it from source instead\n" +
				"tools/helper.so: tools/helper.c\n\t$(CC) -shared -o $@ $<",
			References: []string{"CWE-506", "CWE-494", "CVE-2024-3094"},
		},
		{
			ID:       RulePythonBytecode,
			Title:    "Committed Python bytecode (.pyc)",
			Severity: checks.SeverityHigh,
			Family:   "binary",
			Why: "A .pyc file is compiled Python that runs when its module is imported, and nobody can read it " +
				"in a pull request. Python imports a .pyc in __pycache__ instead of the .py next to it when the " +
				"source size and modification time (or hash) it records match, and imports a .pyc with no " +
				"source at all: harmless-looking source can ship with different bytecode.",
			Fix: "Delete the bytecode, ignore it in git, and let Python compile the reviewed source on install.",
			FixExample: "git rm -r --cached '*.pyc' '**/__pycache__'\n" +
				"printf '__pycache__/\\n*.py[cod]\\n' >> .gitignore",
			References: []string{"CWE-506", "CWE-494"},
		},
		{
			ID:       RuleLFSPointer,
			Title:    "Git LFS object not reviewed",
			Severity: checks.SeverityMedium,
			Family:   "binary",
			Why: "The file is a Git LFS pointer: the real content lives in LFS storage and is not part of " +
				"the diff. Model checkpoints are often stored this way, and a pickle-based checkpoint runs " +
				"code when it is loaded.",
			Fix: "Let ward read the object through the LFS API (the App does this when it has contents " +
				"access), or save the model as safetensors, which cannot carry code, from the code that trained it. " +
				"Do not load an unreviewed checkpoint to convert it.",
			FixExample: "# in the trusted training code:\n" +
				"from safetensors.torch import save_file\nsave_file(model.state_dict(), 'model.safetensors')",
			References: []string{"CWE-502"},
		},
	}
}

func (c binaryCheck) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	head := f.Head(1024)
	if kind, ok := executableKind(f, head); ok {
		return checks.Result{Analysed: true, Findings: []checks.Finding{{
			RuleID:   RuleExecutable,
			Severity: checks.SeverityHigh,
			Message: fmt.Sprintf("%s (%d bytes). Nobody can review what it does from the pull request; "+
				"it runs with the rights of whoever builds or imports the project.", kind, f.Size),
			Evidence: kind,
		}}}, nil
	}
	if kind, ok := pythonBytecode(head); ok {
		return checks.Result{Analysed: true, Findings: []checks.Finding{{
			RuleID:   RulePythonBytecode,
			Severity: checks.SeverityHigh,
			Message: fmt.Sprintf("%s (%d bytes). It runs when its module is imported, and can take the place "+
				"of the reviewed source; nobody can read it in the pull request.", kind, f.Size),
			Evidence: kind,
		}}}, nil
	}
	if _, ok := inertFormat(head); ok {
		// Recognised media, font, document or data: nothing to report.
		return checks.Result{Analysed: true}, nil
	}
	if oid, size, ok := checks.ParseLFSPointer(head); ok && f.Size < 1024 {
		if kind, ok := mediaExtensions[strings.ToLower(path.Ext(f.Path))]; ok {
			// Repositories keep screenshots and audio samples in LFS. A model
			// loader does not open an image by name, so say it, quietly.
			return checks.Result{Analysed: true, Findings: []checks.Finding{{
				RuleID:   RuleLFSPointer,
				Severity: checks.SeverityLow,
				Message: fmt.Sprintf("Git LFS pointer to a %d-byte object named as %s (sha256:%s). Its content "+
					"was not reviewed; only the pointer is in the diff.", size, kind, shortOID(oid)),
				Evidence: oid,
			}}}, nil
		}
		return checks.Result{Analysed: true, Findings: []checks.Finding{{
			RuleID:   RuleLFSPointer,
			Severity: checks.SeverityMedium,
			Message: fmt.Sprintf("Git LFS pointer to a %d-byte object (sha256:%s). The artifact itself was "+
				"not reviewed: only the pointer is in the diff.", size, shortOID(oid)),
			Evidence: oid,
		}}}, nil
	}
	return checks.Result{}, nil
}

// executableKind describes the executable format of the content, confirmed by
// the standard library's parsers. Content with a magic number that the parser
// rejects is still reported: a loader may accept what debug/* refuses.
func executableKind(f *checks.File, head []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		ef, err := elf.NewFile(f.Content)
		if err != nil {
			return "Malformed ELF file (" + err.Error() + ")", true
		}
		return fmt.Sprintf("ELF %s for %s", elfType(ef.Type), strings.TrimPrefix(ef.Machine.String(), "EM_")), true
	case bytes.HasPrefix(head, []byte("MZ")):
		pf, err := pe.NewFile(f.Content)
		if err != nil {
			return "", false // "MZ" alone is too common in text to mean anything
		}
		kind := "PE executable"
		if pf.Characteristics&pe.IMAGE_FILE_DLL != 0 {
			kind = "PE DLL"
		}
		return fmt.Sprintf("%s for machine 0x%x", kind, pf.Machine), true
	case len(head) >= 4 && isMachOMagic(binary.LittleEndian.Uint32(head)):
		mf, err := macho.NewFile(f.Content)
		if err != nil {
			return "Malformed Mach-O file (" + err.Error() + ")", true
		}
		return fmt.Sprintf("Mach-O %s for %s", strings.ToLower(strings.TrimPrefix(mf.Type.String(), "Mach")), mf.Cpu), true
	case bytes.HasPrefix(head, []byte{0xca, 0xfe, 0xba, 0xbe}):
		// Java class files share this magic; only a valid fat header counts.
		if ff, err := macho.NewFatFile(f.Content); err == nil {
			return fmt.Sprintf("Mach-O universal binary with %d architectures", len(ff.Arches)), true
		}
	}
	return "", false
}

// pycVersions maps CPython's bytecode magic numbers to releases
// (importlib's MAGIC_NUMBER history).
var pycVersions = []struct {
	lo, hi  uint16
	version string
}{
	{3390, 3394, "3.7"}, {3400, 3413, "3.8"}, {3420, 3425, "3.9"}, {3430, 3439, "3.10"},
	{3450, 3495, "3.11"}, {3500, 3531, "3.12"}, {3550, 3571, "3.13"}, {3600, 3627, "3.14"},
}

// pythonBytecode recognises a CPython .pyc header: a 2-byte magic number
// followed by "\r\n" and, since 3.7, a flags word (PEP 552) of 0, 1 or 3.
func pythonBytecode(head []byte) (string, bool) {
	if len(head) < 16 || head[2] != '\r' || head[3] != '\n' {
		return "", false
	}
	magic := binary.LittleEndian.Uint16(head)
	switch {
	case magic == 62211: // 2.7
		return "Python 2.7 bytecode", true
	case magic < 3000 || magic >= 4000:
		return "", false
	case magic >= 3390:
		if flags := binary.LittleEndian.Uint32(head[4:]); flags != 0 && flags != 1 && flags != 3 {
			return "", false
		}
	}
	for _, v := range pycVersions {
		if v.lo <= magic && magic <= v.hi {
			return "Python " + v.version + " bytecode", true
		}
	}
	return fmt.Sprintf("Python bytecode (magic number %d)", magic), true
}

func isMachOMagic(m uint32) bool {
	switch m {
	case macho.Magic32, macho.Magic64, 0xcefaedfe, 0xcffaedfe:
		return true
	}
	return false
}

func elfType(t elf.Type) string {
	switch t {
	case elf.ET_EXEC:
		return "executable"
	case elf.ET_DYN:
		return "shared object or PIE executable"
	case elf.ET_REL:
		return "relocatable object"
	case elf.ET_CORE:
		return "core dump"
	}
	return "file of type " + t.String()
}

func shortOID(oid string) string {
	if len(oid) > 12 {
		return oid[:12] + "…"
	}
	return oid
}
