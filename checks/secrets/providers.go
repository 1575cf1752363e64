package secrets

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// provider says who issued a secret and where to revoke it.
type provider struct {
	Name   string // "OpenAI API key"
	Rule   string // ward rule ID
	Revoke string // how and where to revoke, one sentence
}

// aiProviders are the gitleaks rules (default and ward-added) for AI and ML
// services. addedByWard marks the ones ward_rules.toml adds.
var aiProviders = map[string]provider{
	"openai-api-key":                         {"OpenAI API key", RuleAIProviderKey, "Delete the key at https://platform.openai.com/api-keys and create a new one"},
	"anthropic-api-key":                      {"Anthropic API key", RuleAIProviderKey, "Delete the key at https://console.anthropic.com/settings/keys and create a new one"},
	"anthropic-admin-api-key":                {"Anthropic Admin API key", RuleAIProviderKey, "Delete the admin key at https://console.anthropic.com/settings/admin-keys and review the organisation's members and keys it could change"},
	"huggingface-access-token":               {"Hugging Face access token", RuleAIProviderKey, "Invalidate the token at https://huggingface.co/settings/tokens; if it had write access, check your models and datasets for commits you did not make"},
	"huggingface-organization-api-token":     {"Hugging Face organization API token", RuleAIProviderKey, "Invalidate the token in the organisation's settings on https://huggingface.co/settings/tokens and check the organisation's repositories for unexpected commits"},
	"cohere-api-token":                       {"Cohere API key", RuleAIProviderKey, "Delete the key at https://dashboard.cohere.com/api-keys and create a new one"},
	"perplexity-api-key":                     {"Perplexity API key", RuleAIProviderKey, "Revoke the key at https://www.perplexity.ai/settings/api and create a new one"},
	"aws-amazon-bedrock-api-key-long-lived":  {"Amazon Bedrock API key", RuleAIProviderKey, "Delete the Bedrock API key (the IAM service-specific credential) in the AWS console under IAM > Users > Security credentials, and check CloudTrail for its use"},
	"aws-amazon-bedrock-api-key-short-lived": {"Amazon Bedrock short-term API key", RuleAIProviderKey, "It expires within hours, but revoke the session of the IAM identity that created it (IAM > Roles > Revoke active sessions) and check CloudTrail"},
	"gcp-api-key":                            {"Google API key (used by Google AI Studio / Gemini and other Google Cloud APIs)", RuleAIProviderKey, "Delete or regenerate the key at https://aistudio.google.com/app/apikey (Gemini) or https://console.cloud.google.com/apis/credentials, and restrict the new key to the APIs it needs"},
	"replicate-api-token":                    {"Replicate API token", RuleAIProviderKey, "Revoke the token at https://replicate.com/account/api-tokens and create a new one"},
	"groq-api-key":                           {"Groq API key", RuleAIProviderKey, "Delete the key at https://console.groq.com/keys and create a new one"},
	"xai-api-key":                            {"xAI API key", RuleAIProviderKey, "Delete the key in the xAI console at https://console.x.ai (API Keys) and create a new one"},
	"openrouter-api-key":                     {"OpenRouter API key", RuleAIProviderKey, "Delete the key at https://openrouter.ai/settings/keys and create a new one with a credit limit"},
	"langsmith-api-key":                      {"LangSmith API key", RuleAIProviderKey, "Delete the key in LangSmith under Settings > API Keys (https://smith.langchain.com/settings) and create a new one; traces it could read include prompts and outputs"},
	"pinecone-api-key":                       {"Pinecone API key", RuleAIProviderKey, "Delete the key in the Pinecone console (https://app.pinecone.io, project > API Keys) and create a new one; the key can read and overwrite your vector indexes"},
	"mistral-api-key":                        {"Mistral AI API key", RuleAIProviderKey, "Delete the key at https://console.mistral.ai/api-keys and create a new one"},
	"deepseek-api-key":                       {"DeepSeek API key", RuleAIProviderKey, "Delete the key at https://platform.deepseek.com/api_keys and create a new one"},
	"wandb-api-key":                          {"Weights & Biases API key", RuleAIProviderKey, "Revoke the key in your W&B user settings (https://wandb.ai/settings, API keys) and create a new one; it can read and change your runs and artifacts"},
}

// addedByWard lists the gitleaks-format rules ward adds in ward_rules.toml.
var addedByWard = []string{
	"replicate-api-token", "groq-api-key", "xai-api-key", "openrouter-api-key", "langsmith-api-key",
	"pinecone-api-key", "mistral-api-key", "deepseek-api-key", "wandb-api-key", "github-app-installation-token-jwt",
}

var otherProviders = map[string]provider{
	"github-pat":                        {"GitHub personal access token", RuleSourceControlToken, "Delete the token at https://github.com/settings/tokens"},
	"github-fine-grained-pat":           {"GitHub fine-grained personal access token", RuleSourceControlToken, "Delete the token at https://github.com/settings/personal-access-tokens"},
	"github-oauth":                      {"GitHub OAuth access token", RuleSourceControlToken, "Revoke the OAuth app's authorisation at https://github.com/settings/applications (or reset the app's tokens)"},
	"github-refresh-token":              {"GitHub refresh token", RuleSourceControlToken, "Revoke the app's authorisation at https://github.com/settings/applications"},
	"github-app-token":                  {"GitHub App user or installation token", RuleSourceControlToken, "Revoke it now with `DELETE /installation/token` (installation tokens expire within an hour; user tokens at https://github.com/settings/applications), and rotate the App's private key if it was exposed too"},
	"github-app-installation-token-jwt": {"GitHub App installation token (ghs_APPID_JWT format)", RuleSourceControlToken, "Revoke it now with `DELETE /installation/token` (it expires within an hour otherwise), find where the App's private key or the token leaked from, and rotate the private key in the App's settings if it was exposed"},
	"gitlab-pat":                        {"GitLab personal access token", RuleSourceControlToken, "Revoke the token under Preferences > Access tokens (https://gitlab.com/-/user_settings/personal_access_tokens)"},
	"gitlab-pat-routable":               {"GitLab personal access token", RuleSourceControlToken, "Revoke the token under Preferences > Access tokens (https://gitlab.com/-/user_settings/personal_access_tokens)"},
	"aws-access-token":                  {"AWS access key", RuleCloudCredential, "Deactivate and delete the access key in IAM (https://console.aws.amazon.com/iam/home#/security_credentials), create a new one, and check CloudTrail for its use"},
	"azure-ad-client-secret":            {"Azure AD (Entra ID) client secret", RuleCloudCredential, "Delete the secret under App registrations > Certificates & secrets in the Azure portal and add a new one"},
	"alibaba-access-key-id":             {"Alibaba Cloud access key", RuleCloudCredential, "Disable and delete the AccessKey in the RAM console and create a new one"},
	"alibaba-secret-key":                {"Alibaba Cloud secret key", RuleCloudCredential, "Disable and delete the AccessKey in the RAM console and create a new one"},
	"digitalocean-pat":                  {"DigitalOcean personal access token", RuleCloudCredential, "Delete the token at https://cloud.digitalocean.com/account/api/tokens"},
	"databricks-api-token":              {"Databricks personal access token", RuleCloudCredential, "Revoke the token in the workspace under Settings > Developer > Access tokens"},
	"slack-bot-token":                   {"Slack bot token", RuleServiceToken, "Regenerate the token in your app's OAuth & Permissions page at https://api.slack.com/apps"},
	"slack-webhook-url":                 {"Slack incoming webhook URL", RuleServiceToken, "Remove the webhook in your app's Incoming Webhooks page at https://api.slack.com/apps and create a new one"},
	"stripe-access-token":               {"Stripe API key", RuleServiceToken, "Roll the key at https://dashboard.stripe.com/apikeys"},
	"npm-access-token":                  {"npm access token", RuleServiceToken, "Delete the token on npmjs.com under Access Tokens (`npm token revoke <id>`) and check recent publishes of your packages"},
	"pypi-upload-token":                 {"PyPI upload token", RuleServiceToken, "Remove the token at https://pypi.org/manage/account/token/ and check the release history of your projects"},
	"private-key":                       {"Private key", RulePrivateKey, "Treat the key as compromised: generate a new key pair and revoke the old certificate or authorised key"},
	"pkcs12-file":                       {"PKCS#12 key store file", RulePrivateKey, "Treat the keys inside as compromised: issue new ones and revoke the old certificates"},
	"age-secret-key":                    {"age secret key", RulePrivateKey, "Generate a new age identity and re-encrypt what the old one protected"},
	"generic-api-key":                   {"Possible credential", RuleGenericAPIKey, "If it is a real credential, revoke it where it was issued"},
}

// providerFor describes the secret a gitleaks rule found.
func providerFor(gitleaksRule string) provider {
	if p, ok := aiProviders[gitleaksRule]; ok {
		return p
	}
	if p, ok := otherProviders[gitleaksRule]; ok {
		return p
	}
	p := provider{Name: humanise(gitleaksRule), Rule: RuleServiceToken,
		Revoke: "Revoke the credential where it was issued and create a new one"}
	switch {
	case strings.HasPrefix(gitleaksRule, "github-"), strings.HasPrefix(gitleaksRule, "gitlab-"),
		strings.HasPrefix(gitleaksRule, "bitbucket-"):
		p.Rule = RuleSourceControlToken
	case strings.HasPrefix(gitleaksRule, "aws-"), strings.HasPrefix(gitleaksRule, "gcp-"),
		strings.HasPrefix(gitleaksRule, "azure-"), strings.HasPrefix(gitleaksRule, "alibaba-"),
		strings.HasPrefix(gitleaksRule, "digitalocean-"), strings.HasPrefix(gitleaksRule, "yandex-"):
		p.Rule = RuleCloudCredential
	}
	return p
}

// severityFor is the finding severity for a gitleaks rule.
func severityFor(gitleaksRule string) checks.Severity {
	switch gitleaksRule {
	case "generic-api-key":
		return checks.SeverityLow
	case "jwt", "jwt-base64":
		// Often a sample or long-expired token in tests and docs.
		return checks.SeverityMedium
	}
	return checks.SeverityHigh
}

// humanise turns "slack-bot-token" into "Slack bot token".
func humanise(id string) string {
	s := strings.ReplaceAll(id, "-", " ")
	if s == "" {
		return "Secret"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
