package fakegithub

import (
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// git runs git in dir (a work tree or a bare repository) and returns stdout.
func git(dir string, args ...string) ([]byte, error) {
	full := append([]string{"-C", dir, "-c", "core.quotepath=off"}, args...)
	cmd := exec.Command("git", full...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// revParse resolves rev to a full object id.
func revParse(dir, rev string) (string, error) {
	out, err := git(dir, "rev-parse", "--verify", "--quiet", "--end-of-options", rev)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// commitSHA resolves a ref or SHA to a commit id, or "" when there is none.
func commitSHA(dir, ref string) string {
	sha, err := revParse(dir, ref+"^{commit}")
	if err != nil {
		return ""
	}
	return sha
}

// objectType is "blob", "tree", "commit" or "" when the object is missing.
func objectType(dir, obj string) string {
	out, err := git(dir, "cat-file", "-t", obj)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func readBlob(dir, sha string) ([]byte, error) {
	return git(dir, "cat-file", "blob", sha)
}

type treeEntry struct {
	mode, typ, sha, name string
	size                 int64
}

// lsTree lists the entries of a tree object (e.g. "<commit>:<dir>").
func lsTree(dir, tree string) ([]treeEntry, error) {
	out, err := git(dir, "ls-tree", "-l", "-z", tree)
	if err != nil {
		return nil, err
	}
	var entries []treeEntry
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, name, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta)
		if len(f) != 4 {
			continue
		}
		size, _ := strconv.ParseInt(f[3], 10, 64)
		entries = append(entries, treeEntry{mode: f[0], typ: f[1], sha: f[2], name: name, size: size})
	}
	return entries, nil
}

func commitMessage(dir, sha string) string {
	out, err := git(dir, "log", "-1", "--format=%B", sha)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
