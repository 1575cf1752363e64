package deps

import "github.com/ward-sec/ward/checks"

// Rule IDs of the dependency check.
const (
	RuleNewDependency  = "deps-new-dependency"
	RuleTyposquat      = "deps-typosquat"
	RuleMalicious      = "deps-malicious-package"
	RuleVulnerable     = "deps-vulnerable-version"
	RuleConfusion      = "deps-dependency-confusion"
	RuleInsecureIndex  = "deps-insecure-index"
	RuleDirectSource   = "deps-direct-source"
	RuleGoReplace      = "deps-go-replace"
	RuleLoosePin       = "deps-loose-pin"
	RuleInstallScript  = "deps-install-script"
	RuleNonRegistry    = "deps-nonregistry-resolved"
	RuleUnknownPackage = "deps-unknown-package"
	RuleOSVFloorOnly   = "deps-osv-floor-only"
	RuleOSVUnavailable = "deps-osv-unavailable"
	RuleNotAnalysed    = "deps-not-analysed"
)

var rules = []checks.Rule{
	{
		ID: RuleNewDependency, Title: "New direct dependency", Severity: checks.SeverityInfo, Family: "supplychain",
		Why: "Every new dependency is code from someone else that runs with the project's rights. " +
			"Listing them lets a reviewer confirm each one was intended and is the package they meant.",
		Fix:        "Confirm the package is the one you meant, that it is maintained, and pin it.",
		FixExample: "requests==2.32.3",
		References: []string{"CWE-1104", "LLM03:2025"},
	},
	{
		ID: RuleTyposquat, Title: "Dependency name imitates a popular package", Severity: checks.SeverityHigh, Family: "supplychain",
		Why: "Attackers publish packages whose names differ from popular ones by a letter, a swapped pair, " +
			"a separator or a py/python affix, and wait for a typo — or for an AI assistant's slip. Installing one " +
			"runs its code on developer machines and in CI.",
		Fix:        "Use the popular package's exact name, and check the registry page before adding a dependency.",
		FixExample: "# requirements.txt\n-reqeusts==2.32.3\n+requests==2.32.3",
		References: []string{"CWE-1357", "CWE-506", "LLM03:2025"},
	},
	{
		ID: RuleMalicious, Title: "Known malicious package or version", Severity: checks.SeverityCritical, Family: "supplychain",
		Why: "OSV (including the OpenSSF malicious-packages data) or ward's own list records this package or " +
			"version as malware: installing it runs the attacker's code.",
		Fix: "Remove the dependency, and treat every machine that installed it as compromised: rotate the " +
			"credentials it could reach.",
		FixExample: "# remove the line\n-torchtriton\n# PyTorch nightly ships its own triton build:\npip install --index-url https://download.pytorch.org/whl/nightly/cpu torch",
		References: []string{"CWE-506", "CWE-1357", "LLM03:2025"},
	},
	{
		ID: RuleVulnerable, Title: "Dependency version with a known vulnerability", Severity: checks.SeverityMedium, Family: "supplychain",
		Why: "OSV lists a vulnerability affecting this exact version. In ML libraries (torch, transformers, " +
			"keras…) these are often remote code execution when loading a model or data file.",
		Fix:        "Upgrade to a version outside the advisory's affected ranges.",
		FixExample: "-torch==2.5.1\n+torch==2.6.0   # CVE-2025-32434: torch.load(weights_only=True) RCE",
		References: []string{"CWE-1395", "LLM03:2025"},
	},
	{
		ID: RuleConfusion, Title: "Package index setup open to dependency confusion", Severity: checks.SeverityHigh, Family: "supplychain",
		Why: "With an extra index searched for every package (pip's --extra-index-url, a non-explicit uv index, " +
			"a supplemental Poetry source, a PDM source without include_packages, a changed npm or Yarn registry; " +
			"set in a manifest or in .npmrc, .yarnrc.yml, pip.conf or uv.toml), " +
			"a package of the same name on the public index can win. This is how torchtriton reached PyTorch " +
			"nightly users in December 2022.",
		Fix: "Use one index that proxies the public one, or pin each private package to its index " +
			"(uv: explicit = true plus [tool.uv.sources]; Poetry: priority = \"explicit\" plus source = …; " +
			"npm: @scope:registry=… instead of registry=…; Yarn: npmScopes.<scope>.npmRegistryServer instead of npmRegistryServer).",
		FixExample: "[[tool.uv.index]]\nname = \"internal\"\nurl = \"https://pkgs.example.com/simple\"\nexplicit = true\n\n" +
			"[tool.uv.sources]\nour-lib = { index = \"internal\" }",
		References: []string{"CWE-427", "CWE-1357", "LLM03:2025"},
	},
	{
		ID: RuleInsecureIndex, Title: "Package index reached without TLS verification", Severity: checks.SeverityMedium, Family: "supplychain",
		Why: "Packages fetched over plain HTTP, from a trusted-host (pip) or allow-insecure-host (uv), from a host " +
			"in Yarn's unsafeHttpWhitelist, or with strict-ssl=false / enableStrictSsl: false can be swapped by " +
			"anyone on the network path.",
		Fix:        "Use https:// and keep certificate verification on.",
		FixExample: "--index-url https://pkgs.example.com/simple",
		References: []string{"CWE-319", "CWE-295"},
	},
	{
		ID: RuleDirectSource, Title: "Dependency installed from a URL, repository or outside path", Severity: checks.SeverityMedium, Family: "supplychain",
		Why: "A dependency from a URL, a git repository or a path outside the repository bypasses the " +
			"registry: no immutable version, no malware scanning, and whoever controls the URL or branch " +
			"controls what is installed.",
		Fix:        "Depend on a released version from the registry, or pin a full commit hash and a checksum.",
		FixExample: "-mylib @ git+https://github.com/someone/mylib@main\n+mylib==1.4.2",
		References: []string{"CWE-494", "CWE-829", "LLM03:2025"},
	},
	{
		ID: RuleGoReplace, Title: "go.mod replace swaps a module for another source", Severity: checks.SeverityMedium, Family: "supplychain",
		Why: "A replace directive makes every build use a different module (often a fork) or a directory " +
			"outside the repository, while imports keep the original path: reviewers see the familiar name.",
		Fix:        "Drop the replace once upstream has the fix; otherwise pin the fork to a reviewed version.",
		FixExample: "// remove\n-replace github.com/pkg/errors => github.com/someone/errors v0.9.2",
		References: []string{"CWE-829"},
	},
	{
		ID: RuleLoosePin, Title: "Application dependency without a pinned version", Severity: checks.SeverityLow, Family: "supplychain",
		Why: "An application that installs whatever version is newest picks up a compromised release the " +
			"moment it is published (ultralytics 8.3.41, December 2024).",
		Fix:        "Pin exact versions (and hashes) in the application's requirements, e.g. with pip-compile.",
		FixExample: "-transformers\n+transformers==4.46.3 --hash=sha256:…",
		References: []string{"CWE-1357", "CWE-494"},
	},
	{
		ID: RuleInstallScript, Title: "Install-time script added", Severity: checks.SeverityMedium, Family: "supplychain",
		Why: "npm runs preinstall, install, postinstall and prepare scripts automatically, on every developer " +
			"machine and CI runner that installs the package. Most npm malware runs this way.",
		Fix:        "Avoid install scripts; run build steps explicitly. Consider `npm ci --ignore-scripts` in CI.",
		FixExample: "\"scripts\": {\n  \"build\": \"tsc\"\n}",
		References: []string{"CWE-506", "CWE-829"},
	},
	{
		ID: RuleNonRegistry, Title: "Lock entry resolved outside the registry", Severity: checks.SeverityMedium, Family: "supplychain",
		Why: "The lock file fetches this package from a host other than the one the rest of the lock uses, " +
			"from a git repository, or over plain HTTP. An edited lock file is an easy place to hide a swap.",
		Fix:        "Regenerate the lock file from the registry and review the diff of `resolved` URLs.",
		FixExample: "rm package-lock.json && npm install --package-lock-only",
		References: []string{"CWE-494", "CWE-829"},
	},
	{
		ID: RuleUnknownPackage, Title: "Unknown package with an AI-invented look", Severity: checks.SeverityLow, Family: "supplychain",
		Why: "AI assistants invent plausible package names (\"slopsquatting\"); attackers register them. This " +
			"name is in none of ward's lists of popular packages and has the typical shape of such names.",
		Fix:        "Check that the package exists, is the one you meant, and has a real maintainer and history.",
		FixExample: "-huggingface-cli\n+huggingface_hub[cli]",
		References: []string{"CWE-1357", "LLM03:2025", "LLM09:2025"},
	},
	{
		ID: RuleOSVFloorOnly, Title: "Known-malicious check ran on the embedded list only", Severity: checks.SeverityInfo, Family: "supplychain",
		Why: "No OSV source is configured, so known-malicious and known-vulnerable versions were checked only " +
			"against ward's small embedded list of ML-ecosystem incidents.",
		Fix:        "Set WARD_OSV_DIR to an OSV export (per-ecosystem all.zip) or WARD_OSV_URL to an OSV API.",
		FixExample: "WARD_OSV_DIR=/var/lib/osv ward scan .",
		References: []string{"CWE-1104"},
	},
	{
		ID: RuleOSVUnavailable, Title: "OSV data could not be read", Severity: checks.SeverityMedium, Family: "supplychain",
		Why:        "The configured OSV source failed, so known-malicious and vulnerable versions were not fully checked.",
		Fix:        "Check WARD_OSV_DIR / WARD_OSV_URL and re-run (`/rescan`).",
		FixExample: "ls $WARD_OSV_DIR/PyPI/all.zip",
		References: []string{"CWE-754"},
	},
	{
		ID: RuleNotAnalysed, Title: "Dependency file could not be fully analysed", Severity: checks.SeverityMedium, Family: "supplychain",
		Why:        "The manifest or lock file is malformed or over a size limit, so its dependencies were not reviewed.",
		Fix:        "Fix the syntax error (the package manager would reject the file too) or split the file.",
		FixExample: "python -c 'import tomllib,sys; tomllib.load(open(\"pyproject.toml\",\"rb\"))'",
		References: []string{"CWE-1104"},
	},
}
