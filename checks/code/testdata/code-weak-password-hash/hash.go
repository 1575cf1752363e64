package auth

import (
	"crypto/md5"
	"crypto/sha256"
)

func Hash(password string, blob []byte) ([16]byte, [32]byte, [32]byte) {
	// ruleid: code-weak-password-hash
	a := md5.Sum([]byte(password))
	// ruleid: code-weak-password-hash
	b := sha256.Sum256([]byte("pepper" + password))
	// ok: code-weak-password-hash
	c := sha256.Sum256(blob)
	return a, b, c
}
