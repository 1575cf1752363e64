package secrets

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/zricethezav/gitleaks/v8/config"

	"github.com/ward-sec/ward/checks"
)

func scan(t *testing.T, path, content string) []checks.Finding {
	t.Helper()
	f := checks.NewBytesFile(path, []byte(content))
	return checks.ScanFile(context.Background(), f, []checks.Check{Check{}})
}

func assertNoRaw(t *testing.T, secret string, fs []checks.Finding) {
	t.Helper()
	for _, f := range fs {
		for _, s := range []string{f.Message, f.Evidence, f.Fix} {
			if strings.Contains(s, secret) {
				t.Fatalf("raw secret in finding %s: %q", f.RuleID, s)
			}
		}
	}
}

func TestProviderKeysFound(t *testing.T) {
	for _, k := range newKeyGen(1).providerKeys() {
		t.Run(k.gitleaksRule, func(t *testing.T) {
			fs := scan(t, "src/app.py", "import os\n\n"+k.line+"\nprint('ok')\n")
			if len(fs) != 1 {
				t.Fatalf("want 1 finding, got %d: %+v", len(fs), fs)
			}
			f := fs[0]
			if f.RuleID != k.wardRule || f.StartLine != 3 || f.EndLine != 3 {
				t.Errorf("got %s at %d-%d, want %s at 3", f.RuleID, f.StartLine, f.EndLine, k.wardRule)
			}
			if want := k.gitleaksRule + " " + Mask(k.key); f.Evidence != want {
				t.Errorf("evidence %q, want %q", f.Evidence, want)
			}
			if f.Severity != checks.SeverityHigh {
				t.Errorf("severity %s, want high", f.Severity)
			}
			if !strings.Contains(f.Message, Mask(k.key)) || f.Fix == "" {
				t.Errorf("message %q / fix %q should name the masked key and how to revoke it", f.Message, f.Fix)
			}
			assertNoRaw(t, k.key, fs)
		})
	}
}

// Each provider's own revoke page appears in the fix of its findings.
func TestProviderFixNamesRevokePage(t *testing.T) {
	want := map[string]string{
		"groq-api-key": "console.groq.com/keys", "openai-api-key": "platform.openai.com/api-keys",
		"replicate-api-token": "replicate.com/account/api-tokens", "openrouter-api-key": "openrouter.ai/settings/keys",
		"huggingface-access-token": "huggingface.co/settings/tokens", "gcp-api-key": "aistudio.google.com",
	}
	for _, k := range newKeyGen(2).providerKeys() {
		page, ok := want[k.gitleaksRule]
		if !ok {
			continue
		}
		fs := scan(t, "a.py", k.line+"\n")
		if len(fs) != 1 || !strings.Contains(fs[0].Fix, page) || !strings.Contains(fs[0].Fix, "filter-repo") {
			t.Errorf("%s: fix should name %s and history removal: %+v", k.gitleaksRule, page, fs)
		}
	}
}

// Shapes that look like keys but are not, modelled on the false positives
// gitleaks' rule definitions list for these providers.
func TestFalsePositives(t *testing.T) {
	// Lines whose value is random enough that generic-api-key (low) may still
	// flag the assignment; no provider rule may fire on any of them.
	mayBeGeneric := map[string]bool{"openrouter too short": true, "openrouter not hex": true,
		"langsmith legacy": true, "pinecone too short": true}
	cases := map[string]string{
		"groq placeholder":        `GROQ_API_KEY=gsk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
		"xai placeholder":         `XAI_API_KEY=xai-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
		"openrouter too short":    `key = "sk-or-v1-5b2c0e9a7d41f3865c0b9e2d7a4f1c3b8e6d0a9f2c5b7e1d4a8f3c6b9e2d0a7"`,  // gitleaks:allow (fixture)
		"openrouter not hex":      `key = "sk-or-v1-gb2c0e9a7d41f3865c0b9e2d7a4f1c3b8e6d0a9f2c5b7e1d4a8f3c6b9e2d0a7f"`, // gitleaks:allow (fixture)
		"langsmith legacy":        `LANGCHAIN_API_KEY=ls__5b2c0e9a7d41f3865c0b9e2d7a4f1c3b`,                            // gitleaks:allow (fixture)
		"langsmith wrong type":    `lsv2_xx_5b2c0e9a7d41f3865c0b9e2d7a4f1c3b_8e6d0a9f2c`,
		"pinecone too short":      `pinecone_api_key = "pcsk_ab12c_tooShort"`, // gitleaks:allow (fixture)
		"pinecone wrong prefix":   `pccm_abcde_0123456789012345678901234567890123456789012345678901234567890123`,
		"replicate too short":     `r8_Kf93jdKs`,
		"mistral model name":      `MISTRAL_MODEL = "mistral-large-latest"`,
		"mistral env reference":   `MISTRAL_API_KEY=${MISTRAL_API_KEY}`,
		"deepseek model":          `deepseek_model = "deepseek-chat"`,
		"wandb git sha":           `wandb_commit = "5b2c0e9a7d41f3865c0b9e2d7a4f1c3b8e6d0a9f"`,
		"wandb project":           `wandb.init(project="llama-finetune", entity="ml-team")`,
		"ghs_ not a jwt":          `prefix = "ghs_123456_notajwt"`,
		"env reference":           `api_key = os.environ["OPENAI_API_KEY"]`,
		"placeholder generic":     `api_key = "your-api-key-here"`,
		"hf placeholder":          `HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
		"openai without marker":   `sk-proj-notakeyatall`,
		"anthropic wrong version": `sk-ant-api02-short`,
	}
	for name, line := range cases {
		t.Run(name, func(t *testing.T) {
			fs := scan(t, "config.py", line+"\n")
			if mayBeGeneric[name] && len(fs) == 1 && fs[0].RuleID == RuleGenericAPIKey {
				return
			}
			if len(fs) != 0 {
				t.Errorf("want no findings, got %+v", fs)
			}
		})
	}
}

func TestGenericAPIKeyIsLow(t *testing.T) {
	fs := scan(t, "settings.py", "SERVICE_TOKEN = \"q8Vt2mZr4Lp9Wx7Kd3Nf6Hs1\"\n")
	if len(fs) != 1 || fs[0].RuleID != RuleGenericAPIKey || fs[0].Severity != checks.SeverityLow {
		t.Fatalf("want one low %s finding, got %+v", RuleGenericAPIKey, fs)
	}
}

// TestGenericValuesThatAreCode: gitleaks' generic rule matches any
// high-entropy right-hand side of a key-like name; property accesses and
// slash-separated names without digits (seen in axios and effect) are not
// secrets, while keys, including base64 ones with slashes, still are.
func TestGenericValuesThatAreCode(t *testing.T) {
	for _, c := range []struct {
		name, path, line string
		want             bool
	}{
		{"member chain", "axios.js", "    var _ref3 = arguments.length > 3 && arguments[3] !== undefined ? arguments[3] : {},\n      allOwnKeys = _ref3.allOwnKeys;", false},
		{"symbol key", "interval.ts", `const IntervalSymbolKey = "effect/ScheduleInterval"`, false},
		{"scoped package name", "config.js", `const pluginKey = "@acme-corp/feature-flags-client"`, false},
		{"settings attribute", "app.py", `SECRET_KEY = settings.DJANGO_SECRET_KEY_VALUE`, false},
		{"random token", "settings.py", `SERVICE_TOKEN = "q8Vt2mZr4Lp9Wx7Kd3Nf6Hs1"`, true},
		{"base64 key with slashes", "settings.py", `service_secret_key = "wJa7rXUtnFEMI/K7MDENG/bPxRfiCY3XaMpLEKEY"`, true}, // gitleaks:allow (fixture)
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := scan(t, c.path, c.line+"\n")
			got := false
			for _, f := range fs {
				got = got || f.RuleID == RuleGenericAPIKey
			}
			if got != c.want {
				t.Errorf("generic finding %v, want %v (%+v)", got, c.want, fs)
			}
		})
	}
}

func TestEnvFiles(t *testing.T) {
	k := newKeyGen(3).providerKeys()[7] // groq
	content := "DEBUG=1\n" + "GROQ_API_KEY=" + k.key + "\n"
	cases := []struct {
		path  string
		rules []string // expected rule IDs in order
	}{
		{".env", []string{RuleEnvFile, RuleAIProviderKey}},
		{"services/api/.env.production", []string{RuleEnvFile, RuleAIProviderKey}},
		{".env.local", []string{RuleEnvFile, RuleAIProviderKey}},
		{".env.example", []string{RuleAIProviderKey}},
		{".env.sample", []string{RuleAIProviderKey}},
		{"deploy/.env.template", []string{RuleAIProviderKey}},
		{".env.vault", []string{RuleAIProviderKey}},
		{"examples/next/.env.local.example", []string{RuleAIProviderKey}},
		{".env.production.sample", []string{RuleAIProviderKey}},
		{".env.dist", []string{RuleAIProviderKey}},
		{".env.example.local", []string{RuleAIProviderKey}},
		{".env.keys", []string{RuleEnvFile, RuleAIProviderKey}},
		{"env.py", []string{RuleAIProviderKey}},
		{".envrc.d/x", []string{RuleAIProviderKey}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			fs := scan(t, c.path, content)
			var got []string
			for _, f := range fs {
				got = append(got, f.RuleID)
			}
			if strings.Join(got, ",") != strings.Join(c.rules, ",") {
				t.Fatalf("got %v, want %v", got, c.rules)
			}
			if fs[0].RuleID == RuleEnvFile && (fs[0].StartLine != 0 || fs[0].Severity != checks.SeverityMedium) {
				t.Errorf("env file finding should be whole-file and medium: %+v", fs[0])
			}
			assertNoRaw(t, k.key, fs)
		})
	}
	// A placeholder-only .env is still a finding of its own.
	if fs := scan(t, ".env", "DEBUG=1\nPORT=8080\n"); len(fs) != 1 || fs[0].RuleID != RuleEnvFile {
		t.Fatalf("bare .env: %+v", fs)
	}
}

func TestJSONStringValues(t *testing.T) {
	k := newKeyGen(4).providerKeys()[7] // groq: prefix rule
	// In the raw JSON the key is followed by an escaped quote (\"), which ends
	// no gitleaks token; decoded, it is an ordinary quoted string.
	doc := "{\n  \"model\": \"llama\",\n  \"setup\": {\n    \"code\": \"client = Groq(api_key=\\\"" + k.key + "\\\")\"\n  }\n}\n"
	fs := scan(t, "config/model_config.json", doc)
	if len(fs) != 1 || fs[0].StartLine != 4 || fs[0].RuleID != RuleAIProviderKey {
		t.Fatalf("want one finding on JSON line 4, got %+v", fs)
	}
	// The same text in a .txt file is not decoded, so it is not found.
	if fs := scan(t, "notes.txt", doc); len(fs) != 0 {
		t.Fatalf("escapes are only decoded in JSON: %+v", fs)
	}
	// \u escapes are decoded by gitleaks itself, in any file.
	escaped := "{\"key\": \"\\u0067sk_" + k.key[len("gsk_"):] + "\"}\n"
	for _, p := range []string{"a.json", "a.txt"} {
		if fs := scan(t, p, escaped); len(fs) != 1 || fs[0].StartLine != 1 {
			t.Fatalf("%s: unicode-escaped key: %+v", p, fs)
		}
	}
}

func TestScanIncomplete(t *testing.T) {
	old := maxScanBytes
	maxScanBytes = 64
	defer func() { maxScanBytes = old }()
	k := newKeyGen(5).providerKeys()[7]
	fs := scan(t, "big.txt", "x = 1\n"+strings.Repeat("# padding\n", 10)+"GROQ="+k.key+"\n")
	if len(fs) != 1 || fs[0].RuleID != RuleScanIncomplete {
		t.Fatalf("want only %s (the key is past the limit), got %+v", RuleScanIncomplete, fs)
	}
}

func TestBinaryFiles(t *testing.T) {
	bin := []byte("\x00\x01\x02 not text")
	if fs := checks.ScanFile(context.Background(), checks.NewBytesFile("certs/client.p12", bin), []checks.Check{Check{}}); len(fs) != 1 || fs[0].RuleID != RulePrivateKey || fs[0].StartLine != 0 {
		t.Fatalf("PKCS#12 file: %+v", fs)
	}
	if res, _ := (Check{}).Scan(context.Background(), checks.NewBytesFile("model.bin", bin)); len(res.Findings) != 0 || res.Analysed {
		t.Fatalf("other binaries are left to other checks: %+v", res)
	}
}

func TestWardRulesOnlyAddWhatGitleaksLacks(t *testing.T) {
	for _, id := range addedByWard {
		if strings.Contains(config.DefaultConfig, `id = "`+id+`"`) {
			t.Errorf("gitleaks already has %s; drop it from ward_rules.toml", id)
		}
		if _, ok := providerFor(id), true; !ok {
			t.Errorf("%s has no provider entry", id)
		}
	}
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if d.RuleCount() < 200+len(addedByWard) {
		t.Fatalf("only %d rules loaded: gitleaks defaults missing", d.RuleCount())
	}
}

// Many goroutines share one detector, as checks.Run does; run with -race.
// Encoded secrets exercise gitleaks' decoding pass, which appends to rule tags.
func TestDetectorConcurrentUse(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	keys := newKeyGen(6).providerKeys()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := keys[i%len(keys)]
			enc := base64.StdEncoding.EncodeToString([]byte(k.line))
			text := k.line + "\nencoded: " + enc + "\n"
			ms := d.Find(context.Background(), "x.yaml", text)
			if len(ms) == 0 || ms[0].Secret != k.key {
				t.Errorf("%s: got %+v", k.gitleaksRule, ms)
			}
		}()
	}
	wg.Wait()
}

func TestRulesDocumented(t *testing.T) {
	for _, r := range (Check{}).Rules() {
		if !strings.HasPrefix(r.ID, "secret-") || r.Title == "" || r.Why == "" || r.Fix == "" || r.FixExample == "" || len(r.References) == 0 {
			t.Errorf("rule %s is not fully documented", r.ID)
		}
	}
}

// Everything ward writes about a finding — text, JSON, SARIF — holds only
// the masked form of each secret.
func TestOutputsNeverContainSecrets(t *testing.T) {
	keys := newKeyGen(7).providerKeys()
	var files []*checks.File
	var src strings.Builder
	for _, k := range keys {
		src.WriteString(k.line + "\n")
	}
	files = append(files, checks.NewBytesFile("app/settings.py", []byte(src.String())))
	files = append(files, checks.NewBytesFile(".env", []byte(src.String())))
	nb := notebookFromTemplate(t, keys)
	files = append(files, checks.NewBytesFile("notebooks/explore.ipynb", nb))
	fs := checks.Run(context.Background(), files, checks.RunOptions{Checks: []checks.Check{Check{}}})
	if len(fs) < 2*len(keys) {
		t.Fatalf("only %d findings for %d keys in two files", len(fs), len(keys))
	}
	rep := checks.Report{Tool: "ward", Version: "test", FailOn: checks.SeverityHigh, Files: len(files), Findings: fs}
	var text, js, sarif bytes.Buffer
	if err := checks.WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	if err := checks.WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	if err := checks.WriteSARIF(&sarif, rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		for name, out := range map[string]string{"text": text.String(), "json": js.String(), "sarif": sarif.String()} {
			if strings.Contains(out, k.key) {
				t.Errorf("%s output contains the raw %s", name, k.gitleaksRule)
			}
			// Long secrets must not leak in parts either.
			if len(k.key) >= 32 && strings.Contains(out, k.key[4:28]) {
				t.Errorf("%s output contains part of the raw %s", name, k.gitleaksRule)
			}
		}
		if !strings.Contains(text.String(), Mask(k.key)) {
			t.Errorf("text output should show %s masked as %s", k.gitleaksRule, Mask(k.key))
		}
	}
}

// Find hands gitleaks only candidate lines; on realistic text it must report
// exactly what gitleaks finds running every rule over the whole text.
func TestFindMatchesFullScan(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	keys := newKeyGen(12).providerKeys()
	var docs []string
	for _, f := range benchCorpus(2 << 20) {
		b, _ := f.ReadAll(0)
		docs = append(docs, string(b))
	}
	var mixed strings.Builder
	for i, k := range keys {
		mixed.WriteString("line " + k.line + "\n")
		mixed.WriteString("encoded: " + base64.StdEncoding.EncodeToString([]byte(k.line)) + "\n")
		if i%3 == 0 {
			// Split so that the source itself does not look like a key.
			pem := "PRIVATE" + " KEY-----"
			mixed.WriteString("-----BEGIN RSA " + pem + "\n" + strings.Repeat(newKeyGen(uint64(i)).chars(alnum, 64)+"\n", 6) + "-----END RSA " + pem + "\n")
		}
	}
	// Text the multi-line pass skips (no keyword of its rules), and text
	// where only strings.ToLower finds one (İ lowers to i).
	pem := "PRIVATE" + " KEY-----"
	body := strings.Repeat(newKeyGen(99).chars(alnum, 64)+"\n", 6)
	docs = append(docs, strings.Repeat("N\x94", 4096)+"\n"+keys[0].line+"\n",
		"-----BEG\u0130N RSA "+pem+"\n"+body+"-----END RSA "+pem+"\n",
		"-----BEGIN RSA "+pem+"\n"+body+"-----END RSA "+pem+"\n\xff\xfe")
	docs = append(docs, mixed.String(), string(notebookFromTemplate(t, keys)))
	for i, doc := range docs {
		fast := d.Find(context.Background(), "f.txt", doc)
		full := d.findAll(context.Background(), "f.txt", doc)
		key := func(ms []Match) string {
			var b strings.Builder
			for _, m := range ms {
				fmt.Fprintf(&b, "%d %s %s\n", m.Line, m.GitleaksRule, Mask(m.Secret))
			}
			return b.String()
		}
		if key(fast) != key(full) {
			t.Errorf("doc %d: candidate-line scan differs from full scan\nfast:\n%s\nfull:\n%s", i, key(fast), key(full))
		}
		if i == len(docs)-2 && len(fast) < 2*len(keys) {
			t.Errorf("mixed doc: only %d matches", len(fast))
		}
	}
}

// gitleaks' path allowlists still apply: global ones (lock files) and
// rule-level ones (the octokit README's sample GitHub tokens).
func TestPathAllowlists(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	pat := newKeyGen(13).providerKeys()[17] // github-pat
	text := "token: " + pat.key + "\n"
	for _, c := range []struct {
		path string
		want int
	}{
		{"src/config.yaml", 1},
		// github-pat is allowlisted there; gitleaks then keeps generic-api-key.
		{"third_party/@octokit/auth-token/README.md", 1},
		{"web/package-lock.json", 0},
		{"node_modules/x/index.js", 0},
	} {
		if got, full := len(d.Find(context.Background(), c.path, text)), len(d.findAll(context.Background(), c.path, text)); got != c.want || full != c.want {
			t.Errorf("%s: Find %d, full scan %d, want %d", c.path, got, full, c.want)
		}
	}
}

// gitleaks' inline "gitleaks:allow" marker keeps working for teams that
// already use it; ward's own `ward:ignore RULE reason` is applied later.
func TestGitleaksAllowComment(t *testing.T) {
	k := newKeyGen(15).providerKeys()[7]
	if fs := scan(t, "a.py", "KEY = \""+k.key+"\"  # gitleaks:allow test fixture\n"); len(fs) != 0 {
		t.Fatalf("got %+v", fs)
	}
	if fs := scan(t, "a.py", "KEY = \""+k.key+"\"\n"); len(fs) != 1 {
		t.Fatalf("got %+v", fs)
	}
}
