// Package aibom writes an AI bill of materials of a repository as
// CycloneDX 1.6 JSON: its model files (format, hashes, whether loading the
// format can run code, ward's findings), the AI SDK, model-hub and ML
// dependencies it declares, the MCP servers its agent configurations start,
// and the instruction files coding agents read.
package aibom

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/supplychain/agent"
	"github.com/ward-sec/ward/checks/supplychain/deps"
	"github.com/ward-sec/ward/engine"
)

// Input is what the BOM describes: the scanned files and the findings.
type Input struct {
	Name     string // the scanned project (the root folder's name)
	Version  string // ward's version
	Targets  []engine.Target
	Findings []checks.Finding
	Now      time.Time
}

// maxManifestBytes bounds what is read of a manifest or MCP configuration.
const maxManifestBytes = 16 << 20

// Build makes the BOM. Files that cannot be read are left out (the scan
// reports them as findings).
func Build(in Input) *cdx.BOM {
	byPath := map[string][]checks.Finding{}
	for _, f := range in.Findings {
		if !f.Suppressed {
			byPath[f.Path] = append(byPath[f.Path], f)
		}
	}
	b := &builder{deps: map[string]*cdx.Component{}}
	for _, t := range in.Targets {
		if t.Err != nil {
			continue
		}
		b.add(t, byPath[t.Path])
	}

	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.Metadata = &cdx.Metadata{
		Timestamp: in.Now.UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: "ward", Version: in.Version,
			ExternalReferences: &[]cdx.ExternalReference{{Type: cdx.ERTypeWebsite, URL: "https://github.com/ward-sec/ward"}},
		}}},
		Component:  &cdx.Component{Type: cdx.ComponentTypeApplication, Name: in.Name, BOMRef: "project"},
		Properties: &[]cdx.Property{{Name: "ward:bom", Value: "AI bill of materials: model files, AI dependencies, MCP servers, agent instructions"}},
	}
	comps := b.components
	depKeys := make([]string, 0, len(b.deps))
	for k := range b.deps {
		depKeys = append(depKeys, k)
	}
	sort.Strings(depKeys)
	for _, k := range depKeys {
		comps = append(comps, *b.deps[k])
	}
	bom.Components = &comps
	if len(b.services) > 0 {
		bom.Services = &b.services
	}
	return bom
}

// Write encodes the BOM as CycloneDX 1.6 JSON.
func Write(w io.Writer, bom *cdx.BOM) error {
	return cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON).SetPretty(true).SetEscapeHTML(false).EncodeVersion(bom, cdx.SpecVersion1_6)
}

type builder struct {
	components []cdx.Component
	deps       map[string]*cdx.Component // by ecosystem, name and version
	services   []cdx.Service
}

func (b *builder) add(t engine.Target, findings []checks.Finding) {
	r, size, closeFn, err := open(t)
	if err != nil {
		return
	}
	defer closeFn()
	switch {
	case agent.IsInstructionFile(t.Path):
		c := b.file(t.Path, cdx.ComponentTypeFile, r, size, findings)
		c.Description = "Instructions an AI coding agent reads"
		c.Properties = prepend(c.Properties, cdx.Property{Name: "ward:role", Value: "agent-instructions"})
		b.components = append(b.components, c)
		return
	case agent.IsMCPConfig(t.Path):
		b.mcp(t.Path, r, size)
		return
	}
	if m, ok := manifest(t.Path, r, size); ok {
		b.manifest(t.Path, m)
		return
	}
	if f, ok := classify(t.Path, r, size); ok {
		c := b.file(t.Path, cdx.ComponentTypeMachineLearningModel, r, size, findings)
		c.Description = f.Name + " model file"
		c.Properties = prepend(c.Properties,
			cdx.Property{Name: "ward:format", Value: f.Name},
			cdx.Property{Name: "ward:can-run-code", Value: strconv.FormatBool(f.CanRunCode)},
			cdx.Property{Name: "ward:can-run-code:why", Value: f.Why},
		)
		b.components = append(b.components, c)
	}
}

// file is a component for one file: its path, size, hashes and findings.
func (b *builder) file(p string, typ cdx.ComponentType, r io.ReaderAt, size int64, findings []checks.Finding) cdx.Component {
	c := cdx.Component{Type: typ, BOMRef: "file:" + p, Name: p}
	h1, h256 := sha1.New(), sha256.New()
	if _, err := io.Copy(io.MultiWriter(h1, h256), io.NewSectionReader(r, 0, size)); err == nil {
		c.Hashes = &[]cdx.Hash{
			{Algorithm: cdx.HashAlgoSHA1, Value: hex.EncodeToString(h1.Sum(nil))},
			{Algorithm: cdx.HashAlgoSHA256, Value: hex.EncodeToString(h256.Sum(nil))},
		}
	}
	props := []cdx.Property{
		{Name: "ward:path", Value: p},
		{Name: "ward:size", Value: strconv.FormatInt(size, 10)},
		{Name: "ward:findings", Value: strconv.Itoa(len(findings))},
	}
	for _, f := range findings {
		props = append(props, cdx.Property{Name: "ward:finding", Value: findingText(f)})
	}
	c.Properties = &props
	return c
}

func findingText(f checks.Finding) string {
	loc := ""
	if f.StartLine > 0 {
		loc = fmt.Sprintf(" line %d", f.StartLine)
	}
	return fmt.Sprintf("%s %s%s: %s", f.Severity, f.RuleID, loc, f.Message)
}

func prepend(props *[]cdx.Property, first ...cdx.Property) *[]cdx.Property {
	out := append(first, *props...)
	return &out
}

// manifest parses a dependency manifest or lock file.
func manifest(p string, r io.ReaderAt, size int64) (*deps.Manifest, bool) {
	if size > maxManifestBytes {
		return nil, false
	}
	data := make([]byte, size)
	if n, _ := r.ReadAt(data, 0); int64(n) != size {
		return nil, false
	}
	m, ok, err := deps.ParseManifest(p, string(data))
	if !ok || err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// manifest adds the AI dependencies a manifest declares.
func (b *builder) manifest(p string, m *deps.Manifest) {
	for _, d := range m.Deps {
		role := aiRole(d.Eco, d.Name)
		if role == "" {
			continue
		}
		name := deps.Normalize(d.Eco, d.Name)
		key := string(d.Eco) + "/" + name + "@" + d.Version
		c, ok := b.deps[key]
		if !ok {
			c = &cdx.Component{Type: cdx.ComponentTypeLibrary, BOMRef: "dep:" + key, Name: d.Name, Version: d.Version}
			if c.Version == "" {
				c.Version = d.Spec
			}
			if purl := packageURL(d.Eco, name, d.Version); purl != "" {
				c.PackageURL = purl
			}
			c.Properties = &[]cdx.Property{{Name: "ward:role", Value: role}, {Name: "ward:ecosystem", Value: string(d.Eco)}}
			if d.Source != deps.FromRegistry {
				*c.Properties = append(*c.Properties, cdx.Property{Name: "ward:source", Value: d.Source.String()})
			}
			b.deps[key] = c
		}
		where := p
		if d.Line > 0 {
			where = fmt.Sprintf("%s:%d", p, d.Line)
		}
		*c.Properties = append(*c.Properties, cdx.Property{Name: "ward:declared-in", Value: where})
	}
}

// packageURL is the dependency's purl, when its version is exact.
func packageURL(eco deps.Ecosystem, name, version string) string {
	if version == "" {
		return ""
	}
	typ := map[deps.Ecosystem]string{deps.PyPI: "pypi", deps.Npm: "npm", deps.Go: "golang"}[eco]
	if typ == "" {
		return ""
	}
	ns, n := "", name
	if i := strings.LastIndex(name, "/"); i > 0 {
		ns, n = name[:i], name[i+1:]
	}
	var parts []string
	for _, s := range strings.Split(ns, "/") {
		if s != "" {
			parts = append(parts, purlEscape(s))
		}
	}
	out := "pkg:" + typ + "/"
	if len(parts) > 0 {
		out += strings.Join(parts, "/") + "/"
	}
	return out + purlEscape(n) + "@" + purlEscape(version)
}

// purlEscape percent-encodes a purl segment; "@" too, which separates the
// version ("@scope" in npm names is written "%40scope").
func purlEscape(s string) string { return strings.ReplaceAll(url.PathEscape(s), "@", "%40") }

// mcp adds the servers an MCP configuration starts or connects to.
func (b *builder) mcp(p string, r io.ReaderAt, size int64) {
	if size > maxManifestBytes {
		return
	}
	data := make([]byte, size)
	if n, _ := r.ReadAt(data, 0); int64(n) != size {
		return
	}
	servers, err := agent.MCPServers(data)
	if err != nil {
		return
	}
	for _, s := range servers {
		svc := cdx.Service{BOMRef: "mcp:" + p + "#" + s.Name, Name: s.Name, Description: "MCP server configured in " + p}
		props := []cdx.Property{{Name: "ward:role", Value: "mcp-server"}, {Name: "ward:declared-in", Value: p}}
		if len(s.Command) > 0 {
			props = append(props, cdx.Property{Name: "ward:mcp:transport", Value: "stdio"},
				cdx.Property{Name: "ward:mcp:command", Value: strings.Join(s.Command, " ")})
		}
		if s.URL != "" {
			props = append(props, cdx.Property{Name: "ward:mcp:transport", Value: "http"},
				cdx.Property{Name: "ward:mcp:url", Value: s.URL})
			if u, err := url.Parse(s.URL); err == nil && u.Scheme != "" && !strings.ContainsAny(s.URL, " \t…") {
				svc.Endpoints = &[]string{s.URL}
			}
		}
		svc.Properties = &props
		b.services = append(b.services, svc)
	}
}

// open gives a target's content.
func open(t engine.Target) (io.ReaderAt, int64, func(), error) {
	if t.Data != nil || t.Disk == "" {
		return bytes.NewReader(t.Data), int64(len(t.Data)), func() {}, nil
	}
	f, err := os.Open(t.Disk)
	if err != nil {
		return nil, 0, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, nil, err
	}
	return f, info.Size(), func() { f.Close() }, nil
}

// aiRole says what an AI dependency is: a provider SDK or agent framework,
// a model hub client, or an ML library; "" for other dependencies.
func aiRole(eco deps.Ecosystem, name string) string {
	n := deps.Normalize(eco, name)
	if r, ok := aiPackages[string(eco)+"/"+n]; ok {
		return r
	}
	if eco == deps.Npm && (strings.HasPrefix(n, "@langchain/") || strings.HasPrefix(n, "@huggingface/") || strings.HasPrefix(n, "@ai-sdk/")) {
		return roleSDK
	}
	if eco == deps.PyPI && (strings.HasPrefix(n, "langchain-") || strings.HasPrefix(n, "llama-index-")) {
		return roleSDK
	}
	if deps.IsMLPackage(eco, name) {
		return roleML
	}
	return ""
}

const (
	roleSDK = "ai-sdk"
	roleHub = "model-hub"
	roleML  = "ml-library"
)

// aiPackages are AI provider SDKs, agent frameworks and model hub clients,
// by ecosystem and normalised name.
var aiPackages = map[string]string{
	"PyPI/openai": roleSDK, "PyPI/anthropic": roleSDK, "PyPI/google-generativeai": roleSDK, "PyPI/google-genai": roleSDK,
	"PyPI/cohere": roleSDK, "PyPI/mistralai": roleSDK, "PyPI/groq": roleSDK, "PyPI/together": roleSDK,
	"PyPI/litellm": roleSDK, "PyPI/langchain": roleSDK, "PyPI/langgraph": roleSDK, "PyPI/llama-index": roleSDK,
	"PyPI/ollama": roleSDK, "PyPI/mcp": roleSDK, "PyPI/fastmcp": roleSDK, "PyPI/crewai": roleSDK, "PyPI/autogen": roleSDK,
	"PyPI/pyautogen": roleSDK, "PyPI/semantic-kernel": roleSDK, "PyPI/dspy": roleSDK, "PyPI/instructor": roleSDK,
	"PyPI/huggingface-hub": roleHub, "PyPI/modelscope": roleHub, "PyPI/kagglehub": roleHub, "PyPI/replicate": roleHub,
	"npm/openai": roleSDK, "npm/@anthropic-ai/sdk": roleSDK, "npm/@google/generative-ai": roleSDK, "npm/@google/genai": roleSDK,
	"npm/ai": roleSDK, "npm/langchain": roleSDK, "npm/llamaindex": roleSDK, "npm/@modelcontextprotocol/sdk": roleSDK,
	"npm/cohere-ai": roleSDK, "npm/@mistralai/mistralai": roleSDK, "npm/groq-sdk": roleSDK, "npm/ollama": roleSDK,
	"npm/@huggingface/hub": roleHub, "npm/@huggingface/inference": roleHub, "npm/@huggingface/transformers": roleML,
	"npm/replicate":                        roleHub,
	"Go/github.com/sashabaranov/go-openai": roleSDK, "Go/github.com/openai/openai-go": roleSDK,
	"Go/github.com/anthropics/anthropic-sdk-go": roleSDK, "Go/github.com/tmc/langchaingo": roleSDK,
	"Go/github.com/mark3labs/mcp-go": roleSDK, "Go/github.com/modelcontextprotocol/go-sdk": roleSDK,
}
