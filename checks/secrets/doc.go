// Package secrets reports credentials committed to a repository: the
// gitleaks default rules (used as a library) plus ward's own rules for AI
// providers gitleaks v8.30.1 lacks (ward_rules.toml), run over whole text
// files, over the decoded string values of JSON files and Jupyter notebooks
// (cell sources and outputs, mapped back to the notebook's JSON lines), and
// a finding for every committed .env file.
//
// Rule IDs: ward groups gitleaks' rules into a few kinds — secret-ai-provider-key,
// secret-cloud-credential, secret-source-control-token, secret-private-key,
// secret-service-token, secret-generic-api-key (low) — rather than one ward
// rule per gitleaks rule (over 230 entries would make `ward rules` and
// .github/ward.yml unreadable) or a single secret-leak rule (which could not
// let a team lower generic-api-key alone, or gate on AI keys differently from
// the rest). Each finding names its provider in the message, carries the
// provider's own revoke-and-rotate steps in Finding.Fix, and starts its
// Evidence with the gitleaks rule ID, so fingerprints stay per provider.
//
// Masking: a finding's Message and Evidence only ever hold Mask(secret); the
// raw secret never leaves Match. MaskText masks every secret in arbitrary
// text for the review layer (LLM input, logs).
package secrets
