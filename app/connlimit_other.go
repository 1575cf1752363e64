//go:build !unix

package app

func openFileLimit() int { return 0 }
