package model

import (
	"fmt"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/pickle"
)

// directCall is true for call kinds that run the global with arguments;
// NEWOBJ and BUILD only allocate an instance and set its state.
func directCall(k pickle.CallKind) bool {
	switch k {
	case pickle.CallReduce, pickle.CallInst, pickle.CallObj:
		return true
	}
	return false
}

// reportPickle turns a pickle analysis into findings.
func (s *scanner) reportPickle(w where, res *pickle.Result, err error, member bool) {
	if res == nil {
		res = &pickle.Result{}
	}
	for _, g := range res.Globals {
		s.reportGlobal(w, res, g)
	}
	for _, p := range res.Payloads {
		if p.Result == nil {
			continue
		}
		how := p.Loader
		if p.Chain != "" {
			how = p.Chain + " → " + p.Loader
		}
		nw := w
		nw.member = fmt.Sprintf("%snested payload (%s at offset %d)", w.prefix(), how, p.Offset)
		nw.loader = p.Loader
		from := len(s.findings)
		s.reportPickle(nw, p.Result, nil, false)
		for i := from; i < len(s.findings); i++ {
			s.findings[i].Offset = p.Offset // the nested bytes have no place in the file
		}
	}
	if res.Malformed != nil && (!member || len(res.Globals) > 0) {
		s.add(checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityHigh, Offset: res.Malformed.Offset,
			Message: fmt.Sprintf("%sMalformed pickle at offset %d: %s. %s runs every opcode before the error, so "+
				"anything above it has already executed when loading fails.", w.prefix(), res.Malformed.Offset,
				res.Malformed.Msg, firstLoader(w.loader)),
			Evidence: w.member + ": " + res.Malformed.Msg})
	}
	for _, l := range res.Limits {
		if l == pickle.LimitSharedMemory {
			s.limit(w, checks.SeverityHigh, "the memory ward gives all pickle analyses of the process together (half "+
				"of GOMEMLIMIT, at most 1 GiB) was in use by others or too small for this file; the next run or review "+
				"analyses it again")
			s.findings[len(s.findings)-1].Transient = true
			continue
		}
		if l == pickle.LimitMemory {
			s.limit(w, checks.SeverityHigh, fmt.Sprintf("the pickle analysis used up its memory budget (%d MiB for "+
				"memo, stacks, strings and call records; checks.Limits.MaxMemoryBytes)", s.lim.MaxMemoryBytes>>20))
			continue
		}
		s.limit(w, checks.SeverityHigh, "pickle "+string(l)+" limit reached")
	}
	if err != nil {
		s.readError(w, err)
	}
}

func firstLoader(l string) string {
	if i := strings.Index(l, ","); i > 0 {
		return "The unpickler"
	}
	return l
}

func (s *scanner) reportGlobal(w where, res *pickle.Result, g *pickle.Global) {
	if s.observe != nil {
		s.observe(g)
	}
	qual := g.QualName()
	verdict, what := pickle.Classify(g.Module, g.Name)
	if g.Unresolved {
		verdict, what = pickle.Unknown, ""
	}
	direct := g.DirectCalls > 0
	for _, mut := range g.Mutated {
		s.add(checks.Finding{RuleID: RuleMutatesGlobal, Severity: checks.SeverityCritical, Offset: mut.Offset,
			Message: fmt.Sprintf("%sOverwrites attributes of %s while loading (BUILD at offset %d sets %s). Later "+
				"imports of those names yield the values the pickle chose: an allowed name can turn into eval or os.system.",
				w.prefix(), qual, mut.Offset, mut.Args),
			Evidence: w.member + ": " + qual + " mutated"})
	}
	narrowed := ""
	if verdict == pickle.Allowed && len(g.Mutated) == 0 {
		narrowed = beyondAllowance(g, direct)
		if narrowed == "" {
			return
		}
		verdict = pickle.Unknown
	}
	if verdict == pickle.Denied && resolvedGetattr(g) {
		return // getattr(zoneinfo.ZoneInfo, '_unpickle'): the target is judged on its own
	}
	if verdict == pickle.Denied && pickle.IsLoader(qual) && nestedClean(res, g) && benignNestedLoader(qual) {
		return // torch's own pickling of storages: _load_from_bytes of a clean legacy checkpoint
	}
	call := describeCalls(g)
	imp := fmt.Sprintf("imported at offset %d by %s", g.Offset, g.Opcode)
	when := "when unpickled (" + w.loader + ")"
	switch {
	case verdict == pickle.Denied:
		msg := ""
		if g.Called() {
			msg = fmt.Sprintf("%sCalls %s %s — %s %s. %s.", w.prefix(), call, when, qual, what, capitalise(imp))
		} else {
			msg = fmt.Sprintf("%sImports %s %s (%s) — it %s; importing it has no legitimate use in a model file.",
				w.prefix(), qual, when, imp, what)
		}
		s.add(checks.Finding{RuleID: RuleDangerousGlobal, Severity: checks.SeverityCritical, Offset: callOffset(g),
			Message:  msg + " Anyone who loads this file runs it with their own permissions.",
			Fix:      fixMalicious(w.loader, res),
			Evidence: w.member + ": " + qual})
	case direct || narrowed != "" || g.Unresolved && g.Called():
		why := qual + " is not a function legitimate checkpoints call"
		if narrowed != "" {
			why = narrowed
		}
		if g.Unresolved {
			why = "Its name could not be resolved statically, so ward cannot tell what it is"
		}
		s.add(checks.Finding{RuleID: RuleUnknownCall, Severity: checks.SeverityHigh, Offset: callOffset(g),
			Message: fmt.Sprintf("%sCalls %s %s. %s; loading the file runs it with these arguments. %s.",
				w.prefix(), describeCalls(g), when, why, capitalise(imp)),
			Fix:      fixFor(w.loader, qual),
			Evidence: w.member + ": " + qual})
	case g.Unresolved:
		s.add(checks.Finding{RuleID: RuleUnknownCall, Severity: checks.SeverityHigh, Offset: g.Offset,
			Message: fmt.Sprintf("%sImports a global whose name could not be resolved statically (%s, %s) %s: "+
				"ward cannot tell what it is, so it is treated as code execution.", w.prefix(), qual, imp, when),
			Evidence: w.member + ": " + qual})
	default:
		how := "imports"
		if g.Called() {
			how = "instantiates (without arguments)"
		}
		s.add(checks.Finding{RuleID: RuleUnknownGlobal, Severity: checks.SeverityMedium, Offset: g.Offset,
			Message: fmt.Sprintf("%s%s %s %s (%s). It is outside the set of globals legitimate checkpoints use; "+
				"torch.load(weights_only=True) refuses it and its module's import-time code runs on load.",
				w.prefix(), capitalise(how), qual, when, imp),
			Fix:      fixFor(w.loader, qual),
			Evidence: w.member + ": " + qual})
	}
}

// beyondAllowance says how an allowlisted global is used beyond what its
// entry allows ("" when it is not): a class allowed to be instantiated that
// is called with arguments, or a constructor given an argument that makes it
// touch files.
func beyondAllowance(g *pickle.Global, direct bool) string {
	if direct && pickle.Allowance(g.Module, g.Name) < pickle.UseCall {
		return g.QualName() + " is allowlisted to be instantiated, not called with arguments (its constructor runs with them)"
	}
	if what, ok := pickle.FirstArgMustBeNone[pickleCanon(g.QualName())]; ok {
		for _, c := range g.Calls {
			if directCall(c.Kind) && !c.FirstArgNone {
				return g.QualName() + " " + what + " unless that argument is None, as the library itself writes it"
			}
		}
		if g.CallCount > len(g.Calls) {
			return g.QualName() + " " + what + "; calls beyond the first were not checked"
		}
	}
	return ""
}

// resolvedGetattr reports whether every call of a getattr global resolved
// statically to an allowlisted attribute: protocols 0-3 pickle a bound
// class method such as ZoneInfo._unpickle as getattr(ZoneInfo, '_unpickle').
func resolvedGetattr(g *pickle.Global) bool {
	return pickleCanon(g.QualName()) == "builtins.getattr" && g.CallCount > 0 && g.ResolvedCalls == g.CallCount &&
		g.UnlistedTargets == 0
}

// fixFor tailors the fix of a non-denylisted global to the library that
// wrote the file. It never suggests loading the file: a file that calls an
// unknown function is not to be opened with any loader.
func fixFor(loader, qual string) string {
	const dont = "Do not load this file to find out (no loader option makes an untrusted pickle safe). "
	switch {
	case strings.HasPrefix(qual, "sklearn.") || strings.HasPrefix(qual, "xgboost.") || strings.HasPrefix(qual, "lightgbm."):
		return dont + "If your own pipeline wrote it, export the model without pickle: skops " +
			"(skops.io.dump(model, 'model.skops'), loaded with an explicit trusted-types list) or ONNX via skl2onnx."
	case strings.HasPrefix(qual, "pandas.") || strings.HasPrefix(qual, "pytz.") || strings.HasPrefix(qual, "dateutil."):
		return dont + "If your own code wrote it, store the table as Parquet or Feather (df.to_parquet('data.parquet')) " +
			"instead of pickle."
	case strings.HasPrefix(loader, "numpy.load"):
		return dont + "Store numeric arrays without object dtype (numpy.save(path, arr.astype('float32'))): " +
			"they read back with allow_pickle=False, NumPy's default."
	case loader == "joblib.load":
		return dont + "If your own pipeline wrote it, export the model without pickle (skops or ONNX for " +
			"scikit-learn, safetensors for tensors)."
	}
	return dont + "If your own code wrote it, save tensors as safetensors " +
		"(safetensors.torch.save_file(model.state_dict(), 'model.safetensors')) and configuration as JSON; " +
		"otherwise get the model from its publisher in a format without code."
}

// fixMalicious is the fix of a file whose pickle runs a dangerous callable:
// never load it, and replace it the way that fits what it holds (the
// library its other globals come from, or its loader). "" keeps the rule's
// own fix (PyTorch checkpoints: safetensors).
func fixMalicious(loader string, res *pickle.Result) string {
	const dont = "Do not load the file with any loader or option, not to inspect it either: PyTorch's weights-only " +
		"mode was bypassed before torch 2.6 (CVE-2025-32434), and pickle, joblib and NumPy have no safe mode. Remove " +
		"it from the pull request and find out where it came from. "
	holds := ""
	if res != nil {
		for _, g := range res.Globals {
			switch m := g.Module; {
			case strings.HasPrefix(m, "sklearn.") || strings.HasPrefix(m, "xgboost.") || strings.HasPrefix(m, "lightgbm."):
				holds = "sklearn"
			case holds == "" && (strings.HasPrefix(m, "pandas.") || strings.HasPrefix(m, "pytz")):
				holds = "pandas"
			}
		}
	}
	switch {
	case holds == "sklearn" || holds == "" && loader == "joblib.load":
		return dont + "Re-train or re-export the estimator from trusted code and data and save it without pickle: " +
			"skops (skops.io.dump(model, 'model.skops'), loaded with an explicit trusted-types list) or ONNX via skl2onnx."
	case holds == "pandas":
		return dont + "Re-create the table from its source and store it as Parquet (df.to_parquet('data.parquet'))."
	case strings.HasPrefix(loader, "numpy.load"):
		return dont + "Re-create the arrays from trusted code with numeric dtypes (numpy.save(path, arr.astype('float32'))): " +
			"they read back with allow_pickle=False, NumPy's default."
	}
	return ""
}

func benignNestedLoader(qual string) bool {
	return qual == "torch.storage._load_from_bytes"
}

// nestedClean reports whether every payload g received was resolved and
// analysed without findings above medium.
func nestedClean(res *pickle.Result, g *pickle.Global) bool {
	n := 0
	for _, p := range res.Payloads {
		if p.Loader != pickleCanon(g.QualName()) {
			continue
		}
		n++
		if p.Result == nil || p.Result.Malformed != nil || len(p.Result.Limits) > 0 {
			return false
		}
		for _, ng := range p.Result.Globals {
			if v, _ := pickle.Classify(ng.Module, ng.Name); v != pickle.Allowed || ng.Unresolved || len(ng.Mutated) > 0 {
				return false
			}
		}
	}
	return n > 0 && n >= g.CallCount
}

func pickleCanon(q string) string {
	i := strings.LastIndexByte(q, '.')
	if i < 0 {
		return q
	}
	return pickle.Canonical(q[:i]) + q[i:]
}

func callOffset(g *pickle.Global) int64 {
	if len(g.Calls) > 0 {
		return g.Calls[0].Offset
	}
	return g.Offset
}

func describeCalls(g *pickle.Global) string { return describeCallsNamed(g, g.QualName()) }

// describeCallsNamed renders "os.system('id') (REDUCE at offset 71)" for
// the first calls of g.
func describeCallsNamed(g *pickle.Global, name string) string {
	var parts []string
	for i, c := range g.Calls {
		if i == 3 {
			break
		}
		if c.Kind == pickle.CallBuild {
			parts = append(parts, fmt.Sprintf("%s.__setstate__(%s) (BUILD at offset %d)", name, c.Args, c.Offset))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s(%s) (%s at offset %d)", name, c.Args, c.Kind, c.Offset))
	}
	if len(parts) == 0 {
		return name
	}
	s := strings.Join(parts, ", ")
	if g.CallCount > 3 {
		s += fmt.Sprintf(" and %d more call(s)", g.CallCount-3)
	}
	return s
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
