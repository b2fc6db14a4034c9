package queries_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"safetydw/queries"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// generalAccidents is the number of 一般 accidents a set holds for the district in a period.
func generalAccidents(t *testing.T, set *queries.Set, grain, start string) float64 {
	t.Helper()
	v, ok := set.At("general_accidents", grain, "district", "", day(start), time.Time{})
	if !ok {
		t.Fatalf("general_accidents %s %s: no value", grain, start)
	}
	return v.Value
}

func accident(t *testing.T, db *warehouse.DB, id, at string) {
	t.Helper()
	when, err := time.ParseInLocation("2006-01-02 15:04", at, queries.China)
	if err != nil {
		t.Fatal(err)
	}
	insert(t, db, "fact_accident", "accident_id, occurred_at, town_code, territorial_unit, level, level_by_numbers, is_production_safety, _version",
		[]any{id, when, "370812001", "370812001", "一般", "一般", uint8(1), uint64(1)})
}

// A month's snapshot is computed as of its last day, read back unchanged whatever is loaded
// later, and replaced only by a deliberate refreeze, which is recorded and keeps the old one.
func TestSnapshotFreezesAMonth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	// Two 一般 accidents in May 2025, one on 31 May at 23:30 China time (inside May's cut-off), one
	// on 1 June at 00:30 (after it), one in April.
	accident(t, db, "S1", "2025-05-10 09:00")
	accident(t, db, "S2", "2025-05-31 23:30")
	accident(t, db, "S3", "2025-06-01 00:30")
	accident(t, db, "S4", "2025-04-03 10:00")
	derived := 0
	req := queries.FreezeRequest{Month: day("2025-05-17"), By: "tester@host",
		Derive: func(_ context.Context, set *queries.Set) (map[string]json.RawMessage, error) {
			derived++
			// A derived figure frozen with the values: May's count as the derivation saw it.
			return map[string]json.RawMessage{"may": json.RawMessage(`{"n":` + fnum(generalAccidents(t, set, "month", "2025-05-01")) + `}`)}, nil
		}}
	first, created, err := queries.Freeze(ctx, db, req)
	if err != nil {
		t.Fatal(err)
	}
	if !created || derived != 1 {
		t.Fatalf("first freeze: created %v, derived %d times; want a new snapshot derived once", created, derived)
	}
	// Cut-off 2025-05-31, compared with 2025-04-30. May: S1 S2 = 2 (S3 is June in China);
	// 2025 to date: S4 S1 S2 = 3; April as of April's end: S4 = 1.
	if !first.AsOf.Equal(day("2025-05-31")) || !first.Compare.Equal(day("2025-04-30")) {
		t.Fatalf("as of %s compare %s; want 2025-05-31 and 2025-04-30", first.AsOf, first.Compare)
	}
	if got := generalAccidents(t, first.Set, "month", "2025-05-01"); got != 2 {
		t.Errorf("May 2025: %v accidents, want 2", got)
	}
	if got := generalAccidents(t, first.Set, "year", "2025-01-01"); got != 3 {
		t.Errorf("2025 to 31 May: %v accidents, want 3", got)
	}
	if v, ok := first.Set.At("general_accidents", "month", "district", "", day("2025-04-01"), day("2025-04-30")); !ok || v.Value != 1 {
		t.Errorf("April as of 30 April: %+v, want 1", v)
	}
	if string(first.Derived["may"]) != `{"n":2}` {
		t.Errorf("derived %s, want {\"n\":2}", first.Derived["may"])
	}
	if len(first.ContentHash) != 64 || first.CreatedBy != "tester@host" || first.Reason != "" {
		t.Errorf("header: hash %q by %q reason %q", first.ContentHash, first.CreatedBy, first.Reason)
	}
	// The dashboards' live refresh was not touched.
	var refreshes uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM ads_metric_refresh").Scan(&refreshes); err != nil || refreshes != 0 {
		t.Errorf("ads_metric_refresh has %d rows (%v); a snapshot must not publish a refresh", refreshes, err)
	}

	// A late May accident arrives. Generating May again reads the snapshot: same id, same hash,
	// same figures, nothing derived again.
	accident(t, db, "S5", "2025-05-20 08:00")
	again, created, err := queries.Freeze(ctx, db, req)
	if err != nil {
		t.Fatal(err)
	}
	if created || again.ID != first.ID || again.ContentHash != first.ContentHash || derived != 1 {
		t.Fatalf("second generation: created %v id %d hash %s derived %d; want snapshot %d %s unchanged",
			created, again.ID, again.ContentHash, derived, first.ID, first.ContentHash)
	}
	if got := generalAccidents(t, again.Set, "month", "2025-05-01"); got != 2 {
		t.Errorf("May 2025 read again: %v, want the frozen 2", got)
	}
	if string(again.Derived["may"]) != `{"n":2}` {
		t.Errorf("derived read again %s", again.Derived["may"])
	}

	// A refreeze without a reason is refused and names the flag.
	_, _, err = queries.Freeze(ctx, db, queries.FreezeRequest{Month: day("2025-05-01"), Refreeze: true, Reason: "  "})
	if err == nil || !strings.Contains(err.Error(), "--reason") {
		t.Fatalf("refreeze without reason: %v", err)
	}
	// With a reason: May now counts S1 S2 S5 = 3, a new hash, a ledger row, the old snapshot kept.
	req.Refreeze, req.Reason, req.By = true, "迟报的5月事故补录", "lead@host"
	second, created, err := queries.Freeze(ctx, db, req)
	if err != nil {
		t.Fatal(err)
	}
	if !created || second.ID == first.ID || second.ContentHash == first.ContentHash {
		t.Fatalf("refreeze: created %v id %d hash %s", created, second.ID, second.ContentHash)
	}
	if got := generalAccidents(t, second.Set, "month", "2025-05-01"); got != 3 {
		t.Errorf("May 2025 refrozen: %v, want 3", got)
	}
	if string(second.Derived["may"]) != `{"n":3}` || second.Reason != "迟报的5月事故补录" {
		t.Errorf("refrozen derived %s reason %q", second.Derived["may"], second.Reason)
	}
	latest, err := queries.LoadSnapshot(ctx, db, day("2025-05-31"))
	if err != nil || latest.ID != second.ID {
		t.Fatalf("latest May snapshot: %v %v, want %d", latest, err, second.ID)
	}
	old, err := queries.LoadSnapshotID(ctx, db, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := generalAccidents(t, old.Set, "month", "2025-05-01"); got != 2 || old.ContentHash != first.ContentHash {
		t.Errorf("old snapshot: May %v hash %s, want 2 and %s", got, old.ContentHash, first.ContentHash)
	}
	var oldID, newID uint64
	var oldHash, newHash, by, reason string
	if err := db.QueryRow(ctx, `SELECT old_snapshot_id, new_snapshot_id, old_content_hash, new_content_hash, refrozen_by, reason
		FROM rpt_snapshot_refreeze WHERE month = '2025-05-01'`).Scan(&oldID, &newID, &oldHash, &newHash, &by, &reason); err != nil {
		t.Fatal(err)
	}
	if oldID != first.ID || newID != second.ID || oldHash != first.ContentHash || newHash != second.ContentHash || by != "lead@host" || reason != req.Reason {
		t.Errorf("ledger row: %d→%d %s→%s by %s: %s", oldID, newID, oldHash, newHash, by, reason)
	}
	list, err := queries.Snapshots(ctx, db)
	if err != nil || len(list) != 2 {
		t.Fatalf("snapshots: %d (%v), want both kept", len(list), err)
	}

	// A value altered behind the snapshot's back is caught by its hash on reading.
	if err := db.DeleteWhere(ctx, "rpt_snapshot_value", "snapshot_id = ? AND metric_id = 'general_accidents'", first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := queries.LoadSnapshotID(ctx, db, first.ID); err == nil || !strings.Contains(err.Error(), "哈希不符") {
		t.Errorf("altered snapshot read without error: %v", err)
	}
}

func fnum(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
