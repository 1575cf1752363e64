package deps

// floorAdvisories is a small embedded floor of well-known malicious packages
// of the ML/LLM ecosystem, written from public incident reports and checked
// against the OpenSSF malicious-packages records named in each summary. It is always
// consulted, so the worst cases are caught even without an OSV source.
var floorAdvisories = []*Advisory{
	{
		ID:        "WARD-FLOOR-2022-torchtriton",
		Malicious: true,
		Summary: "Dependency-confusion package on PyPI shadowing PyTorch nightly's torchtriton " +
			"(uploaded 2022-12-25); it exfiltrated host data, SSH keys and files (PyTorch advisory, 2022-12-30).",
		Affected: []Affected{{Eco: PyPI, Name: "torchtriton"}},
	},
	{
		ID:        "WARD-FLOOR-2024-ultralytics",
		Malicious: true,
		Summary: "Releases 8.3.41, 8.3.42, 8.3.45 and 8.3.46 were built from a poisoned GitHub Actions " +
			"cache and carried an XMRig cryptominer (Ultralytics incident, December 2024).",
		Affected: []Affected{{Eco: PyPI, Name: "ultralytics", Versions: []string{"8.3.41", "8.3.42", "8.3.45", "8.3.46"}}},
	},
	{
		ID:        "WARD-FLOOR-2024-jarkastealer",
		Malicious: true,
		Summary: "Fake ChatGPT and Claude API wrappers that delivered the JarkaStealer infostealer " +
			"(Kaspersky report, November 2024).",
		Affected: []Affected{{Eco: PyPI, Name: "gptplus"}, {Eco: PyPI, Name: "claudeai-eng"}},
	},
	{
		ID:        "WARD-FLOOR-2025-ai-labs-sdk",
		Malicious: true,
		Summary: "Packages posing as Alibaba AI Labs SDKs that shipped PyTorch models whose pickle ran " +
			"an infostealer when loaded (ReversingLabs report, May 2025; MAL-2025-5094, -5095, -5096).",
		Affected: []Affected{
			{Eco: PyPI, Name: "aliyun-ai-labs-snippets-sdk"},
			{Eco: PyPI, Name: "ai-labs-snippets-sdk"},
			{Eco: PyPI, Name: "aliyun-ai-labs-sdk"},
		},
	},
	{
		ID:        "WARD-FLOOR-2025-nx-s1ngularity",
		Malicious: true,
		Summary: "Compromised nx releases and plugins whose postinstall script drove locally installed AI coding " +
			"CLIs to hunt for secrets and published them to public repositories (\"s1ngularity\", August 2025; " +
			"GHSA-cxm3-wv7p-598c, CVE-2025-10894).",
		Affected: []Affected{
			{Eco: Npm, Name: "nx", Versions: []string{
				"20.9.0", "20.10.0", "20.11.0", "20.12.0", "21.5.0", "21.6.0", "21.7.0", "21.8.0"}},
			{Eco: Npm, Name: "@nx/devkit", Versions: []string{"20.9.0", "21.5.0"}},
			{Eco: Npm, Name: "@nx/js", Versions: []string{"20.9.0", "21.5.0"}},
			{Eco: Npm, Name: "@nx/workspace", Versions: []string{"20.9.0", "21.5.0"}},
			{Eco: Npm, Name: "@nx/node", Versions: []string{"20.9.0", "21.5.0"}},
			{Eco: Npm, Name: "@nx/eslint", Versions: []string{"21.5.0"}},
			{Eco: Npm, Name: "@nx/key", Versions: []string{"3.2.0"}},
			{Eco: Npm, Name: "@nx/enterprise-cloud", Versions: []string{"3.2.0"}},
		},
	},
}

var floorIndex = func() osvIndex {
	ix := osvIndex{}
	for _, a := range floorAdvisories {
		ix.add(a)
	}
	return ix
}()
