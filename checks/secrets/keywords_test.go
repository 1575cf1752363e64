package secrets

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// naiveEnds is every index where some keyword ends in text.
func naiveEnds(keywords []string, text []byte) []int {
	var out []int
	for i := range text {
		for _, k := range keywords {
			if k != "" && i+1 >= len(k) && bytes.Equal(text[i+1-len(k):i+1], []byte(k)) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

func indexEnds(keywords []string, text []byte) []int {
	var out []int
	newKeywordIndex(keywords).each(text, func(end int) bool { out = append(out, end); return true })
	return out
}

func allBytes() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}

func TestKeywordIndex(t *testing.T) {
	for _, c := range []struct {
		name     string
		keywords []string
		text     string
	}{
		{"none", nil, "anything"},
		{"empty keyword", []string{""}, "abc"},
		{"one", []string{"key"}, "api_key = 1\nmonkey"},
		{"overlapping", []string{"he", "she", "his", "hers"}, "ushers and his shells"},
		{"suffix of another", []string{"token", "ken", "n"}, "tokentoken kn"},
		{"prefix of another", []string{"sk", "sk-proj-"}, "sk-proj-abc sk sk-"},
		{"repeats", []string{"aa", "aaa"}, "aaaaaa"},
		{"bytes outside every keyword", []string{"ab"}, "\x00\xffab\xfeab"},
		{"non-ASCII keyword", []string{"clé"}, "la clé"},
		{"every byte value", []string{allBytes(), "\xff\x00"}, "x" + allBytes() + "\xff\x00"},
		{"gitleaks-like", []string{"ghp_", "gho_", "ey", "r8_", "sk-ant-"}, "x ghp_1 eyJ r8_z sk-ant-api"},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, got := naiveEnds(c.keywords, []byte(c.text)), indexEnds(c.keywords, []byte(c.text))
			if !slices.Equal(got, want) {
				t.Errorf("ends %v, want %v", got, want)
			}
			if has := newKeywordIndex(c.keywords).any([]byte(c.text)); has != (len(want) > 0) {
				t.Errorf("any = %v, want %v", has, len(want) > 0)
			}
		})
	}
}

// The index over the rules' real keywords stays small: it replaced a trie of
// 2 KB per state.
func TestKeywordIndexSize(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	k := d.keywords
	if bytes := len(k.next)*4 + len(k.final); bytes > 512<<10 || len(k.final) < 100 {
		t.Errorf("keyword index: %d states, %d classes, %d bytes", len(k.final), k.stride, bytes)
	}
}

func FuzzKeywordIndex(f *testing.F) {
	f.Add("key\x00token\x00ey", "api_key: eyJhbGci token")
	f.Add("aa\x00a\x00", "aaaa")
	f.Fuzz(func(t *testing.T, keywords, text string) {
		if len(keywords) > 1<<10 || len(text) > 1<<12 {
			return
		}
		kws := strings.Split(keywords, "\x00")
		want, got := naiveEnds(kws, []byte(text)), indexEnds(kws, []byte(text))
		if !slices.Equal(got, want) {
			t.Fatalf("keywords %q in %q: ends %v, want %v", kws, text, got, want)
		}
		if has := newKeywordIndex(kws).any([]byte(text)); has != (len(want) > 0) {
			t.Fatalf("keywords %q in %q: any = %v", kws, text, has)
		}
	})
}
