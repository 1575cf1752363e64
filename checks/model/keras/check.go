package keras

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model"
	"github.com/ward-sec/ward/checks/model/keras/hdf5"
	"github.com/ward-sec/ward/checks/model/pyjson"
)

// New returns the check.
func New() checks.Check { return check{} }

type check struct{}

func (check) Name() string { return "keras" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (check) Version() string { return "1" }

func (check) Rules() []checks.Rule { return rules }

// zipHeadHDF5Probe is how far into a zip the HDF5 superblock is searched.
const zipHeadHDF5Probe = 128 << 10

// maxConfigBytes bounds the configuration read from one model.
const maxConfigBytes = 64 << 20

func (check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Size < 8 || f.Content == nil {
		return checks.Result{}, nil
	}
	// A zip that starts as one is read first: the HDF5 superblock search
	// reads at offsets up to 1 MiB, which costs a large checkpoint in Git
	// LFS a ranged request each. A zip that is no Keras archive is still
	// searched for an HDF5 superblock in its first block (already read), so
	// a zip/HDF5 polyglot named .h5 is not waved through.
	if bytes.HasPrefix(f.Head(4), []byte("PK\x03\x04")) {
		if zr, err := zip.NewReader(f.Content, f.Size); err == nil {
			model.RegisterZipMethods(zr, maxConfigBytes)
			res, err := scanArchive(ctx, f, zr)
			if err != nil || res.Analysed || len(res.Findings) > 0 {
				return res, err
			}
			if _, ok := hdf5.Sniff(f.Content, min(f.Size, zipHeadHDF5Probe)); ok {
				return scanHDF5(ctx, f)
			}
			return res, nil
		}
	}
	if _, ok := hdf5.Sniff(f.Content, f.Size); ok {
		return scanHDF5(ctx, f)
	}
	// Python's zipfile (which Keras uses) finds the archive from its end,
	// so a .keras archive behind a prefix loads like any other
	if zr, err := zip.NewReader(f.Content, f.Size); err == nil {
		model.RegisterZipMethods(zr, maxConfigBytes)
		return scanArchive(ctx, f, zr)
	}
	if f.Size <= maxConfigBytes && looksJSONObject(f.Head(16)) {
		return scanConfigFile(ctx, f)
	}
	return checks.Result{}, nil
}

// looksJSONObject: the file starts with "{" in any encoding Python's json
// reads (UTF-8 with or without a BOM, UTF-16, UTF-32).
func looksJSONObject(head []byte) bool {
	t, err := PythonJSONText(head[:len(head)/4*4])
	if err != nil {
		return false
	}
	t = bytes.TrimLeft(t, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// scanConfigFile reads a Keras model config outside an archive: the
// config.json of an unzipped .keras folder (next to model.weights.h5),
// or what model.to_json() wrote. It is one when its top level is a
// serialised Keras object ({"class_name": …, "config": {…}}).
func scanConfigFile(ctx context.Context, f *checks.File) (checks.Result, error) {
	raw, err := f.ReadAll(maxConfigBytes)
	if err != nil {
		return checks.Result{}, nil
	}
	text, err := PythonJSONText(raw)
	if err != nil {
		return checks.Result{}, nil
	}
	if !pyjson.MentionsKey(text, "class_name") {
		return checks.Result{}, nil // most JSON files end here, unparsed
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(text, &top) != nil {
		return checks.Result{}, nil
	}
	var cls string
	if json.Unmarshal(top["class_name"], &cls) != nil || cls == "" || len(top["config"]) == 0 {
		return checks.Result{}, nil
	}
	if err := ctx.Err(); err != nil {
		return checks.Result{}, err
	}
	prefix := fmt.Sprintf("%s is a Keras model config (what keras.models.load_model reads from an unzipped .keras folder or model_from_json). ", path.Base(f.Path))
	return checks.Result{Analysed: true, Findings: configFindings(raw, path.Base(f.Path), prefix)}, nil
}

// scanHDF5 reads the root group's attributes; a file without model_config
// is an HDF5 data file (for example Keras 3 weights), analysed and clean.
func scanHDF5(ctx context.Context, f *checks.File) (checks.Result, error) {
	prefix := namePrefix(f.Path, "Keras HDF5 model", ".h5", ".hdf5", ".keras")
	h, err := hdf5.Open(f.Content, f.Size)
	if err != nil {
		return checks.Result{Analysed: true, Findings: []checks.Finding{{RuleID: RuleMalformed, Severity: checks.SeverityMedium,
			Message:  prefix + fmt.Sprintf("The file has an HDF5 signature but its superblock does not parse (%v); its attributes were not checked.", err),
			Evidence: "superblock"}}}, nil
	}
	h.MaxValueBytes = min(maxConfigBytes, f.Limits.Effective().MaxFileBytes)
	attrs, aerr := h.RootAttributes()
	var configs []hdf5.Attribute
	keras := false
	for _, a := range attrs {
		switch a.Name {
		case "model_config", "training_config":
			configs = append(configs, a)
			keras = true
		case "keras_version", "backend":
			keras = true
		}
	}
	var out []checks.Finding
	for _, a := range configs {
		if err := ctx.Err(); err != nil {
			return checks.Result{Analysed: true, Findings: out}, err
		}
		for _, s := range a.Strings {
			out = append(out, configFindings([]byte(s), a.Name, prefix)...)
		}
	}
	if aerr != nil {
		sev, rule := checks.SeverityMedium, RuleNotAnalysed
		// Unread dense storage may hold every root attribute, model_config
		// included: whether the file is a Keras model is unknown.
		if keras || errors.Is(aerr, hdf5.ErrDenseAttributes) {
			sev = checks.SeverityHigh
		}
		what := "not fully analysed: " + aerr.Error()
		if !errors.Is(aerr, hdf5.ErrLimit) && !errors.Is(aerr, hdf5.ErrUnsupported) {
			rule, what = RuleMalformed, "malformed: "+aerr.Error()
			sev = checks.SeverityMedium
		}
		out = append(out, checks.Finding{RuleID: rule, Severity: sev,
			Message:  prefix + fmt.Sprintf("HDF5 root group %s. Attributes past that point were not checked.", what),
			Evidence: "root attributes"})
	}
	out = append(out, pickledAttributes(ctx, f, h, prefix)...)
	return checks.Result{Analysed: true, Findings: out}, nil
}

// pickledAttributes: PyTables (tables.open_file, pandas.read_hdf and
// HDFStore) unpickles a fixed-length string attribute of any group or
// dataset whose value ends with "." as it reads it (tables/attributeset.py;
// pandas writes its own metadata that way, protocol 0). Each such value is
// analysed like any pickle file; what does not parse as a pickle is left
// alone, as PyTables keeps it as a string.
func pickledAttributes(ctx context.Context, f *checks.File, h *hdf5.File, prefix string) []checks.Finding {
	var out []checks.Finding
	var unread []string
	werr := h.Walk(func(o hdf5.Object) {
		if o.Err != nil && o.Path != "/" { // the root's are reported with the Keras config
			unread = append(unread, o.Path+": "+o.Err.Error())
		}
		for _, a := range o.Attributes {
			if a.Class != 3 || len(a.Strings) != 1 || ctx.Err() != nil {
				continue // PyTables unpickles NumPy bytes scalars only
			}
			v := a.Strings[0]
			if len(v) < 2 || v[len(v)-1] != '.' {
				continue
			}
			where := fmt.Sprintf("attribute %s of %s", a.Name, o.Path)
			fs, ok := model.Analyse(ctx, where, strings.NewReader(v), int64(len(v)), f.Limits)
			if !ok {
				continue
			}
			for _, x := range fs {
				if strings.HasPrefix(x.RuleID, "model-pickle-") {
					x.Path = ""
					x.Message = prefix + "PyTables (pandas.read_hdf) unpickles the " + where + ": " + x.Message
					x.Evidence = where + ": " + strings.TrimPrefix(x.Evidence, ": ")
					out = append(out, x)
				}
			}
		}
	})
	if werr != nil {
		unread = append(unread, werr.Error())
	}
	if len(unread) > 0 {
		if len(unread) > 3 {
			unread = append(unread[:3], fmt.Sprintf("%d more", len(unread)-3))
		}
		out = append(out, checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityMedium,
			Message: prefix + "Not every group and dataset of the HDF5 file could be read (" + strings.Join(unread, "; ") +
				"); attributes there, which PyTables would unpickle when they end in '.', were not checked.", Evidence: "HDF5 groups"})
	}
	return out
}

// scanArchive reads config.json of a Keras 3 .keras zip archive. Other zip
// files are left to the archive analysis of the model package.
func scanArchive(ctx context.Context, f *checks.File, zr *zip.Reader) (checks.Result, error) {
	var config *zip.File
	for _, m := range zr.File {
		if m.Name == "config.json" {
			config = m // Keras 3 loads config.json whether or not metadata.json exists
		}
	}
	if config == nil {
		return checks.Result{}, nil
	}
	raw, err := readMember(config, min(maxConfigBytes, f.Limits.Effective().MaxDecompressedBytes))
	if text, terr := PythonJSONText(raw); err == nil && (terr != nil || !pyjson.MentionsKey(text, "class_name")) {
		return checks.Result{}, nil // a zip with some other config.json
	}
	prefix := namePrefix(f.Path, "Keras 3 archive", ".keras")
	if err != nil {
		return checks.Result{Analysed: true, Findings: []checks.Finding{{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message: prefix + fmt.Sprintf("config.json not fully analysed: %v.", err), Evidence: "config.json"}}}, nil
	}
	if err := ctx.Err(); err != nil {
		return checks.Result{Analysed: true}, err
	}
	return checks.Result{Analysed: true, Findings: configFindings(raw, "config.json", prefix)}, nil
}

func readMember(m *zip.File, max int64) ([]byte, error) {
	if m.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%s is %d bytes, over the %d-byte limit", m.Name, m.UncompressedSize64, max)
	}
	rc, err := m.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s decompresses to more than %d bytes (limit)", m.Name, max)
	}
	return b, nil
}

// configFindings turns a configuration's problems into findings.
func configFindings(raw []byte, where, prefix string) []checks.Finding {
	probs, err := AnalyseConfig(raw, where)
	var out []checks.Finding
	for _, p := range probs {
		out = append(out, checks.Finding{RuleID: p.Rule, Severity: p.Severity, Message: prefix + p.Message, Evidence: p.Evidence})
	}
	switch {
	case err == nil:
	case errors.Is(err, ErrLimit):
		out = append(out, checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message: prefix + fmt.Sprintf("not fully analysed: %v.", err), Evidence: where + " limit"})
	default:
		out = append(out, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityMedium,
			Message: prefix + fmt.Sprintf("%v. Keras refuses the model; its layers were not checked.", err), Evidence: where})
	}
	return out
}

// namePrefix explains the format when the file name does not.
func namePrefix(p, kind string, exts ...string) string {
	ext := strings.ToLower(path.Ext(p))
	for _, e := range exts {
		if ext == e {
			return ""
		}
	}
	return fmt.Sprintf("%s is a %s by content. ", path.Base(p), kind)
}
