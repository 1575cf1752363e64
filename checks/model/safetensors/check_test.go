package safetensors

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/checktest"
)

const fixtures = "../testdata/formats"

func scan(t testing.TB, name string, content []byte) (checks.Result, []string) {
	t.Helper()
	return checktest.Scan(t, check{}, name, content)
}

func TestFixtures(t *testing.T) {
	for _, tc := range []struct {
		file     string
		analysed bool
		want     []string
	}{
		{"st_benign.safetensors", true, nil},
		{"st_benign_named.bin", true, nil},
		{"st_empty.safetensors", true, nil},
		{"st_header_too_long.safetensors", true, []string{"model-safetensors-malformed/medium"}},
		{"st_bad_json.safetensors", true, []string{"model-safetensors-malformed/medium"}},
		{"st_offsets_outside.safetensors", true, []string{"model-safetensors-malformed/medium"}},
		{"st_overlap.safetensors", true, []string{"model-safetensors-hidden-data/high", "model-safetensors-malformed/medium"}},
		{"st_shape_mismatch.safetensors", true, []string{"model-safetensors-malformed/medium"}},
		{"st_metadata_not_string.safetensors", true, []string{"model-safetensors-malformed/medium"}},
		{"st_trailing_payload.safetensors", true, []string{"model-safetensors-hidden-data/high"}},
		{"st_gap.safetensors", true, []string{"model-safetensors-hidden-data/high"}},
		// pickle content under a safetensors name is not claimed here
		{"../malicious/named_model.safetensors", false, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res, got := checktest.ScanFixture(t, check{}, fixtures, tc.file)
			if res.Analysed != tc.analysed {
				t.Errorf("Analysed = %v, want %v", res.Analysed, tc.analysed)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings = %v, want %v", got, tc.want)
			}
		})
	}
}

// build writes a header by hand, for cases the generator does not cover.
func build(hdr string, data []byte) []byte {
	var b bytes.Buffer
	n := uint64(len(hdr))
	for i := 0; i < 8; i++ {
		b.WriteByte(byte(n >> (8 * i)))
	}
	b.WriteString(hdr)
	b.Write(data)
	return b.Bytes()
}

func TestHandBuilt(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want []string
	}{
		{"duplicate key", build(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{1}),
			[]string{"model-safetensors-malformed/medium"}},
		{"negative dim", build(`{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}`, []byte{1}),
			[]string{"model-safetensors-malformed/medium"}},
		{"unknown dtype", build(`{"a":{"dtype":"PY","shape":[1],"data_offsets":[0,1]}}`, []byte{1}),
			[]string{"model-safetensors-malformed/medium"}},
		{"overflowing shape", build(`{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,1]}}`, []byte{1}),
			[]string{"model-safetensors-malformed/medium"}},
		{"data after json", build(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}{}`, []byte{1}),
			[]string{"model-safetensors-malformed/medium"}},
		{"code in metadata", build(`{"__metadata__":{"format":"pt","init":"import os; os.system('id')"},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{1}),
			[]string{"model-safetensors-metadata-code/low"}},
		{"url in metadata", build(`{"__metadata__":{"source":"https://huggingface.co/org/model"},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{1}), nil},
		{"sub-byte dtype", build(`{"a":{"dtype":"F4","shape":[4],"data_offsets":[0,2]}}  `, []byte{1, 2}), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got := scan(t, "x.safetensors", tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHeaderLimit(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "st_benign.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	f := checks.NewBytesFile("m.safetensors", b)
	f.Limits.MaxFileBytes = 16
	res, err := check{}.Scan(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].RuleID != RuleNotAnalysed {
		t.Fatalf("want one %s finding, got %+v", RuleNotAnalysed, res.Findings)
	}
}

// TestCorpus runs the check over the safetensors files of the shared corpus.
func TestCorpus(t *testing.T) {
	dir, labels := checktest.CorpusLabels(t)
	counts := map[string]int{}
	for name, label := range labels {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || !Sniff(b) {
			continue
		}
		res, got := scan(t, name, b)
		t.Logf("%s (%s): %v", name, label, got)
		worst := checks.Severity(0)
		for _, f := range res.Findings {
			worst = max(worst, f.Severity)
		}
		flagged := worst >= checks.SeverityHigh
		counts[label+map[bool]string{true: " flagged", false: " clean"}[flagged]]++
		switch {
		case label == "malicious" && !flagged:
			t.Errorf("%s: malicious but not flagged", name)
		case label == "benign" && flagged:
			t.Errorf("%s: benign but flagged", name)
		}
	}
	t.Logf("safetensors corpus: %v", counts)
}

func FuzzSafetensors(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "st_*"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := checks.NewBytesFile("fuzz", data)
		file.Limits.MaxFileBytes = 1 << 20
		res, err := check{}.Scan(context.Background(), file)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range res.Findings {
			if x.RuleID == "" || x.Message == "" {
				t.Fatalf("finding without rule or message: %+v", x)
			}
		}
	})
}

func TestTextIsNotSafetensors(t *testing.T) {
	for _, s := range []string{"EMOJI = {\"a\": 1}\n", "VALUES = {}"} {
		if res, _ := scan(t, "x.py", []byte(s)); res.Analysed {
			t.Errorf("%q claimed as safetensors", s)
		}
	}
}
