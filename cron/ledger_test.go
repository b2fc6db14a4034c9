package cron

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A spool line that does not parse (a disk filled mid-write) is named with its file and line,
// and the new row is kept behind it rather than lost.
func TestBadSpoolLineKeepsNewRows(t *testing.T) {
	db := ledgerDB(t)
	spool := filepath.Join(t.TempDir(), "spool.jsonl")
	if err := os.WriteFile(spool, []byte(`{"RunID":"x","Job":"load"`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := &ledger{db: db, spool: spool}
	now := time.Now()
	err := l.write(context.Background(), Run{RunID: "r1", Job: "load", Scheduled: now, Started: now, Finished: now, Status: StatusOK, Attempt: 1})
	if err == nil || !strings.Contains(err.Error(), spool+": 第 1 行 (line 1)") {
		t.Fatalf("err = %v, want the spool file and line 1 named", err)
	}
	b, _ := os.ReadFile(spool)
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 2 || !strings.Contains(lines[1], `"RunID":"r1"`) {
		t.Errorf("spool after the write:\n%s\nwant the bad line, then the new row", b)
	}
}
