package changed

import "testing"

func TestParsePatch(t *testing.T) {
	patch := "@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n c\n@@ -10,2 +11,2 @@\n x\n-y\n+Y"
	l, err := ParsePatch("f.py", patch)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		line          int
		added, inDiff bool
	}{{1, false, true}, {2, true, true}, {3, true, true}, {4, false, true}, {5, false, false}, {11, false, true}, {12, true, true}, {13, false, false}} {
		if l.Added[tc.line] != tc.added || l.InDiff[tc.line] != tc.inDiff {
			t.Errorf("line %d: added=%v inDiff=%v, want %v %v", tc.line, l.Added[tc.line], l.InDiff[tc.line], tc.added, tc.inDiff)
		}
	}
	if !l.Touches(1, 2) || l.Touches(4, 5) || !l.Commentable(1, 4) || l.Commentable(4, 5) {
		t.Error("Touches/Commentable disagree with the hunks")
	}
	none, _ := ParsePatch("bin", "")
	if none.Known || !none.Touches(7, 7) || none.Commentable(7, 7) {
		t.Error("a file without a patch: every line counts, none is commentable")
	}
}

func TestContentFromPatch(t *testing.T) {
	// Object ids from `printf CONTENT | git hash-object --stdin`.
	for _, tc := range []struct {
		name, patch, sha string
		want             string // "" with ok false: download the blob
		ok               bool
	}{
		{"lines", "@@ -0,0 +1,2 @@\n+x = 1\n+y = 2", "2c1854573a40224de599dd57077637eb5f882072", "x = 1\ny = 2\n", true},
		{"no newline at the end", "@@ -0,0 +1,2 @@\n+x = 1\n+y = 2\n\\ No newline at end of file", "dcfab7053278478efbfac0f1fe37f6d435aaca43", "x = 1\ny = 2", true},
		{"CRLF", "@@ -0,0 +1,2 @@\n+a\r\n+b\r", "c30dea8a3641ea99b125d04d599d843712292759", "a\r\nb\r\n", true},
		{"lines that look like a diff", "@@ -0,0 +1,2 @@\n++x\n+-y", "dbbeb1688c852598cbd42e35baf111e46235a115", "+x\n-y\n", true},
		{"empty file", "", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", "", true},
		{"upper-case id", "@@ -0,0 +1 @@\n+hello", "CE013625030BA8DBA906F756967F9E9CA394464A", "hello\n", true},
		{"another blob", "@@ -0,0 +1,2 @@\n+x = 1\n+y = 2", "ce013625030ba8dba906f756967f9e9ca394464a", "", false},
		{"patch cut short", "@@ -0,0 +1,2 @@\n+x = 1", "2c1854573a40224de599dd57077637eb5f882072", "", false},
		{"no patch (binary or too large)", "", "ce013625030ba8dba906f756967f9e9ca394464a", "", false},
		{"not a new file", "@@ -1,2 +1,2 @@\n x = 1\n-y = 1\n+y = 2", "2c1854573a40224de599dd57077637eb5f882072", "", false},
		{"two hunks", "@@ -0,0 +1 @@\n+x = 1\n@@ -0,0 +2 @@\n+y = 2", "2c1854573a40224de599dd57077637eb5f882072", "", false},
		{"not a SHA-1 id", "@@ -0,0 +1 @@\n+hello", "blob-a", "", false},
		{"not a patch", "garbage", "ce013625030ba8dba906f756967f9e9ca394464a", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := FileFromPatch("f.py", tc.patch, tc.sha)
			if ok != tc.ok || string(got) != tc.want {
				t.Fatalf("FileFromPatch = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
