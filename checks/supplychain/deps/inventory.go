package deps

// ParseManifest reads a dependency manifest or lock file with the parser
// its name selects, for inventories (the AI-BOM) that list what the check
// reviews. ok is false for files that are not manifests.
func ParseManifest(path, src string) (m *Manifest, ok bool, err error) {
	p, ok := parserFor(path)
	if !ok {
		return nil, false, nil
	}
	m, err = p(src)
	return m, true, err
}
