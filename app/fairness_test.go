package app

import "testing"

func TestInstallationLimiter(t *testing.T) {
	l := newInstallationLimiter(4)
	for i := 0; i < 3; i++ {
		if !l.acquire(1) {
			t.Fatalf("acquire %d refused under the cap", i)
		}
	}
	if l.acquire(1) {
		t.Fatal("a fourth review of one installation took the last worker")
	}
	if !l.acquire(2) {
		t.Fatal("another installation was starved")
	}
	l.release(1)
	if !l.acquire(1) {
		t.Fatal("a released slot was not reusable")
	}
}
