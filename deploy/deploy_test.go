// Package deploy_test checks the deployment files statically: Docker does
// not run where ward's CI runs, so the Dockerfile, the compose file and the
// Kubernetes manifests are parsed and their essentials asserted.
package deploy_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	var user, healthcheck, buildScript bool
	sc := bufio.NewScanner(bytes.NewReader(b))
	pinned := regexp.MustCompile(`^FROM \S+@sha256:[0-9a-f]{64}( AS \S+)?$`)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "FROM "):
			froms = append(froms, line)
			if !pinned.MatchString(line) {
				t.Errorf("base image not pinned by digest: %s", line)
			}
		case strings.HasPrefix(line, "USER "):
			u := strings.Fields(line)[1]
			user = u != "root" && u != "0" && !strings.HasPrefix(u, "0:")
		case strings.HasPrefix(line, "HEALTHCHECK "):
			healthcheck = strings.Contains(line, "healthcheck")
		case strings.Contains(line, "deploy/build.sh"):
			buildScript = true
		}
	}
	if len(froms) < 2 {
		t.Errorf("want a multi-stage build, found %d stages", len(froms))
	}
	if !user || !healthcheck || !buildScript {
		t.Errorf("non-root USER %v, HEALTHCHECK %v, builds with deploy/build.sh %v", user, healthcheck, buildScript)
	}
}

// TestBuildScript builds ward with the image's flags, as CI must.
func TestBuildScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	out := filepath.Join(t.TempDir(), "ward")
	cmd := exec.Command("./deploy/build.sh", out, "test")
	cmd.Dir = ".."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("deploy/build.sh: %v\n%s", err, b)
	}
	v, err := exec.Command(out, "version").Output()
	if err != nil || !strings.HasPrefix(string(v), "ward test") {
		t.Fatalf("built binary says %q (%v)", v, err)
	}
}

func readYAMLDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []map[string]any
	for {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("%s: %v", path, err)
		}
		docs = append(docs, m)
	}
	return docs
}

func get(m any, path ...string) any {
	for _, p := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[p]
	}
	return m
}

func TestKubernetesManifests(t *testing.T) {
	kust := readYAMLDocs(t, "kubernetes/kustomization.yaml")[0]
	kinds := map[string]map[string]any{}
	for _, r := range kust["resources"].([]any) {
		for _, d := range readYAMLDocs(t, filepath.Join("kubernetes", r.(string))) {
			if d["apiVersion"] == nil || get(d, "metadata", "name") == nil {
				t.Errorf("%s: a document without apiVersion or metadata.name", r)
			}
			kinds[d["kind"].(string)] = d
		}
	}
	for _, k := range []string{"Deployment", "Service", "Secret", "PodDisruptionBudget", "HorizontalPodAutoscaler"} {
		if kinds[k] == nil {
			t.Errorf("kustomization lacks a %s", k)
		}
	}
	dep := kinds["Deployment"]
	if get(dep, "spec", "replicas") != 2 {
		t.Errorf("replicas = %v, want 2", get(dep, "spec", "replicas"))
	}
	c := get(dep, "spec", "template", "spec", "containers").([]any)[0]
	if get(c, "readinessProbe", "httpGet", "path") != "/readyz" || get(c, "livenessProbe", "httpGet", "path") != "/healthz" {
		t.Error("probes must use /readyz and /healthz")
	}
	if get(c, "resources", "requests", "cpu") == nil || get(c, "resources", "requests", "memory") == nil {
		t.Error("resource requests missing")
	}
	if get(c, "securityContext", "readOnlyRootFilesystem") != true || get(c, "securityContext", "allowPrivilegeEscalation") != false {
		t.Error("container securityContext must be read-only and without privilege escalation")
	}
	if get(dep, "spec", "template", "spec", "securityContext", "runAsNonRoot") != true {
		t.Error("pod must run as non-root")
	}
	if get(kinds["HorizontalPodAutoscaler"], "spec", "metrics") == nil || get(kinds["PodDisruptionBudget"], "spec", "minAvailable") == nil {
		t.Error("HPA metrics or PDB minAvailable missing")
	}
}

func TestComposeAndSystemd(t *testing.T) {
	compose := readYAMLDocs(t, "compose.yaml")[0]
	if get(compose, "services", "ward") == nil || get(compose, "services", "postgres") == nil {
		t.Fatal("compose needs ward and postgres services")
	}
	if get(compose, "volumes") == nil || get(compose, "secrets") == nil {
		t.Error("compose needs a named volume and secrets from files")
	}
	img, _ := get(compose, "services", "postgres", "image").(string)
	if !strings.Contains(img, "@sha256:") {
		t.Errorf("postgres image %q not pinned by digest", img)
	}
	unit, err := os.ReadFile("systemd/ward.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"EnvironmentFile=", "ExecStart=/usr/local/bin/ward serve", "User=ward", "NoNewPrivileges=true"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("systemd unit lacks %s", want)
		}
	}
}
