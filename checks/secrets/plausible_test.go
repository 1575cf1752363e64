package secrets

import (
	"hash/crc32"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// The checksum of GitHub's token format, checked against a vector published
// with an independent implementation (CredSweeper's ValueGitHubCheck tests:
// 31 zeros check-sum to 4WZ4EQ, same CRC32 and base62 alphabet).
func TestGitHubChecksum(t *testing.T) {
	if got := base62(crc32.ChecksumIEEE([]byte(strings.Repeat("0", 31))), 6); got != "4WZ4EQ" {
		t.Fatalf("checksum of 31 zeros = %s, want 4WZ4EQ", got)
	}
	body := strings.Repeat("0", 30) // its checksum is 2C8GjS
	for _, c := range []struct {
		token        string
		valid, shape bool
	}{
		{"ghp_" + body + "2C8GjS", true, true},
		{"gho_" + body + "2C8GjS", true, true},
		{"ghp_" + body + "2C8GjT", false, true},
		{"ghp_" + body + "4WZ4E", false, false},  // not the 40-character form
		{"ghx_" + body + "4WZ4EQ", false, false}, // not a checksummed prefix
		{"github_pat_" + body, false, false},     // fine-grained: no CRC to check
	} {
		valid, shape := githubChecksumOK(c.token)
		if valid != c.valid || shape != c.shape {
			t.Errorf("%s: valid %v shape %v, want %v %v", c.token, valid, shape, c.valid, c.shape)
		}
	}
}

// Template values in a key's place, as found in documentation, OpenAPI
// examples and .env templates, are not reported; real keys in the same
// places are.
func TestPlaceholdersAreNotSecrets(t *testing.T) {
	for _, c := range []struct{ name, path, text string }{
		{"bearer your token", "docs/api.mdx", "curl -X POST https://api.example.com/kickoff \\\n  -H \"Authorization: Bearer YOUR_API_TOKEN\" \\\n  -d '{}'\n"},
		{"bearer crew token", "docs/ar/intro.mdx", "curl -H \"Authorization: Bearer YOUR_CREW_TOKEN\" https://x.crewai.com/status\n"},
		{"bearer env name", "README.md", "curl -H \"Authorization: Bearer OPENAI_API_KEY\" https://api.openai.com/v1/models\n"},
		{"bearer angle", "openapi.yaml", "curl -H 'Authorization: Bearer <your-key>' https://api.example.com\n"},
		{"bearer xxx", "README.md", "curl -H \"Authorization: Bearer xxxxxxxxxxxxxxxxxxxx\" https://api.example.com\n"},
		{"bearer template", "docs/a.md", "curl -H \"Authorization: Bearer {{token}}\" https://api.example.com\n"},
		{"bearer replace me", "docs/a.md", "curl -H \"X-Api-Key: REPLACE_ME_WITH_KEY\" https://api.example.com\n"},
		{"bearer sk dots", "docs/a.md", "curl -H \"Authorization: Bearer sk-.....\" https://api.openai.com\n"},
		{"bearer word chain", "docs/a.md", "curl -H \"Authorization: Bearer my-secret-token\" https://api.example.com\n"},
		{"generic your key", "config.py", "api_key = \"your-openai-api-key-goes-here\"\n"},
		{"generic env ref", "config.js", "const apiKey = \"${OPENAI_API_KEY}\";\n"},
		{"github placeholder", "README.md", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
		{"aws docs example", "docs/aws.md", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"}, // gitleaks:allow (AWS's documented example)
	} {
		t.Run(c.name, func(t *testing.T) {
			if fs := scan(t, c.path, c.text); len(fs) != 0 {
				t.Errorf("want nothing, got %+v", fs)
			}
		})
	}
}

func TestRealTokensInPlaceholderPlaces(t *testing.T) {
	g := newKeyGen(21)
	tok := g.chars(alnum, 40)
	gh := g.githubToken("ghp_")
	for _, c := range []struct {
		name, text, rule string
		sev              checks.Severity
	}{
		{"curl bearer random", "curl -H \"Authorization: Bearer " + tok + "\" https://api.example.com\n", RuleServiceToken, checks.SeverityHigh},
		{"github checksummed", "GITHUB_TOKEN=" + gh + "\n", RuleSourceControlToken, checks.SeverityHigh},
		{"github bad checksum", "GITHUB_TOKEN=" + gh[:39] + string(rune('A'+(gh[39]-'A'+1)%26)) + "\n", RuleSourceControlToken, checks.SeverityLow},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := scan(t, "docs/setup.md", c.text)
			if len(fs) != 1 || fs[0].RuleID != c.rule || fs[0].Severity != c.sev {
				t.Fatalf("want one %s %s, got %+v", c.sev, c.rule, fs)
			}
			assertNoRaw(t, tok, fs)
			assertNoRaw(t, gh, fs)
		})
	}
}

// A Hugging Face token inside a URL is found like one outside it.
func TestHuggingFaceTokenInURL(t *testing.T) {
	tok := "hf_" + newKeyGen(22).chars(lower+"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 34)
	for _, line := range []string{
		"git clone https://user:" + tok + "@huggingface.co/org/private-model",
		"url = \"https://huggingface.co/api/models?token=" + tok + "&full=true\"",
		"!wget https://" + tok + "@huggingface.co/datasets/x/resolve/main/a.parquet",
		"see (" + tok + ")",
	} {
		fs := scan(t, "train.py", line+"\n")
		if len(fs) != 1 || fs[0].RuleID != RuleAIProviderKey || fs[0].Severity != checks.SeverityHigh {
			t.Errorf("%q: want one high %s, got %+v", line, RuleAIProviderKey, fs)
		}
		assertNoRaw(t, tok, fs)
	}
	// A longer identifier that merely starts like a token is not one.
	if fs := scan(t, "a.py", "name = \"hf_"+strings.Repeat("abcdefghij", 4)+"\"\n"); len(fs) != 0 {
		t.Errorf("hf_ identifier: %+v", fs)
	}
}

// A key inside a long line (a data URI, minified code) is found once
// wherever it falls, including across the edges of the chunks long lines
// are scanned in.
func TestKeyInLongLine(t *testing.T) {
	g := newKeyGen(23)
	k := g.providerKeys()[7] // groq: a prefix rule
	noise := g.chars(b64url, 3*chunkSize)
	for _, at := range []int{0, 100, chunkSize - chunkOverlap - 10, chunkSize - 30, chunkSize - 1, 2*(chunkSize-chunkOverlap) + 5} {
		line := noise[:at] + " api_key=\"" + k.key + "\" " + noise[at:]
		fs := scan(t, "bundle.min.js", "// header\n"+line+"\n")
		n := 0
		for _, f := range fs {
			if f.RuleID == RuleAIProviderKey && f.StartLine == 2 && f.Evidence == "groq-api-key "+Mask(k.key) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("key at offset %d: found %d times: %+v", at, n, fs)
		}
	}
}
