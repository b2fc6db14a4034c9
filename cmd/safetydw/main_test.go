package main

import (
	"testing"

	"safetydw/etl/normalize/salttest"
)

// The binaries these tests start inherit the tests' salt, as a service gets its own from its
// environment file.
func TestMain(m *testing.M) { salttest.Main(m) }
