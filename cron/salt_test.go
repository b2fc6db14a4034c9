package cron_test

import (
	"testing"

	"safetydw/etl/normalize/salttest"
)

func TestMain(m *testing.M) { salttest.Main(m) }
