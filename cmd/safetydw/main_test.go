package main

import (
	"runtime/debug"
	"testing"

	"safetydw/etl/normalize/salttest"
)

// The binaries these tests start inherit the tests' salt, as a service gets its own from its
// environment file.
func TestMain(m *testing.M) { salttest.Main(m) }

// etl run's soft memory limit is 192 MiB (201,326,592 bytes) unless GOMEMLIMIT is set, and
// then the runtime's own reading of GOMEMLIMIT (here 1 GiB, set as the command started) stays.
func TestLoadMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	t.Setenv("GOMEMLIMIT", "")
	limitLoadMemory()
	if got := debug.SetMemoryLimit(-1); got != 201_326_592 {
		t.Errorf("limit without GOMEMLIMIT = %d, want 201326592", got)
	}
	debug.SetMemoryLimit(1 << 30) // as the runtime does for GOMEMLIMIT=1GiB
	t.Setenv("GOMEMLIMIT", "1GiB")
	limitLoadMemory()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("limit with GOMEMLIMIT=1GiB = %d, want %d", got, 1<<30)
	}
}
