package secrets

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	cases := []struct{ in, want string }{
		{"sk-proj-abcdefghijklmnopqrstuvwxyz", "sk-p…(34 chars)"},
		{"gsk_0123456789abcdef", "gsk_…(20 chars)"},
		{"hunter2pass", "hu…(11 chars)"}, // short: a quarter shown
		{"abc", "…(3 chars)"},
		{"", "…(0 chars)"},
		{"пароль-секретный-ключ", "паро…(21 chars)"}, // characters, not bytes
	}
	for _, c := range cases {
		if got := Mask(c.in); got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMaskText(t *testing.T) {
	keys := newKeyGen(10).providerKeys()
	var b strings.Builder
	b.WriteString("diff --git a/app.py b/app.py\n@@ -1,3 +1,30 @@\n")
	for _, k := range keys {
		b.WriteString("+" + k.line + "\n")
	}
	groq := keys[7].key
	b64 := base64.StdEncoding.EncodeToString([]byte("GROQ_API_KEY=" + groq))
	b.WriteString("+  data: " + b64 + "\n")
	b.WriteString("+DB_PASSWORD=hunter2hunter2\n")
	b.WriteString("+token = access_token\n+api_key = os.environ['API_KEY']\n")
	out := MaskText(b.String())
	for _, k := range keys {
		if strings.Contains(out, k.key) {
			t.Errorf("%s left unmasked", k.gitleaksRule)
		}
	}
	for _, leaked := range []string{b64, "hunter2hunter2"} {
		if strings.Contains(out, leaked) {
			t.Errorf("%q left unmasked in %s", leaked, out)
		}
	}
	for _, kept := range []string{"token = access_token", "os.environ['API_KEY']", "diff --git a/app.py", Mask(groq)} {
		if !strings.Contains(out, kept) {
			t.Errorf("MaskText should keep %q readable:\n%s", kept, out)
		}
	}
	// Idempotent: masking masked text changes nothing.
	if again := MaskText(out); again != out {
		t.Errorf("MaskText is not idempotent:\n%s\n---\n%s", out, again)
	}
}
