package etl_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"safetydw/etl"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// streamRun loads a drills file in chunks of two rows, after a registry that knows its firm.
func streamRun(t *testing.T, db *warehouse.DB, name string, body []byte) etl.Stats {
	t.Helper()
	dir := t.TempDir()
	reg := lines(regHeader, "91370812MA0000001A,兖州甲机械有限公司,鼓楼街道,,机械加工/机械制造,应急局,规下,12,在营,2015-04-01,,,,否,否,三级")
	if err := write(dir, "registry/enterprises.csv", reg); err != nil {
		t.Fatal(err)
	}
	if err := write(dir, name, body); err != nil {
		t.Fatal(err)
	}
	sources, err := etl.LoadSources("testdata/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sources[1].File.Patterns = []string{"drills/*/*" + name[strings.LastIndex(name, "."):]}
	sources[1].File.ChunkRows = 2
	stats, err := (&etl.Runner{DB: db, DropDir: dir}).Run(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	return stats[1]
}

// quarantineOf lists the drills source's quarantine as file:row:field.
func quarantineOf(t *testing.T, db *warehouse.DB) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT locator, row_num, field FROM etl_quarantine FINAL WHERE source = 'drills' ORDER BY row_num")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var file, field string
		var row uint32
		if err := rows.Scan(&file, &row, &field); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s:%d:%s", file, row, field))
	}
	return got
}

// A sheet read two rows at a time: a title merged across the header's width, the header,
// then a town (D) and a count (N) merged down rows 3–6, which the chunks split 3–4 | 5–6, a
// blank row 7, a drill with an impossible date on row 8 and one more on row 9. Row 10 is an
// empty row element inside a merge from row 9: a sheet's trailing empty rows are no rows.
// By hand: rows 3, 4, 5, 6, 8, 9 are read (6), row 8 is quarantined as 演练日期, five load;
// each of rows 3–6 counts 30 from the merge, row 9 counts 12: 4×30 + 12 = 132 participants,
// and all five drills are in 鼓楼街道.
func TestChunkedXLSXFillsMergesAcrossChunks(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "Sheet1"
	row := func(n int, vals []string) {
		cells := make([]any, len(vals))
		for i, v := range vals {
			if v != "" {
				cells[i] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := f.SetSheetRow(sh, cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	fields := func(id string, repl map[int]string) []string { return strings.Split(drill(id, repl), ",") }
	row(1, []string{"2024年应急演练台账"})
	row(2, strings.Split(drillHeader, ","))
	row(3, fields("B-1", map[int]string{3: "鼓楼街道", 13: "30"}))
	for i, id := range []string{"B-2", "B-3", "B-4"} {
		row(4+i, fields(id, map[int]string{3: "", 13: ""}))
	}
	row(8, fields("B-5", map[int]string{5: "2024-02-30"}))
	row(9, fields("B-6", map[int]string{13: "12"}))
	if err := f.SetRowHeight(sh, 10, 30); err != nil { // an empty <row r="10"> element
		t.Fatal(err)
	}
	for _, r := range [][2]string{{"A1", "O1"}, {"D3", "D6"}, {"N3", "N6"}, {"N9", "N10"}} {
		if err := f.MergeCell(sh, r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	db := warehousetest.New(t)
	st := streamRun(t, db, "drills/2024/a.xlsx", buf.Bytes())
	if got := [3]int{st.Read, st.Loaded, st.Quarantined}; got != [3]int{6, 5, 1} {
		t.Errorf("read/loaded/quarantined = %v, want [6 5 1]", got)
	}
	if got := quarantineOf(t, db); strings.Join(got, " ") != "drills/2024/a.xlsx:8:演练日期" {
		t.Errorf("quarantine %v, want row 8 演练日期", got)
	}
	var n, people uint64
	var towns uint64
	if err := db.QueryRow(context.Background(), "SELECT count(), sum(participants), uniqExact(town_code) FROM fact_drill FINAL").Scan(&n, &people, &towns); err != nil {
		t.Fatal(err)
	}
	if n != 5 || people != 132 || towns != 1 {
		t.Errorf("fact_drill: %d drills, %d participants, %d towns; want 5, 132, 1", n, people, towns)
	}
}

// A JSON array read two elements at a time: chunks 1–2 | 3–4 | 5. Element 3 has an impossible
// date and element 4 is a string, not an object; both are in the second chunk. By hand: 5
// read, 3 loaded, quarantined as element 3 (演练日期) and element 4 (行), numbered as elements.
func TestChunkedJSONArrayQuarantinesByElement(t *testing.T) {
	bad := strings.Replace(jsonDrill("B-3"), "2024-03-05", "2024-02-30", 1)
	body := "[\n" + strings.Join([]string{jsonDrill("B-1"), jsonDrill("B-2"), bad, `"B-4"`, jsonDrill("B-5")}, ",\n") + "\n]\n"
	db := warehousetest.New(t)
	st := streamRun(t, db, "drills/2024/a.json", []byte(body))
	if got := [3]int{st.Read, st.Loaded, st.Quarantined}; got != [3]int{5, 3, 2} {
		t.Errorf("read/loaded/quarantined = %v, want [5 3 2]", got)
	}
	if got := quarantineOf(t, db); strings.Join(got, " ") != "drills/2024/a.json:3:演练日期 drills/2024/a.json:4:行" {
		t.Errorf("quarantine %v, want element 3 演练日期 and element 4 行", got)
	}
	var ids string
	if err := db.QueryRow(context.Background(), "SELECT arrayStringConcat(arraySort(groupArray(drill_id)), ' ') FROM fact_drill FINAL").Scan(&ids); err != nil {
		t.Fatal(err)
	}
	const want = "town_ledger:drills/2024/a.json#B-1 town_ledger:drills/2024/a.json#B-2 town_ledger:drills/2024/a.json#B-5"
	if ids != want {
		t.Errorf("fact_drill ids %q, want %q", ids, want)
	}
}

// A JSON Lines file of exactly two chunks' lines: the read after the last line finds no
// line, and that empty chunk is no file without a header. By hand: 4 read, 4 loaded.
func TestJSONLinesOfWholeChunks(t *testing.T) {
	body := lines(jsonDrill("B-1"), jsonDrill("B-2"), jsonDrill("B-3"), jsonDrill("B-4"))
	db := warehousetest.New(t)
	st := streamRun(t, db, "drills/2024/a.jsonl", body)
	if got := [3]int{st.Read, st.Loaded, st.Quarantined}; got != [3]int{4, 4, 0} {
		t.Errorf("read/loaded/quarantined = %v, want [4 4 0]", got)
	}
}

// The byte bound ends a file's chunks in a real load: 24 enterprises (lines 2–25) under a
// 1-byte bound are read 10 rows a chunk, the fewest it allows (the header may lie among
// them): lines 1–10 (9 enterprises), 11–20 (10), 21–25 (5). Line 17's founding date is
// impossible. By hand: one file, 24 read, 23 loaded, line 17 quarantined; the progress says
// 9 and then 19 rows so far, and the file ledger counts 24 rows, as if read whole.
func TestChunkBytesLoadTheSame(t *testing.T) {
	db := warehousetest.New(t)
	dir := t.TempDir()
	rows := []string{regHeader}
	for i := 1; i <= 24; i++ {
		founded := "2015-04-01"
		if i == 16 {
			founded = "2015-13-45"
		}
		rows = append(rows, fmt.Sprintf("91370812MA%07dA,兖州%d号机械有限公司,鼓楼街道,,机械加工/机械制造,应急局,规下,12,在营,%s,,,,否,否,三级", i, i, founded))
	}
	if err := write(dir, "registry/enterprises.csv", lines(rows...)); err != nil {
		t.Fatal(err)
	}
	sources, err := etl.LoadSources("testdata/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sources = sources[:1]
	sources[0].File.ChunkBytes = 1
	var log bytes.Buffer
	stats, err := (&etl.Runner{DB: db, DropDir: dir, Log: &log}).Run(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	st := stats[0]
	if got := [4]int{st.Batches, st.Read, st.Loaded, st.Quarantined}; got != [4]int{1, 24, 23, 1} {
		t.Errorf("files/read/loaded/quarantined = %v, want [1 24 23 1]", got)
	}
	var progress []string
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, "rows so far") {
			progress = append(progress, strings.TrimSpace(l))
		}
	}
	if want := "registry/enterprises.csv: 已读 9 行 (rows so far)|registry/enterprises.csv: 已读 19 行 (rows so far)"; strings.Join(progress, "|") != want {
		t.Errorf("progress %q, want %q", progress, want)
	}
	ctx := context.Background()
	var loaded, read, quarantined uint64
	var qrow uint32
	if err := db.QueryRow(ctx, "SELECT count() FROM dim_enterprise FINAL").Scan(&loaded); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, "SELECT sum(rows_read) FROM etl_files FINAL WHERE source = 'registry'").Scan(&read); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, "SELECT count(), max(row_num) FROM etl_quarantine FINAL WHERE source = 'registry'").Scan(&quarantined, &qrow); err != nil {
		t.Fatal(err)
	}
	if loaded != 23 || read != 24 || quarantined != 1 || qrow != 17 {
		t.Errorf("dim_enterprise %d rows, ledger %d read, quarantine %d rows (row %d); want 23, 24, 1 (row 17)", loaded, read, quarantined, qrow)
	}
}
