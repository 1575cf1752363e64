package secrets

import "github.com/ward-sec/ward/checks"

// Rule IDs of the secrets check. ward groups gitleaks' ~230 rules into a few
// kinds so that `ward rules`, the config's per-rule settings and the docs stay
// readable; each finding names its provider and carries that provider's own
// revoke-and-rotate steps in Finding.Fix, and its Evidence starts with the
// gitleaks rule ID.
const (
	RuleAIProviderKey      = "secret-ai-provider-key"
	RuleCloudCredential    = "secret-cloud-credential"
	RuleSourceControlToken = "secret-source-control-token"
	RulePrivateKey         = "secret-private-key"
	RuleServiceToken       = "secret-service-token"
	RuleGenericAPIKey      = "secret-generic-api-key"
	RuleEnvFile            = "secret-env-file"
	RuleScanIncomplete     = "secret-scan-incomplete"
)

// historyFix is the second half of every secret's fix: rotation comes first
// because clones, forks and caches keep the old commits whatever you rewrite.
const historyFix = "Then remove it from the code (read it from the environment or a secret manager) and " +
	"from the branch history: `git filter-repo --replace-text` or BFG, then force-push. Rewriting " +
	"history does not un-leak it; rotating does."

const removeSensitiveDataURL = "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository"

const secretFixExample = "# before\nclient = OpenAI(api_key=\"sk-proj-...\")\n\n" +
	"# after: the key comes from the environment (or a secret manager)\n" +
	"client = OpenAI(api_key=os.environ[\"OPENAI_API_KEY\"])\n\n" +
	"# and purge it from history after rotating it\n" +
	"git filter-repo --replace-text <(echo 'sk-proj-...==>REMOVED')"

var secretRefs = []string{"CWE-798", "CWE-312", "LLM02:2025", removeSensitiveDataURL}

func rules() []checks.Rule {
	return []checks.Rule{
		{
			ID: RuleAIProviderKey, Title: "AI provider API key committed", Severity: checks.SeverityHigh, Family: "secrets",
			Why: "An AI provider key (OpenAI, Anthropic, Hugging Face, Groq, Replicate, …) in a repository is " +
				"found by scrapers within minutes of a push. Attackers use stolen keys to run models on your " +
				"bill (\"LLMjacking\"), to read fine-tuning data, files and assistants stored under the account, " +
				"and — for Hugging Face write tokens — to replace your published models with malicious ones.",
			Fix:        "Revoke the key in the provider's console and create a new one. " + historyFix,
			FixExample: secretFixExample,
			References: secretRefs,
		},
		{
			ID: RuleCloudCredential, Title: "Cloud credential committed", Severity: checks.SeverityHigh, Family: "secrets",
			Why: "A cloud credential (AWS, Google Cloud, Azure, …) gives whoever finds it the permissions of the " +
				"identity it belongs to: reading buckets of training data, starting GPU instances, or moving " +
				"laterally through the account.",
			Fix:        "Deactivate the credential in the cloud console, create a new one with the least privilege needed, and check the audit log for use. " + historyFix,
			FixExample: secretFixExample,
			References: secretRefs,
		},
		{
			ID: RuleSourceControlToken, Title: "Source control token committed", Severity: checks.SeverityHigh, Family: "secrets",
			Why: "A GitHub, GitLab or Bitbucket token lets its finder push code, read private repositories or " +
				"change CI settings as you or as your App — the start of a supply-chain compromise.",
			Fix:        "Revoke the token (or let an App installation token expire and rotate the App's private key if it leaked too). " + historyFix,
			FixExample: secretFixExample,
			References: secretRefs,
		},
		{
			ID: RulePrivateKey, Title: "Private key committed", Severity: checks.SeverityHigh, Family: "secrets",
			Why: "A private key (TLS, SSH, signing, age, PKCS#12) lets its finder impersonate the server or " +
				"person it belongs to, sign code or decrypt traffic and data.",
			Fix:        "Generate a new key pair, replace the public key everywhere it is trusted, and revoke the old certificate. " + historyFix,
			FixExample: "ssh-keygen -t ed25519 -f ~/.ssh/deploy_key   # new key, kept out of the repository\ngit rm --cached deploy/id_rsa",
			References: []string{"CWE-321", "CWE-798", removeSensitiveDataURL},
		},
		{
			ID: RuleServiceToken, Title: "Service API token committed", Severity: checks.SeverityHigh, Family: "secrets",
			Why: "A token for a third-party service (Slack, Stripe, a package registry, a database, …) lets its " +
				"finder act as your application in that service.",
			Fix:        "Revoke the token in the issuing service and create a new one. " + historyFix,
			FixExample: secretFixExample,
			References: secretRefs,
		},
		{
			ID: RuleGenericAPIKey, Title: "Possible secret in an assignment", Severity: checks.SeverityLow, Family: "secrets",
			Why: "A high-entropy value is assigned to something named like a key, token or password. It may be a " +
				"real credential of a service ward has no specific rule for, or a harmless identifier.",
			Fix:        "If it is a credential, revoke it where it was issued and read it from the environment instead. " + historyFix,
			FixExample: "# before\nSERVICE_TOKEN = \"q8Vt2...\"\n# after\nSERVICE_TOKEN = os.environ[\"SERVICE_TOKEN\"]",
			References: []string{"CWE-798", removeSensitiveDataURL},
		},
		{
			ID: RuleEnvFile, Title: "Environment file committed", Severity: checks.SeverityMedium, Family: "secrets",
			Why: "`.env` files hold local credentials by convention (API keys, database URLs) and are meant to " +
				"stay out of version control. Once committed, every value in them is in the history for good.",
			Fix: "Remove the file from the repository, add it to `.gitignore`, commit a `.env.example` with " +
				"placeholder values instead, and rotate every credential the file contained.",
			FixExample: "git rm --cached .env\necho '.env' >> .gitignore\ncp .env .env.example   # then replace every value with a placeholder",
			References: []string{"CWE-538", "CWE-798", removeSensitiveDataURL},
		},
		{
			ID: RuleScanIncomplete, Title: "File not fully scanned for secrets", Severity: checks.SeverityMedium, Family: "secrets",
			Why: "ward could not scan all of this file for secrets (it is over the size limit, or a notebook that " +
				"is not valid JSON), so a key in the unscanned part would go unreported.",
			Fix:        "Keep large data out of the repository (Git LFS or a data store), or fix the notebook's JSON.",
			FixExample: "git lfs track \"*.jsonl\"",
			References: []string{"CWE-778"},
		},
	}
}
