package main

import (
	"context"
	"strings"
	"testing"

	"safetydw/etl/normalize"
	"safetydw/warehouse/warehousetest"
)

// TestSchedulerRefusesWithoutSalt: the scheduler loads the training records every hour; without
// a salt it must refuse when it starts, not fail (or, before, key persons with the public demo
// salt) at each run.
func TestSchedulerRefusesWithoutSalt(t *testing.T) {
	db := warehousetest.New(t)
	t.Setenv("CLICKHOUSE_DB", db.Database)
	t.Setenv(normalize.SaltEnv, "")
	defer func(s string) { flags.sources = s }(flags.sources)
	flags.sources = "../../sample_data/sources.yaml"
	c := schedulerCmd()
	c.SetArgs([]string{"--config", "../../cron/demo.yaml"})
	err := c.ExecuteContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), "source training") || !strings.Contains(err.Error(), "openssl rand -hex 32") {
		t.Fatalf("scheduler without a salt: %v; want a refusal naming the training source and how to set a salt", err)
	}
}
