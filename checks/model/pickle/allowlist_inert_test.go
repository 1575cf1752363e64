package pickle

import (
	"os"
	"strings"
	"testing"
)

// reviewedFlags are the allowlisted entries whose Python source (for a
// class: __init__, __new__, __setstate__, __reduce__) mentions something
// that can touch files, processes or code, with why they are inert as a
// pickle reaches them.
var reviewedFlags = map[string]string{
	"torch._tensor._rebuild_from_type_v2":              "getattr(ret.__class__, '__setstate__'): the class is judged as instantiated, func as called (calls.go)",
	"torch.Tensor":                                     "__reduce_ex__ and __setstate__ mention pickling; the state only sets data, grad and hooks of a tensor",
	"numpy.ma.core.MaskedArray":                        "getattr on the data array for its mask and fill value",
	"pandas.core.frame.DataFrame":                      "getattr in __init__ on the data argument's attributes; pickles reach it by NEWOBJ and BUILD only",
	"pandas.core.indexes.base.Index":                   "getattr in __new__ on the data argument's dtype",
	"dateutil.tz.tz.tzfile":                            "opens its first argument unless it is None: FirstArgMustBeNone enforces None",
	"pandas.core.indexes.datetimes._new_DatetimeIndex": "getattr on the class passed, which is judged as instantiated (classArg)",
	"pytz._UTC":                               "'pickle.loads' appears in its docstring only; it returns the UTC singleton",
	"torch.nn.modules.rnn.RNNBase":            "getattr on its own weight names in __setstate__",
	"argparse.Namespace":                      "setattr of its own keyword arguments on itself",
	"pandas.core.indexes.base._new_Index":     "imports pandas' own PeriodIndex and RangeIndex; the class passed is judged as instantiated",
	"dateutil.tz.tz._ttinfo":                  "setattr of its own slots in __init__ and __setstate__",
	"pandas.core.dtypes.dtypes.IntervalDtype": "imports pandas' own dtype helpers in __new__",
	"pytz.FixedOffset":                        "'pickle' appears in its docstring only; it returns a cached fixed-offset tzinfo",
	"dateutil.tz.tz.tzrange":                  "__init__ imports dateutil.relativedelta; pickles reach it by NEWOBJ and BUILD only",
	"dateutil.tz.tz.tzstr":                    "__init__ imports dateutil's own parser; pickles reach it by NEWOBJ and BUILD only",
}

// sameLibrary is the top-level package code of an entry may live in
// besides its own: CPython's C accelerators and the standard base classes.
var sameLibrary = map[string][]string{
	"codecs": {"_codecs"}, "collections": {"builtins"}, "datetime": {"builtins"},
	"zoneinfo": {"builtins"}, "dateutil": {"datetime"}, "pytz": {"datetime"},
}

// TestAllowlistIsInert holds every allowlist entry against what the real
// libraries say it is (allowlist_listing.tsv, written by
// gen_allowlist_listing.py from Debian's packages): the listing covers the
// whole allowlist; a "call" entry is something callable; its code lives in
// the library it is named after (not a re-export of os.system under an
// innocent name); a class's __new__ and __setstate__ come from that library
// or the standard base classes; and any risky call in its Python source has
// a reviewed reason.
func TestAllowlistIsInert(t *testing.T) {
	raw, err := os.ReadFile("allowlist_listing.tsv")
	if err != nil {
		t.Fatal(err)
	}
	es, err := AllowlistEntries()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string][]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 8 {
			t.Fatalf("listing line %q has %d fields", line, len(f))
		}
		listed[f[0]] = f
	}
	missing := 0
	for _, e := range es {
		f, ok := listed[e.Name]
		if !ok {
			t.Errorf("%s is not in allowlist_listing.tsv: run gen_allowlist_listing.py", e.Name)
			continue
		}
		use, status, kind, definedIn, newBy, setstateBy, flags := f[1], f[2], f[3], f[4], f[5], f[6], f[7]
		if (use == "call") != (e.Use == UseCall) {
			t.Errorf("%s: listing says %s, allowlist says %d: run gen_allowlist_listing.py", e.Name, use, e.Use)
		}
		if status == "missing" {
			// names of other library versions (torch 2.x, NumPy 2.x,
			// scikit-learn 1.4+, pandas 2/3, pyarrow, tokenizers): not
			// importable here, reviewed from their source; the pickles
			// those versions write are reconstructed in
			// ../testdata/corpus/newer (gen_newer.py)
			missing++
			continue
		}
		top := strings.Split(e.Name, ".")[0]
		if e.Use == UseCall && kind == "object" {
			t.Errorf("%s is allowed to be called but is an object, not a callable", e.Name)
		}
		if kind != "object" && !libraryOf(top, definedIn) {
			t.Errorf("%s is defined in %s, not in %s: a re-export is judged by where its code lives", e.Name, definedIn, top)
		}
		for _, by := range []string{newBy, setstateBy} {
			if by != "-" && by != "default" && by != "builtins" && !libraryOf(top, by) {
				t.Errorf("%s: __new__/__setstate__ come from %s, outside %s", e.Name, by, top)
			}
		}
		if flags != "-" && reviewedFlags[e.Name] == "" {
			t.Errorf("%s: its source calls %s; review it and give the reason in reviewedFlags", e.Name, flags)
		}
	}
	if missing > 159 {
		t.Errorf("%d allowlist entries are not importable with the installed libraries", missing)
	}
	t.Logf("%d entries checked against the libraries, %d from other library versions", len(es)-missing, missing)
}

func libraryOf(top, module string) bool {
	mt := strings.Split(module, ".")[0]
	if mt == top || strings.TrimPrefix(mt, "_") == top {
		return true
	}
	for _, alt := range sameLibrary[top] {
		if mt == alt {
			return true
		}
	}
	return false
}
