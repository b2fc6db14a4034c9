package dataset

import (
	"testing"
	"time"

	"safetydw/etl/source"
)

// The runner relies on what the declarations name: source_file to replace a re-sent file's
// rows, source_row to name a conflicting row, date kinds for NotFuture.
func TestDeclarationsHoldTogether(t *testing.T) {
	for _, name := range Names() {
		d, err := New(name, Env{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]Kind{}
		for _, c := range d.Columns {
			kinds[c.Name] = c.Kind
		}
		if k, ok := kinds["source_file"]; !ok || k != String {
			t.Errorf("%s: no source_file column, so a re-sent file cannot replace its rows", name)
		}
		for _, c := range d.NotFuture {
			if k, ok := kinds[c]; !ok || (k != Date && k != NullableDate && k != DateTime && k != NullableDateTime) {
				t.Errorf("%s: NotFuture column %s is not a date column", name, c)
			}
		}
		if _, ok := kinds[d.UpdatedAt]; d.UpdatedAt != "" && !ok {
			t.Errorf("%s: UpdatedAt names no column %s", name, d.UpdatedAt)
		}
		for _, c := range d.KeyWith {
			if k, ok := kinds[c]; !ok || (k != String && k != Date && k != DateTime) {
				t.Errorf("%s: key part %s is not a String, Date or DateTime column", name, c)
			}
		}
		if d.KeyScope == KeyPerFile && d.Key == "" {
			t.Errorf("%s: a per-file key scope needs a Key", name)
		}
		if _, ok := kinds["source_row"]; d.Key != "" && d.KeyScope == KeyGlobal && !ok {
			t.Errorf("%s: a global key needs source_row to name a conflicting row", name)
		}
	}
}

// A reading is in the future from the first second of the day after the run's day, China
// time, whatever zone the source wrote it in.
func TestFutureReadingsByChinaDay(t *testing.T) {
	tbl := &source.Table{Path: "r.csv", Rows: []source.Row{
		{Num: 1, Values: []string{"point_id", "ts", "value"}},
		{Num: 2, Values: []string{"P1", "2026-11-29 23:59:59", "1"}},
		{Num: 3, Values: []string{"P1", "2026-11-30 00:00:00", "1"}},
		{Num: 4, Values: []string{"P1", "2026-11-29T16:30:00Z", "1"}}, // 00:30 on the 30th in China
		{Num: 5, Values: []string{"P1", "2026-11-29T15:59:59Z", "1"}}, // 23:59:59 on the 29th
	}}
	day := time.Date(2026, 11, 29, 0, 0, 0, 0, chinaZone)
	res := SensorReadings().Transform(tbl, Meta{Version: 1, RunDay: day})
	defer res.Release()
	want := []Reject{
		{Row: 3, Field: "ts", Reason: "日期在未来 (date in the future): ts=2026-11-30 00:00:00 > 运行日 2026-11-29"},
		{Row: 4, Field: "ts", Reason: "日期在未来 (date in the future): ts=2026-11-30 00:30:00 > 运行日 2026-11-29"},
	}
	if res.Loaded != 2 || len(res.Rejects) != len(want) {
		t.Fatalf("loaded %d, rejects %v; want 2 loaded and %v", res.Loaded, res.Rejects, want)
	}
	for i, w := range want {
		if g := res.Rejects[i]; g.Row != w.Row || g.Field != w.Field || g.Reason != w.Reason {
			t.Errorf("reject %d = %+v, want %+v", i, g, w)
		}
	}
}
