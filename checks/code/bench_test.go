package code

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/ward-sec/ward/checks"
)

var benchTreeDir = flag.String("write-bench-tree", "", "write the generated Python and TypeScript benchmark trees under this directory and exit")

// pyTemplate is one realistic module section (~50 lines): a Flask route, a
// data-loading helper, an LLM call, a class, string building. %d keeps
// names unique.
const pyTemplate = `
import json
import os
import requests
import torch
from flask import Flask, request, jsonify
from openai import OpenAI

client%[1]d = OpenAI()
CONFIG_%[1]d = {"timeout": 10, "retries": 3, "base": "https://api.example.com/v1"}


class Repository%[1]d:
    """Loads and caches records for the service."""

    def __init__(self, root, session=None):
        self.root = root
        self.session = session or requests.Session()
        self.cache = {}

    def fetch(self, key):
        if key in self.cache:
            return self.cache[key]
        url = CONFIG_%[1]d["base"] + "/records/" + str(key)
        resp = self.session.get(url, timeout=CONFIG_%[1]d["timeout"])
        resp.raise_for_status()
        data = resp.json()
        self.cache[key] = data
        return data

    def checkpoint(self, name):
        path = os.path.join(self.root, name + ".pt")
        return torch.load(path, map_location="cpu", weights_only=True)


def summarise%[1]d(text, max_words=120):
    words = [w.strip() for w in text.split() if w.strip()]
    prompt = f"Summarise in {max_words} words: {' '.join(words[:2000])}"
    r = client%[1]d.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    summary = r.choices[0].message.content
    return {"summary": summary, "words": len(words)}


def handler%[1]d(app):
    @app.route("/items/%[1]d", methods=["POST"])
    def create():
        payload = request.get_json()
        name = payload.get("name", "")
        if not name or len(name) > 200:
            return jsonify({"error": "bad name"}), 400
        total = sum(i * i for i in range(len(name)))
        return jsonify({"name": name, "total": total})
    return create
`

// tsTemplate is the TypeScript counterpart (~50 lines).
const tsTemplate = `
import express from "express";
import OpenAI from "openai";
import { readFile } from "node:fs/promises";

const client%[1]d = new OpenAI();
const LIMITS_%[1]d = { maxItems: 100, timeoutMs: 5000 };

export interface Item%[1]d {
  id: string;
  name: string;
  tags: string[];
  createdAt: Date;
}

export class Store%[1]d {
  private items = new Map<string, Item%[1]d>();

  add(item: Item%[1]d): void {
    if (this.items.size >= LIMITS_%[1]d.maxItems) {
      throw new Error("store full");
    }
    this.items.set(item.id, { ...item, tags: item.tags.map((t) => t.toLowerCase()) });
  }

  find(tag: string): Item%[1]d[] {
    return [...this.items.values()].filter((i) => i.tags.includes(tag.toLowerCase()));
  }
}

export async function summarise%[1]d(text: string): Promise<string> {
  const prompt = ` + "`Summarise: ${text.slice(0, 4000)}`" + `;
  const r = await client%[1]d.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] });
  return r.choices[0].message.content ?? "";
}

export function routes%[1]d(app: express.Express, store: Store%[1]d) {
  app.get("/items/%[1]d/:tag", async (req, res) => {
    const found = store.find(String(req.params.tag));
    const config = JSON.parse(await readFile("./config.json", "utf8"));
    res.json({ found, version: config.version, count: found.length });
  });
}
`

// genTree makes files of about 500 lines until the tree holds n lines.
func genTree(template, ext string, n int) map[string][]byte {
	out := map[string][]byte{}
	lines, i := 0, 0
	for f := 0; lines < n; f++ {
		var b strings.Builder
		for fl := 0; fl < 500 && lines < n; {
			s := fmt.Sprintf(template, i)
			i++
			c := strings.Count(s, "\n")
			fl += c
			lines += c
			b.WriteString(s)
		}
		out[fmt.Sprintf("pkg%03d/module_%04d%s", f/50, f, ext)] = []byte(b.String())
	}
	return out
}

func benchTree(b *testing.B, tree map[string][]byte) {
	benchEach(b, tree, func(name string, src []byte) {
		if _, err := (Check{}).Scan(context.Background(), checks.NewBytesFile(name, src)); err != nil {
			b.Fatal(err)
		}
	})
}

// benchEach runs fn on every file of tree, b.N times. The machine is
// shared: wall time includes waiting for a core, so it also reports
// throughput per CPU-second actually used by this process.
func benchEach(b *testing.B, tree map[string][]byte, fn func(name string, src []byte)) {
	var total int64
	for _, src := range tree {
		total += int64(len(src))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		for name, src := range tree {
			fn(name, src)
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(total)*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

// cpuTime is the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCodeRulesPython runs every rule over a generated 100,000-line Python tree.
func BenchmarkCodeRulesPython(b *testing.B) { benchTree(b, genTree(pyTemplate, ".py", 100_000)) }

var benchDir = flag.String("bench-dir", "", "BenchmarkCodeRulesDir: run every rule over the source files under this directory")

// BenchmarkCodeRulesDir runs every rule over a real source tree given with
// -bench-dir (for example an installed package directory), to compare the
// generated trees with code people wrote.
func BenchmarkCodeRulesDir(b *testing.B) {
	if *benchDir == "" {
		b.Skip("set -bench-dir")
	}
	tree := map[string][]byte{}
	_ = filepath.WalkDir(*benchDir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || langFor(p) == langNone {
			return nil
		}
		if src, err := os.ReadFile(p); err == nil {
			rel, _ := filepath.Rel(*benchDir, p)
			tree[filepath.ToSlash(rel)] = src
		}
		return nil
	})
	benchTree(b, tree)
}

// BenchmarkCodeRulesTypeScript runs every rule over a generated 100,000-line TypeScript tree.
func BenchmarkCodeRulesTypeScript(b *testing.B) { benchTree(b, genTree(tsTemplate, ".ts", 100_000)) }

// TestWriteBenchTree writes the benchmark trees to disk for comparison runs
// (bandit -r DIR/python): go test -run TestWriteBenchTree -write-bench-tree DIR.
func TestWriteBenchTree(t *testing.T) {
	if *benchTreeDir == "" {
		t.Skip("set -write-bench-tree")
	}
	for sub, tree := range map[string]map[string][]byte{
		"python":     genTree(pyTemplate, ".py", 100_000),
		"typescript": genTree(tsTemplate, ".ts", 100_000),
	} {
		for name, src := range tree {
			p := filepath.Join(*benchTreeDir, sub, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, src, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestBenchTreesClean: the generated code is written to be safe, so the
// rules must find nothing in it (a precision check on realistic code).
func TestBenchTreesClean(t *testing.T) {
	for _, tree := range []map[string][]byte{genTree(pyTemplate, ".py", 600), genTree(tsTemplate, ".ts", 600)} {
		for name, src := range tree {
			findings := scanSource(t, name, string(src), checks.Limits{})
			for _, f := range findings {
				t.Errorf("%s:%d: unexpected %s: %s", name, f.StartLine, f.RuleID, f.Message)
			}
		}
	}
}

var scanDir = flag.String("scan-dir", "", "print the code rules' findings for every source file under this directory (comparison runs)")

// TestScanDir prints "path:line rule severity" for a directory:
// go test -run TestScanDir -scan-dir DIR -v.
func TestScanDir(t *testing.T) {
	if *scanDir == "" {
		t.Skip("set -scan-dir")
	}
	_ = filepath.WalkDir(*scanDir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || langFor(p) == langNone && !isNotebook(p) {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(*scanDir, p)
		for _, f := range scanSource(t, rel, string(src), checks.Limits{}) {
			fmt.Printf("%s:%d %s %s\n", rel, f.StartLine, f.RuleID, f.Severity)
		}
		return nil
	})
}

// BenchmarkParseOnlyPython is the floor under BenchmarkCodeRulesPython: the
// tree-sitter parse of the same tree (flattened, as the rules get it), with
// no rule.
func BenchmarkParseOnlyPython(b *testing.B) {
	benchParseOnly(b, python, genTree(pyTemplate, ".py", 100_000))
}

func benchParseOnly(b *testing.B, l lang, tree map[string][]byte) {
	gs, err := loadGrammars()
	if err != nil {
		b.Fatal(err)
	}
	benchEach(b, tree, func(_ string, src []byte) {
		t, err := parseFlat(context.Background(), gs[l], src)
		if err != nil {
			b.Fatal(err)
		}
		t.release()
	})
}

// BenchmarkParseOnlyTypeScript is the floor under BenchmarkCodeRulesTypeScript.
func BenchmarkParseOnlyTypeScript(b *testing.B) {
	benchParseOnly(b, typescript, genTree(tsTemplate, ".ts", 100_000))
}

// BenchmarkParseBindingsPython is tree-sitter's parse through its own Go
// bindings, with no flattening and no rule: the floor no rule set built on
// tree-sitter can go below.
func BenchmarkParseBindingsPython(b *testing.B) {
	gs, err := loadGrammars()
	if err != nil {
		b.Fatal(err)
	}
	p := sitter.NewParser()
	defer p.Close()
	if err := p.SetLanguage(gs[python].lang); err != nil {
		b.Fatal(err)
	}
	benchEach(b, genTree(pyTemplate, ".py", 100_000), func(_ string, src []byte) {
		p.Parse(src, nil).Close()
	})
}
