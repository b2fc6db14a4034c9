// Package salttest gives the test binaries that load person keys their salt: tests set theirs
// explicitly, as production must (README, 个人信息), since nothing falls back to a default.
package salttest

import (
	"os"
	"testing"

	"safetydw/etl/normalize"
)

// Salt is the tests' salt; hand-computed keys use it:
// printf '%s' '<ID number>safetydw-test-salt-2026' | sha256sum
const Salt = "safetydw-test-salt-2026"

// Main is a TestMain: it sets SAFETYDW_PII_SALT to Salt, whatever the shell had, and runs
// the tests.
func Main(m *testing.M) {
	os.Setenv(normalize.SaltEnv, Salt)
	os.Exit(m.Run())
}
