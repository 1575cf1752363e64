package fakegithub

import (
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// gitStdin runs git in dir with stdin and returns stdout.
func gitStdin(dir string, stdin []byte, args ...string) ([]byte, error) {
	full := append([]string{"-C", dir, "-c", "core.quotepath=off"}, args...)
	cmd := exec.Command("git", full...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// objectInfo resolves an object name ("<sha>", "<commit>:<path>") to its id,
// type and size with one git process; ok is false when it does not exist.
func objectInfo(dir, obj string) (sha, typ string, size int64, ok bool) {
	if strings.ContainsAny(obj, "\n") {
		return "", "", 0, false
	}
	out, err := gitStdin(dir, []byte(obj+"\n"), "cat-file", "--batch-check")
	if err != nil {
		return "", "", 0, false
	}
	f := strings.Fields(string(out))
	if len(f) != 3 || f[1] == "missing" {
		return "", "", 0, false
	}
	size, _ = strconv.ParseInt(f[2], 10, 64)
	return f[0], f[1], size, true
}

// readBlobs reads many blobs with one `git cat-file --batch`, calling keep
// for each; it stops early when keep returns false.
func readBlobs(dir string, shas []string, keep func(sha string, content []byte) bool) error {
	if len(shas) == 0 {
		return nil
	}
	out, err := gitStdin(dir, []byte(strings.Join(shas, "\n")+"\n"), "cat-file", "--batch")
	if err != nil {
		return err
	}
	for len(out) > 0 {
		nl := bytes.IndexByte(out, '\n')
		if nl < 0 {
			return fmt.Errorf("cat-file --batch: truncated header")
		}
		f := strings.Fields(string(out[:nl]))
		out = out[nl+1:]
		if len(f) != 3 { // "<name> missing"
			continue
		}
		size, err := strconv.Atoi(f[2])
		if err != nil || size+1 > len(out) {
			return fmt.Errorf("cat-file --batch: bad size %q", f[2])
		}
		if f[1] == "blob" && !keep(f[0], out[:size]) {
			return nil
		}
		out = out[size+1:]
	}
	return nil
}

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
