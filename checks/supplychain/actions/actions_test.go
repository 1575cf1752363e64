package actions

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// TestWorkflowFixtures: exact findings for every rule's positive fixture and
// none for the safe look-alikes (safe-*.yml).
func TestWorkflowFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"pwn-request.yml", []string{
			"13 actions-untrusted-checkout critical ref: ${{ github.event.pull_request.head.sha }}",
		}},
		{"pwn-comment.yml", []string{
			"10 actions-untrusted-checkout critical gh pr checkout ${{ github.event.issue.number }}",
		}},
		{"injection.yml", []string{
			"12 actions-script-injection high ${{ github.event.issue.title }}",
			"13 actions-script-injection high ${{ github.head_ref }}",
			"18 actions-script-injection high ${{ github.event.pull_request.body }}",
			"22 actions-script-injection high ${{ github.event.comment.body }}",
		}},
		{"injection-routed.yml", []string{
			`18 actions-github-env-write high echo "BRANCH=${{ github.head_ref }}" >> $GITHUB_ENV`,
			"18 actions-script-injection high ${{ github.head_ref }}",
			"19 actions-script-injection high ${{ steps.meta.outputs.title }}",
			"20 actions-script-injection high ${{ env.BRANCH }}",
			"21 actions-script-injection high ${{ env.ISSUE_TITLE }}",
			"27 actions-script-injection high ${{ steps.body.outputs.text }}",
			"31 actions-script-injection high ${{ steps.changed.outputs.all_changed_files }}",
			"39 actions-script-injection high ${{ needs.triage.outputs.title }}",
		}},
		{"pinning.yml", []string{
			"6 actions-unpinned-image medium node:20",
			"11 actions-unpinned-action low actions/checkout@v4",
			"14 actions-unpinned-image medium docker://alpine:3.20",
			"16 actions-unpinned-action medium someorg/someaction@main",
			"18 actions-unpinned-action medium org/shared/.github/workflows/deploy.yml@main",
		}},
		{"typosquat.yml", []string{
			"6 actions-typosquat-owner high actons/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
			"7 actions-typosquat-owner high action/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b",
			"9 actions-typosquat-owner high aws-action/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502",
		}},
		{"permissions.yml", []string{
			"3 actions-broad-permissions medium permissions: write-all",
			"8 actions-broad-permissions medium contents: write",
			"10 actions-broad-permissions medium id-token: write",
		}},
		{"secrets.yml", []string{
			"3 actions-secrets-exposed medium ${{ toJSON(secrets) }}",
			"7 actions-secrets-exposed medium secrets: inherit",
			"15 actions-secrets-exposed medium ${{ toJson(secrets) }}",
		}},
		{"env-write.yml", []string{
			`11 actions-github-env-write high echo "PR_NUMBER=$(cat pr/number)" >> $GITHUB_ENV`,
			`12 actions-github-env-write high echo "$(pwd)/bin" >> "${GITHUB_PATH}"`,
		}},
		{"release.yml", []string{
			"13 actions-cache-in-release medium actions/setup-python cache: pip",
			"14 actions-cache-in-release medium actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57",
		}},
		{"downloads.yml", []string{
			"6 actions-pipe-to-shell medium curl -fsSL https://get.example.com/install.sh | sh",
			"8 actions-pipe-to-shell medium wget -qO- https://example.com/setup    | sudo bash -s -- --yes",
			"10 actions-pipe-to-shell medium bash <(curl -s https://example.com/x.sh)",
			"15 actions-adhoc-install medium pip install build twine",
			"16 actions-adhoc-install medium npm install -g pnpm",
			"18 actions-adhoc-install medium go install golang.org/x/tools/cmd/goimports@latest",
			"21 actions-adhoc-install medium cargo install cargo-deny",
		}},
		{"broken.yml", []string{"0 actions-not-analysed medium parse error"}},
		// Safe look-alikes.
		{"safe-label.yml", nil},
		{"safe-base-checkout.yml", nil},
		{"safe-permissions-push.yml", nil},
		{"safe-env-write-push.yml", nil},
		{"safe-cache-ci.yml", nil},
		{"safe-routed.yml", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, _ := scanFixture(t, "workflows/"+tt.file, ".github/workflows/"+tt.file)
			diffLines(t, tt.file, got, tt.want)
		})
	}
}

func TestActionMetadata(t *testing.T) {
	got, _ := scanFixture(t, "actions/composite/action.yml", "tools/composite/action.yml")
	diffLines(t, "composite", got, []string{
		"6 actions-unpinned-action low actions/setup-go@v5",
		"7 actions-script-injection high ${{ github.event.pull_request.title }}",
		"9 actions-pipe-to-shell medium curl https://example.com/i.sh | bash",
	})
	got, _ = scanFixture(t, "actions/docker/action.yml", "action.yaml")
	diffLines(t, "docker", got, []string{"5 actions-unpinned-image medium ghcr.io/org/tool:1.0"})
}

func TestInjectionSuggestions(t *testing.T) {
	_, fs := scanFixture(t, "workflows/injection.yml", ".github/workflows/injection.yml")
	var got []string
	for _, f := range fs {
		if f.Suggestion != nil {
			got = append(got, fmt.Sprintf("%d-%d\n%s", f.Suggestion.StartLine, f.Suggestion.EndLine, f.Suggestion.Replacement))
		}
	}
	want := []string{
		"10-12\n" +
			"        env:\n" +
			"          ISSUE_TITLE: ${{ github.event.issue.title }}\n" +
			"        run: |\n" +
			"          echo \"New issue\"\n" +
			"          echo \"Title: ${ISSUE_TITLE}\"",
		"13-13\n" +
			"      - env:\n" +
			"          HEAD_REF: ${{ github.head_ref }}\n" +
			"        run: echo \"${HEAD_REF}\"",
		// The step with its own env: and the github-script step get fix text only.
	}
	if strings.Join(got, "\n--\n") != strings.Join(want, "\n--\n") {
		t.Errorf("suggestions:\n%s\nwant:\n%s", strings.Join(got, "\n--\n"), strings.Join(want, "\n--\n"))
	}
}

func TestOnlyWorkflowsAndActions(t *testing.T) {
	for _, p := range []string{"ci.yml", ".github/dependabot.yml", ".github/workflows/sub/x.yml", "action.json", "docs/workflow.yml"} {
		res, err := Check{}.Scan(context.Background(), checks.NewBytesFile(p, []byte("on: push\njobs: {}\n")))
		if err != nil || res.Analysed || len(res.Findings) > 0 {
			t.Errorf("%s: %+v %v, want ignored", p, res, err)
		}
	}
	for _, p := range []string{".github/workflows/ci.yaml", "sub/.github/workflows/ci.yml", "action.yml", "a/b/action.yaml"} {
		if w, a := kind(p); !w && !a {
			t.Errorf("%s not recognised", p)
		}
	}
}

func TestOversizedWorkflow(t *testing.T) {
	f := checks.NewBytesFile(".github/workflows/big.yml", []byte(strings.Repeat("#\n", maxWorkflowBytes/2+1)))
	res, err := Check{}.Scan(context.Background(), f)
	if err != nil || len(res.Findings) != 1 || res.Findings[0].RuleID != RuleNotAnalysed || res.Findings[0].Evidence != "size limit" {
		t.Errorf("got %+v, %v", res.Findings, err)
	}
}

func TestOwnerSquat(t *testing.T) {
	tests := []struct{ owner, want string }{
		{"actons", "actions"},
		{"action", "actions"},
		{"actionss", "actions"},
		{"githb", "github"},
		{"docker_", "docker"},
		{"actions", ""},
		{"github", ""},
		{"my-org", ""},
		{"rhysd", ""},
	}
	for _, tt := range tests {
		got, ok := ownerSquat(tt.owner)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("ownerSquat(%q) = %q, %v; want %q", tt.owner, got, ok, tt.want)
		}
	}
}

func TestUntrustedPaths(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"${{ github.event.issue.title }}", "github.event.issue.title"},
		{"${{ github['event']['comment']['body'] }}", "github.event.comment.body"},
		{"${{ github.event.commits[0].message }}", "github.event.commits.*.message"},
		{"${{ github.event.workflow_run.head_branch }}", "github.event.workflow_run.head_branch"},
		{"${{ github.event.pull_request.head.ref || 'main' }}", "github.event.pull_request.head.ref"},
		{"${{ contains(github.event.comment.body, '/run') }}", ""},
		{"${{ github.event.issue.number }}", ""},
		{"${{ github.sha }}", ""},
	}
	for _, tt := range tests {
		es := expressions("echo " + tt.expr)
		if len(es) != 1 {
			t.Fatalf("%s: %d expressions", tt.expr, len(es))
		}
		got := strings.Join(untrustedPaths(es[0]), ",")
		if got != tt.want {
			t.Errorf("untrustedPaths(%s) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestAdHocInstall(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"pip install requests", true},
		{"python -m pip install 'ruff>=0.5'", true},
		{"pip install ruff==0.8.1", false},
		{"pip install -U pip setuptools wheel", false},
		{"pip install -e .", false},
		{"pip install .", false},
		{"pip install dist/pkg-1.0-py3-none-any.whl", false},
		{"npm install -g pnpm@9.15.0", false},
		{"npm install -g pnpm@latest", true},
		{"npm ci", false},
		{"go install ./cmd/tool", false},
		{"gem install bundler -v 2.5.0", false},
		{"gem install bundler", true},
	}
	for _, tt := range tests {
		if _, got := adHocInstall(tt.line); got != tt.want {
			t.Errorf("adHocInstall(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestCredentialsMasked(t *testing.T) {
	src := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - run: curl -s https://deploy:s3cr3tT0ken@get.example.com/i.sh | sh\n"
	res, err := Check{}.Scan(context.Background(), checks.NewBytesFile(".github/workflows/x.yml", []byte(src)))
	if err != nil || len(res.Findings) != 1 {
		t.Fatalf("%+v %v", res.Findings, err)
	}
	f := res.Findings[0]
	if strings.Contains(f.Message+f.Evidence, "s3cr3tT0ken") || !strings.Contains(f.Evidence, "deploy:***@") {
		t.Errorf("not masked: %q / %q", f.Evidence, f.Message)
	}
}

// GitHub-owned actions at a release tag are low: only GitHub can move the
// tag. A branch of theirs, and any third party's tag, stay medium.
func TestPinningByOwner(t *testing.T) {
	got, _ := scanFixture(t, "pinning_owners.yml", ".github/workflows/ci.yml")
	diffLines(t, "pinning_owners.yml", got, []string{
		"10 actions-unpinned-action low github/codeql-action/init@v3.28.1",
		"11 actions-unpinned-action medium actions/setup-python@main",
		"12 actions-unpinned-action medium astral-sh/setup-uv@v6",
		"9 actions-unpinned-action low actions/checkout@v4",
	})
}
