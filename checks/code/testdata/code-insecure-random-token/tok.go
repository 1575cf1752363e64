package tok

import (
	crand "crypto/rand"
	"math/rand"
)

func New() (int64, int, []byte) {
	// ruleid: code-insecure-random-token
	token := rand.Int63()
	// ok: code-insecure-random-token
	backoff := rand.Intn(100)
	secret := make([]byte, 32)
	// ok: code-insecure-random-token
	_, _ = crand.Read(secret)
	return token, backoff, secret
}
