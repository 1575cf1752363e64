package relpath

import "testing"

func TestEscapes(t *testing.T) {
	for p, want := range map[string]bool{
		"model-00001-of-00002.safetensors": false, "shards/w.bin": false, "w.data": false, "a..b": false,
		"/etc/passwd": true, "\\\\host\\share\\x": true, "../x": true, "a/../../x": true, "a\\..\\x": true,
		"C:\\x": true, "c:x": true, "~/.ssh/id_rsa": true, "https://example.com/x": true, "w\x00.bin": true,
	} {
		if got := Escapes(p); got != want {
			t.Errorf("Escapes(%q) = %v, want %v", p, got, want)
		}
	}
}
