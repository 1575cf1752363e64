package secrets

import (
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strings"
)

// Generated, not real: every key below is random text in the provider's
// published shape, from a fixed seed so that tests are reproducible. Keys
// are built at test time rather than committed, so that no secret scanner
// (ward's own included) flags the repository.

const (
	alnum    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lower    = "abcdefghijklmnopqrstuvwxyz"
	hexChars = "0123456789abcdef"
	b64url   = alnum + "-_"
)

type keyGen struct{ r *rand.Rand }

func newKeyGen(seed uint64) *keyGen {
	return &keyGen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *keyGen) chars(set string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(set[g.r.IntN(len(set))])
	}
	return b.String()
}

// providerKey is one provider's generated key and how it is typically written.
type providerKey struct {
	gitleaksRule string
	wardRule     string
	key          string
	// line is a realistic line of code or config holding the key.
	line string
}

func (g *keyGen) providerKeys() []providerKey {
	jwt := g.githubInstallationJWT()
	keys := []providerKey{
		{"openai-api-key", RuleAIProviderKey, "sk-proj-" + g.chars(alnum, 74) + "T3BlbkFJ" + g.chars(alnum, 74), `client = OpenAI(api_key="%s")`},
		{"anthropic-api-key", RuleAIProviderKey, "sk-ant-api03-" + g.chars(b64url, 93) + "AA", `ANTHROPIC_API_KEY="%s"`},
		{"huggingface-access-token", RuleAIProviderKey, "hf_" + g.chars(lower+"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 34), `login(token="%s")`},
		{"cohere-api-token", RuleAIProviderKey, g.chars(alnum, 40), `co = cohere.Client(cohere_api_key="%s")`},
		{"perplexity-api-key", RuleAIProviderKey, "pplx-" + g.chars(alnum, 48), `PPLX_KEY = "%s"`},
		{"gcp-api-key", RuleAIProviderKey, "AIzaSy" + g.chars(alnum+"-_", 33), `genai.configure(api_key="%s")`},
		{"replicate-api-token", RuleAIProviderKey, "r8_" + g.chars(alnum, 37), `export REPLICATE_API_TOKEN=%s`},
		{"groq-api-key", RuleAIProviderKey, "gsk_" + g.chars(alnum, 52), `client = Groq(api_key="%s")`},
		{"xai-api-key", RuleAIProviderKey, "xai-" + g.chars(alnum, 80), `XAI_API_KEY: "%s"`},
		{"openrouter-api-key", RuleAIProviderKey, "sk-or-v1-" + g.chars(hexChars, 64), `headers = {"Authorization": "Bearer %s"}`},
		{"langsmith-api-key", RuleAIProviderKey, "lsv2_pt_" + g.chars(hexChars, 32) + "_" + g.chars(hexChars, 10), `os.environ["LANGCHAIN_API_KEY"] = "%s"`},
		{"pinecone-api-key", RuleAIProviderKey, "pcsk_" + g.chars(alnum, 5) + "_" + g.chars(alnum, 63), `pc = Pinecone(api_key="%s")`},
		{"mistral-api-key", RuleAIProviderKey, g.chars(alnum, 32), `MISTRAL_API_KEY=%s`},
		{"deepseek-api-key", RuleAIProviderKey, "sk-" + g.chars(hexChars, 32), `deepseek_api_key = "%s"`},
		{"wandb-api-key", RuleAIProviderKey, g.chars(hexChars, 40), `wandb.login(key="%s")`},
		{"github-app-installation-token-jwt", RuleSourceControlToken, jwt, `git clone https://x-access-token:%s@github.com/org/repo.git`},
		{"github-app-token", RuleSourceControlToken, g.githubToken("ghs_"), `GH_TOKEN=%s`},
		{"github-pat", RuleSourceControlToken, g.githubToken("ghp_"), `token: %s`},
		{"aws-access-token", RuleCloudCredential, "AKIA" + g.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), `aws_access_key_id = %s`},
	}
	for i := range keys {
		keys[i].line = fmt.Sprintf(keys[i].line, keys[i].key)
	}
	return keys
}

// githubToken builds a classic GitHub token: prefix, 30 random characters
// and their base62 CRC32 checksum, as GitHub issues them.
func (g *keyGen) githubToken(prefix string) string {
	body := g.chars(alnum, 30)
	return prefix + body + base62(crc32.ChecksumIEEE([]byte(body)), 6)
}

// githubInstallationJWT builds a token in GitHub's stateless installation
// token shape: ghs_<app id>_<header>.<payload>.<signature>, ~520 characters.
func (g *keyGen) githubInstallationJWT() string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT","kid":"` + g.chars(hexChars, 16) + `"}`))
	payload := enc.EncodeToString([]byte(fmt.Sprintf(
		`{"iss":"github.com","sub":"installation:%d","app_id":%d,"iat":1777300000,"exp":1777303600,"jti":"%s","repos":"all","perm":"contents:read,pull_requests:write,checks:write"}`,
		10000000+g.r.IntN(90000000), 100000+g.r.IntN(900000), g.chars(alnum, 24))))
	sig := make([]byte, 256)
	for i := range sig {
		sig[i] = byte(g.r.IntN(256))
	}
	return fmt.Sprintf("ghs_%d_%s.%s.%s", 100000+g.r.IntN(900000), header, payload, enc.EncodeToString(sig))
}
