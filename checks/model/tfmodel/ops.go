package tfmodel

import (
	"fmt"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Problem is one dangerous op, found in a graph or function.
type Problem struct {
	Severity checks.Severity
	Op       string
	Where    string
	Message  string
	Evidence string
}

// opRisk says what each op does to the machine running the graph.
var opRisk = map[string]struct {
	sev  checks.Severity
	does string
}{
	"WriteFile":       {checks.SeverityCritical, "writes bytes the graph chooses to a file path when the model runs (overwriting shell start-up files or Python modules is code execution)"},
	"ReadFile":        {checks.SeverityHigh, "reads any file the serving process can read (keys, credentials) into the model's outputs"},
	"PyFunc":          {checks.SeverityHigh, "calls a Python function of the loading process (tf.numpy_function/py_func): code outside the graph that nobody can review in the file"},
	"PyFuncStateless": {checks.SeverityHigh, "calls a Python function of the loading process (tf.numpy_function): code outside the graph"},
	"EagerPyFunc":     {checks.SeverityHigh, "calls a Python function of the loading process (tf.py_function): code outside the graph"},
	"MatchingFiles":   {checks.SeverityMedium, "lists files matching a glob on the serving machine (reconnaissance before ReadFile)"},
	// writers: a path the graph chooses gets bytes the graph chooses
	"DatasetToTFRecord":             {checks.SeverityCritical, "writes a whole dataset to a TFRecord file at a path the graph chooses"},
	"ExperimentalDatasetToTFRecord": {checks.SeverityCritical, "writes a whole dataset to a TFRecord file at a path the graph chooses"},
	"SaveDataset":                   {checks.SeverityCritical, "writes a dataset to a folder the graph chooses"},
	"SaveDatasetV2":                 {checks.SeverityCritical, "writes a dataset to a folder the graph chooses"},
	"DistributedSave":               {checks.SeverityCritical, "writes a dataset to a folder the graph chooses"},
	"CacheDataset":                  {checks.SeverityHigh, "caches a dataset in files under a path the graph chooses"},
	"CacheDatasetV2":                {checks.SeverityHigh, "caches a dataset in files under a path the graph chooses"},
	"CreateSummaryFileWriter":       {checks.SeverityHigh, "creates an event file in a folder the graph chooses"},
	"CreateSummaryDbWriter":         {checks.SeverityHigh, "opens an SQLite database at a path the graph chooses"},
	"WriteSummary":                  {checks.SeverityHigh, "writes to a summary file"},
	"WriteScalarSummary":            {checks.SeverityHigh, "writes to a summary file"},
	"WriteRawProtoSummary":          {checks.SeverityHigh, "writes to a summary file"},
	// readers: files of the serving machine flow into the model
	"InitializeTableFromTextFile":   {checks.SeverityHigh, "fills a lookup table from a text file on the serving machine"},
	"InitializeTableFromTextFileV2": {checks.SeverityHigh, "fills a lookup table from a text file on the serving machine"},
	"InitializeTableFromDataset":    {checks.SeverityHigh, "fills a lookup table from a dataset, which may read files"},
	"WholeFileReader":               {checks.SeverityHigh, "creates a reader that returns whole files of the serving machine"},
	"WholeFileReaderV2":             {checks.SeverityHigh, "creates a reader that returns whole files of the serving machine"},
	"TextLineReader":                {checks.SeverityHigh, "creates a reader of text files"},
	"TextLineReaderV2":              {checks.SeverityHigh, "creates a reader of text files"},
	"TFRecordReader":                {checks.SeverityHigh, "creates a reader of TFRecord files"},
	"TFRecordReaderV2":              {checks.SeverityHigh, "creates a reader of TFRecord files"},
	"FixedLengthRecordReader":       {checks.SeverityHigh, "creates a reader of binary files"},
	"FixedLengthRecordReaderV2":     {checks.SeverityHigh, "creates a reader of binary files"},
	"IdentityReader":                {checks.SeverityHigh, "creates a reader over a queue of file names"},
	"IdentityReaderV2":              {checks.SeverityHigh, "creates a reader over a queue of file names"},
	"LMDBReader":                    {checks.SeverityHigh, "creates a reader of LMDB databases"},
	"ReaderRead":                    {checks.SeverityHigh, "reads the next record of a file through a reader"},
	"ReaderReadV2":                  {checks.SeverityHigh, "reads the next record of a file through a reader"},
	"ReaderReadUpTo":                {checks.SeverityHigh, "reads records of a file through a reader"},
	"ReaderReadUpToV2":              {checks.SeverityHigh, "reads records of a file through a reader"},
	"TFRecordDataset":               {checks.SeverityHigh, "builds a dataset from TFRecord files on the serving machine"},
	"TFRecordDatasetV2":             {checks.SeverityHigh, "builds a dataset from TFRecord files on the serving machine"},
	"TextLineDataset":               {checks.SeverityHigh, "builds a dataset from text files on the serving machine"},
	"FixedLengthRecordDataset":      {checks.SeverityHigh, "builds a dataset from binary files on the serving machine"},
	"FixedLengthRecordDatasetV2":    {checks.SeverityHigh, "builds a dataset from binary files on the serving machine"},
	"CSVDataset":                    {checks.SeverityHigh, "builds a dataset from CSV files on the serving machine"},
	"CSVDatasetV2":                  {checks.SeverityHigh, "builds a dataset from CSV files on the serving machine"},
	"LoadDataset":                   {checks.SeverityHigh, "loads a saved dataset from a folder"},
	"SnapshotDataset":               {checks.SeverityHigh, "reads and writes dataset snapshots under a path"},
	"SnapshotDatasetV2":             {checks.SeverityHigh, "reads and writes dataset snapshots under a path"},
	"MatchingFilesDataset":          {checks.SeverityHigh, "lists files of the serving machine as a dataset"},
	"SqlDataset":                    {checks.SeverityHigh, "queries a database file"},
	"LoadAndRemapMatrix":            {checks.SeverityHigh, "reads a checkpoint from a path the graph chooses"},
	"GeneratorDataset":              {checks.SeverityHigh, "calls Python functions of the loading process to produce elements"},
	"DebugIdentity":                 {checks.SeverityHigh, "sends tensors to debug URLs (files or gRPC) the graph names"},
	"DebugIdentityV2":               {checks.SeverityHigh, "sends tensors to debug URLs (files or gRPC) the graph names"},
	"DebugIdentityV3":               {checks.SeverityHigh, "sends tensors to debug URLs (files or gRPC) the graph names"},
	"DebugNumericSummary":           {checks.SeverityHigh, "sends tensors to debug URLs (files or gRPC) the graph names"},
	"ImmutableConst":                {checks.SeverityMedium, "memory-maps a file by path from the serving machine"},
}

// saveOps write a checkpoint to their first input (a prefix or file name);
// restoreOps read one.
var saveOps = map[string]bool{"Save": true, "SaveV2": true, "SaveSlices": true, "MergeV2Checkpoints": true}
var restoreOps = map[string]bool{"Restore": true, "RestoreV2": true, "RestoreSlice": true}

// inspect reports the dangerous ops of one graph or function. String
// constants of the same graph resolve path inputs where they are fixed.
func inspect(g Graph, funcs map[string]bool) []Problem {
	byName := map[string]Node{}
	for _, n := range g.Nodes {
		byName[n.Name] = n
	}
	// resolve follows a path input to a string constant through Identity
	// and StringJoin, as tf.io.write_file(prefix + "x", …) builds it.
	var resolve func(in string, depth int) (string, bool)
	resolve = func(in string, depth int) (string, bool) {
		n, ok := byName[inputNode(in)]
		if !ok || depth > 8 {
			return "", false
		}
		switch n.Op {
		case "Const":
			if v := n.Strings["value"]; len(v) == 1 {
				return v[0], true
			}
		case "Identity", "Snapshot", "StopGradient", "PlaceholderWithDefault":
			if len(n.Inputs) > 0 {
				return resolve(n.Inputs[0], depth+1)
			}
		case "StringJoin":
			sep := ""
			if s := n.Strings["separator"]; len(s) == 1 {
				sep = s[0]
			}
			var parts []string
			for _, x := range n.Inputs {
				if strings.HasPrefix(x, "^") {
					continue
				}
				p, ok := resolve(x, depth+1)
				if !ok {
					return "", false
				}
				parts = append(parts, p)
			}
			return strings.Join(parts, sep), len(parts) > 0
		}
		return "", false
	}
	arg := func(n Node, i int) (string, bool) {
		if i >= len(n.Inputs) {
			return "", false
		}
		return resolve(n.Inputs[i], 0)
	}
	var out []Problem
	for _, n := range g.Nodes {
		if assetTables[n.Op] {
			// vocabulary tables of TF Hub and Keras text models read
			// assets/vocab.txt, whose path the SavedModel loader feeds
			if p, ok := arg(n, 1); !ok {
				out = append(out, Problem{checks.SeverityMedium, n.Op, g.Where, fmt.Sprintf("%s op %q in %s fills a lookup "+
					"table from a text file whose path is fed at load time (normally the SavedModel's assets/); check which "+
					"file it names.", n.Op, n.Name, g.Where), n.Op})
				continue
			} else if insideAssets(p) {
				continue
			}
		}
		if r, ok := opRisk[n.Op]; ok {
			msg := fmt.Sprintf("%s op %q in %s %s.", n.Op, n.Name, g.Where, r.does)
			ev := n.Op
			if p, ok := arg(n, 0); ok && n.Op != "PyFunc" && n.Op != "PyFuncStateless" && n.Op != "EagerPyFunc" {
				msg += fmt.Sprintf(" Its path is the constant %q.", clip(p))
				ev += " " + clip(p)
			}
			if tok := n.Strings["token"]; len(tok) > 0 {
				msg += fmt.Sprintf(" Python function token: %q.", clip(tok[0]))
			}
			sev := r.sev
			if n.Op == "ImmutableConst" {
				// TensorFlow's memmapped format names regions
				// memmapped_package://…, inside its own package; any other
				// name is a file path the default Env maps into the tensor
				for _, p := range n.Strings["memory_region_name"] {
					if !strings.HasPrefix(p, "memmapped_package://") {
						sev = checks.SeverityHigh
						msg += fmt.Sprintf(" Its memory region is the file %q, whose bytes become the tensor's value.", clip(p))
						ev += " " + clip(p)
						break
					}
				}
			}
			out = append(out, Problem{sev, n.Op, g.Where, msg, ev})
			continue
		}
		switch {
		case saveOps[n.Op] || restoreOps[n.Op]:
			p, ok := arg(n, 0)
			if !ok || insideVariables(p) {
				continue // the checkpoint machinery feeds a placeholder or a variables/ path
			}
			sev, does := checks.SeverityHigh, "writes a checkpoint to"
			if restoreOps[n.Op] {
				sev, does = checks.SeverityMedium, "reads tensors from"
			}
			out = append(out, Problem{sev, n.Op, g.Where, fmt.Sprintf("%s op %q in %s %s the fixed path %q, outside the "+
				"SavedModel's variables/ folder: running the graph touches an arbitrary file of the serving machine.",
				n.Op, n.Name, g.Where, does, clip(p)), n.Op + " " + clip(p)})
		case !pureOps[n.Op] && !funcs[n.Op] && n.Op != "":
			out = append(out, Problem{checks.SeverityHigh, n.Op, g.Where, fmt.Sprintf("%s op %q in %s is not one of the "+
				"TensorFlow ops ward knows to be pure computation (no files, network, Python or file-backed datasets "+
				"and tables): running the graph does whatever that op does on the serving machine.", n.Op, n.Name, g.Where),
				n.Op})
		case n.Op == "PrintV2":
			for _, s := range n.Strings["output_stream"] {
				if strings.HasPrefix(s, "file://") {
					out = append(out, Problem{checks.SeverityHigh, n.Op, g.Where, fmt.Sprintf("PrintV2 op %q in %s appends "+
						"tensor values to the file %q whenever the graph runs.", n.Name, g.Where, clip(s)), "PrintV2 " + clip(s)})
				}
			}
		}
	}
	return out
}

// assetTables are the table initialisers SavedModels point at assets/.
var assetTables = map[string]bool{"InitializeTableFromTextFile": true, "InitializeTableFromTextFileV2": true}

// insideAssets accepts relative paths under assets/ (or a bare file name,
// which the loader resolves there) without "..".
func insideAssets(p string) bool {
	if strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.Contains(p, "..") || strings.Contains(p, "://") ||
		strings.Contains(p, ":") || strings.HasPrefix(p, "~") {
		return false
	}
	c := path.Clean(p)
	return strings.HasPrefix(c, "assets/") || !strings.Contains(c, "/")
}

// insideVariables accepts relative paths under variables/ without "..".
func insideVariables(p string) bool {
	if strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.Contains(p, "..") || strings.Contains(p, "://") {
		return false
	}
	c := path.Clean(p)
	return c == "variables" || strings.HasPrefix(c, "variables/")
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
