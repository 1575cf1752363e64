package app

import (
	"strings"
	"testing"
	"time"
)

func TestSessionSealOpen(t *testing.T) {
	key := make([]byte, 32)
	key[0] = 1
	now := time.Now()
	v, err := sealSession(key, session{Login: "alice", Token: "ghu_secret", CSRF: "c", Exp: now.Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v, "ghu_secret") || strings.Contains(v, "alice") {
		t.Errorf("the cookie shows its content: %s", v)
	}
	ss, err := openSession(key, v, now)
	if err != nil || ss.Login != "alice" || ss.Token != "ghu_secret" {
		t.Fatalf("open: %+v %v", ss, err)
	}
	other := make([]byte, 32)
	tampered := []byte(v)
	tampered[len(tampered)/2] ^= 1
	for name, tc := range map[string]struct {
		key []byte
		v   string
		now time.Time
	}{
		"another key": {other, v, now},
		"tampered":    {key, string(tampered), now},
		"expired":     {key, v, now.Add(2 * time.Hour)},
		"garbage":     {key, "%%%", now},
		"short":       {key, "AAAA", now},
		"no key":      {nil, v, now},
	} {
		if ss, err := openSession(tc.key, tc.v, tc.now); err == nil {
			t.Errorf("%s: opened %+v", name, ss)
		}
	}
}
