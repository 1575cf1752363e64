// Package ward holds the GitHub App manifest; the code lives in cmd/ward,
// app, review, checks and prompts.
package ward

import _ "embed"

// Manifest is app.yml, the GitHub App manifest the setup page posts.
//
//go:embed app.yml
var Manifest []byte
