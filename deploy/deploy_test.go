// Package deploy_test checks the deployment files statically: Docker does
// not run where ward's CI runs, so the Dockerfile, the compose file and the
// Kubernetes manifests are parsed and their essentials asserted.
package deploy_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/ward-sec/ward/app"
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
	for _, k := range []string{"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"} {
		if kinds[k] == nil {
			t.Errorf("kustomization lacks a %s", k)
		}
	}
	// `kubectl apply -k` must never overwrite the operator's real Secret
	// with the example's placeholders.
	if kinds["Secret"] != nil {
		t.Error("the kustomization applies a Secret: it would overwrite the real one")
	}
	secret := readYAMLDocs(t, "kubernetes/secret.example.yaml")[0]
	keys, _ := get(secret, "stringData").(map[string]any)
	if secret["kind"] != "Secret" || get(secret, "metadata", "name") != "ward" {
		t.Errorf("secret.example.yaml is not the Secret \"ward\"")
	}
	for _, ref := range secretKeyRefs(kinds["Deployment"]) {
		if _, ok := keys[ref]; !ok {
			t.Errorf("the Deployment reads key %q that secret.example.yaml does not show", ref)
		}
	}
	ing := readYAMLDocs(t, "kubernetes/ingress.example.yaml")[0]
	rules, _ := get(ing, "spec", "rules").([]any)
	if ing["kind"] != "Ingress" || len(rules) == 0 {
		t.Fatal("ingress.example.yaml is not an Ingress with rules")
	}
	path := get(rules[0], "http", "paths").([]any)[0]
	if get(path, "backend", "service", "name") != get(kinds["Service"], "metadata", "name") || get(path, "backend", "service", "port", "name") != "http" {
		t.Errorf("the example Ingress does not route to the Service's http port: %v", path)
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

// secretKeyRefs lists the keys of the Secret "ward" a manifest reads, in
// env secretKeyRefs and in secret volumes.
func secretKeyRefs(doc any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["secretKeyRef"].(map[string]any); ok && ref["name"] == "ward" {
				out = append(out, ref["key"].(string))
			}
			if sec, ok := v["secret"].(map[string]any); ok && sec["secretName"] == "ward" {
				for _, it := range sec["items"].([]any) {
					out = append(out, it.(map[string]any)["key"].(string))
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	return out
}

// TestSecretFromEnv runs the documented way of moving an App registered on
// the setup page into a cluster: the .env ward wrote becomes the Secret's
// files, byte for byte.
func TestSecretFromEnv(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	dir := t.TempDir()
	env := filepath.Join(dir, ".env")
	want := map[string]string{"app-id": "123456", "private-key.pem": pemKey, "webhook-secret": "0f3c9a1e5b7d"}
	if err := app.WriteEnvFile(env, map[string]string{
		"WARD_APP_ID": want["app-id"], "WARD_PRIVATE_KEY": want["private-key.pem"], "WARD_WEBHOOK_SECRET": want["webhook-secret"],
		"WARD_GITHUB_API_URL": "https://ghe.example.org/api/v3",
	}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "secret")
	if b, err := exec.Command("kubernetes/secret-from-env.sh", env, out).CombinedOutput(); err != nil {
		t.Fatalf("secret-from-env.sh: %v\n%s", err, b)
	}
	for name, v := range want {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
		if fi, _ := os.Stat(filepath.Join(out, name)); fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is readable by others: %v", name, fi.Mode())
		}
	}
	b, _ := os.ReadFile(filepath.Join(out, "private-key.pem"))
	if blk, _ := pem.Decode(b); blk == nil {
		t.Error("private-key.pem does not decode as PEM")
	} else if _, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err != nil {
		t.Errorf("private-key.pem: %v", err)
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
	// One webhook address: a fixed host port, so the file cannot be scaled
	// into replicas that GitHub has no single address for.
	ports, _ := get(compose, "services", "ward", "ports").([]any)
	if len(ports) != 1 || ports[0] != "3000:3000" {
		t.Errorf("ward's ports = %v, want the fixed [3000:3000]", ports)
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
