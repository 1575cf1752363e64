package deps

// Ecosystem names follow OSV's spelling, so they key OSV data directly.
type Ecosystem string

// Ecosystems the check understands.
const (
	PyPI Ecosystem = "PyPI"
	Npm  Ecosystem = "npm"
	Go   Ecosystem = "Go"
)

// SourceKind says where a dependency is installed from.
type SourceKind int

// Where a dependency comes from.
const (
	FromRegistry SourceKind = iota
	FromURL                 // an archive or wheel at a URL
	FromVCS                 // git+, github:, a git URL
	FromPath                // a local directory or file
)

func (k SourceKind) String() string {
	switch k {
	case FromURL:
		return "URL"
	case FromVCS:
		return "version-control"
	case FromPath:
		return "local path"
	}
	return "registry"
}

func (k SourceKind) phrase() string {
	switch k {
	case FromURL:
		return "a URL"
	case FromVCS:
		return "a version-control repository"
	case FromPath:
		return "a local path"
	}
	return "the registry"
}

// Dep is one dependency as a manifest or lock file declares it.
type Dep struct {
	Eco     Ecosystem
	Name    string // as written
	Spec    string // version constraint as written ("==1.2", "^1.0", "v1.2.3")
	Version string // exact version when the spec pins one, for OSV matching
	Source  SourceKind
	URL     string // for URL, VCS and path sources
	Line    int    // 1-based line of the declaration; 0 when unknown
	Text    string // the declaration as written (evidence)
	Lock    bool   // resolved in a lock file rather than declared
	Alias   string // npm: the name code imports when the manifest says "alias": "npm:real@1"
	// InstallScript is set for lock entries that run an install script.
	InstallScript bool
}

// Key identifies a dependency across base and head: ecosystem and normalised name.
func (d Dep) Key() string { return string(d.Eco) + "\x00" + Normalize(d.Eco, d.Name) }

// Index is a package index or registry the manifest adds.
type Index struct {
	Eco  Ecosystem
	Kind string // "extra-index-url", "index-url", "uv-index", "poetry-source", ...
	Name string // the index's name where the format has one
	URL  string
	// Confusable is true when packages may resolve from this index and the
	// public one alike (no per-package pinning of the index).
	Confusable bool
	// Primary is true for an index that replaces the public one (pip
	// --index-url, uv's default index): reported when a PR adds or changes it.
	Primary bool
	// Insecure is true for plain-HTTP indexes and --trusted-host.
	Insecure bool
	Line     int
	Text     string
}

// Script is an npm lifecycle script that runs on install.
type Script struct {
	Name, Command string
	Line          int
}

// Replace is a go.mod replace directive that swaps a module for another.
type Replace struct {
	Old, New string // module paths (New may be a directory)
	Version  string
	Local    bool
	Line     int
	Text     string
}

// Resolved is a lock entry fetched from somewhere other than the registry.
type Resolved struct {
	Name, URL string
	Line      int
	// Foreign is set where the format marks registry packages differently
	// (pnpm's integrity-only resolution, yarn 2's npm: protocol), so any
	// URL at all means the package bypassed the registry.
	Foreign bool
}

// Manifest is what one parsed file declares.
type Manifest struct {
	Format string
	// App is true for formats that describe an application's environment,
	// where loose pins make builds unreproducible.
	App      bool
	Deps     []Dep
	Indexes  []Index
	Scripts  []Script
	Replaces []Replace
	Resolved []Resolved
	// Includes are other requirement files pulled in with -r / -c.
	Includes []string
}
