package etl_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"safetydw/etl"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

const (
	drillHeader = "演练编号,统一社会信用代码,单位名称,所属镇街,组织方,演练日期,演练类型,演练场景,疏散逃生,不提前通知,不设定脚本,不预设场景,不预设地点,参演人数,部门核实"
	goodDrill   = "B-1,91370812MA0000001A,兖州甲机械有限公司,鼓楼街道,企业,2024-03-05,专项,火灾,是,是,是,是,是,30,是"
	regHeader   = "统一社会信用代码,单位名称,所属镇街,所属园区,行业类别,监管部门,规模,从业人数,状态,成立日期,注销日期,粉尘类型,涉粉作业人数,重大危险源,危化品生产企业,标准化等级"
	goodReg     = "91370812MA0000009Y,兖州丁商贸有限公司,龙桥街道,,其他,应急局,小微,8,在营,2020-01-02,,,,否,否,无"
)

// drill is goodDrill with some fields replaced (by position) and a new id.
func drill(id string, repl map[int]string) string {
	f := strings.Split(goodDrill, ",")
	f[0] = id
	for i, v := range repl {
		f[i] = v
	}
	return strings.Join(f, ",")
}

func lines(ls ...string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

type quarantined struct {
	file  string
	row   uint32
	field string
}

// TestBadInputs: every bad row ends in quarantine, naming file, row and field, and the
// counts reconcile: read = loaded + quarantined for every source of every run. A file that
// cannot be read as a whole (fails) fails the run with a message naming it and the setting
// to fix, and leaves nothing behind: no quarantine row, no fact, no file ledger row.
func TestBadInputs(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes(lines(drillHeader, goodDrill))
	emptySheet := xlsxBytes(t, nil)
	// 1,000 good UTF-8 rows (about 150 KiB, past any sample) and then one row in GBK, as a
	// careless merge of two towns' files gives; the GBK row is physical line 1,002.
	mixed := lines(drillHeader)
	for i := 1; i <= 1000; i++ {
		mixed = append(mixed, lines(drill(fmt.Sprintf("B-%d", i), nil))...)
	}
	gbkRow, _ := simplifiedchinese.GBK.NewEncoder().Bytes(lines(drill("B-1001", nil)))
	mixed = append(mixed, gbkRow...)
	cases := []struct {
		name   string
		files  map[string][]byte
		tweak  func([]etl.SourceConfig)
		want   []quarantined
		loaded int    // drills loaded (rows, duplicates included)
		fails  string // the run fails with this in its message, and the drill file stays unloaded
	}{
		// Quote errors are the record's: the row is refused, the rest of the file reads on.
		{name: "truncated file: unterminated quote", files: map[string][]byte{"drills/2024/a.csv": []byte(drillHeader + "\n" + goodDrill + "\nB-2,91370812MA0000001A,\"兖州乙")},
			want: []quarantined{{"drills/2024/a.csv", 3, "单位名称"}}, loaded: 1},
		{name: "quote opened and never closed, rows after it", files: map[string][]byte{"drills/2024/a.csv": lines(drillHeader, goodDrill,
			strings.Replace(drill("B-2", nil), "兖州甲", `"兖州甲`, 1), drill("B-3", nil), drill("B-4", nil))},
			want: []quarantined{{"drills/2024/a.csv", 3, "单位名称"}}, loaded: 3},
		{name: "bare quote inside a value", files: map[string][]byte{"drills/2024/a.csv": lines(drillHeader, goodDrill,
			strings.Replace(drill("B-2", nil), "兖州甲", `兖州"甲`, 1), drill("B-3", nil))},
			want: []quarantined{{"drills/2024/a.csv", 3, "单位名称"}}, loaded: 2},
		{name: "declared UTF-8 but GBK", files: map[string][]byte{"drills/2024/a.csv": gbk},
			tweak: func(s []etl.SourceConfig) { s[1].File.Encoding = "utf-8" },
			fails: "drills/2024/a.csv: 数据源声明 encoding: utf-8，但第 1 行不是有效的 UTF-8"},
		{name: "declared GBK but UTF-8", files: csv1(drill("B-2", nil)),
			tweak: func(s []etl.SourceConfig) { s[1].File.Encoding = "gbk" },
			fails: "文件按 gb18030 解码 (按设置 declared)，请检查数据源 drills 的 encoding 与 dataset 设置"},
		{name: "unknown encoding", files: csv1(drill("B-2", nil)),
			tweak: func(s []etl.SourceConfig) { s[1].File.Encoding = "big5" },
			fails: `file.encoding "big5": 不认识的编码`},
		{name: "declared UTF-8, a GBK row after 150 KiB", files: map[string][]byte{"drills/2024/a.csv": mixed},
			tweak: func(s []etl.SourceConfig) { s[1].File.Encoding = "utf-8" },
			fails: "encoding: utf-8 is declared but row 1002 is not valid UTF-8"},
		{name: "detected: not all UTF-8, so GB18030, so no header", files: map[string][]byte{"drills/2024/a.csv": mixed},
			fails: "drills/2024/a.csv: 前 10 行中找不到数据集 drills 的表头行"},
		{name: "impossible date", files: csv1(drill("B-2", map[int]string{5: "2024-02-30"})), want: q1("演练日期"), loaded: 1},
		{name: "month 13", files: csv1(drill("B-2", map[int]string{5: "2024-13-01"})), want: q1("演练日期"), loaded: 1},
		{name: "date in words", files: csv1(drill("B-2", map[int]string{5: "去年"})), want: q1("演练日期"), loaded: 1},
		{name: "number that is no Excel date", files: csv1(drill("B-2", map[int]string{5: "123"})), want: q1("演练日期"), loaded: 1},
		{name: "town of another district", files: csv1(drill("B-2", map[int]string{3: "黄屯街道"})), want: q1("所属镇街"), loaded: 1},
		{name: "negative count", files: csv1(drill("B-2", map[int]string{13: "-3"})), want: q1("参演人数"), loaded: 1},
		{name: "count in words", files: csv1(drill("B-2", map[int]string{13: "三十"})), want: q1("参演人数"), loaded: 1},
		{name: "fractional count", files: csv1(drill("B-2", map[int]string{13: "2.5"})), want: q1("参演人数"), loaded: 1},
		{name: "flag neither yes nor no", files: csv1(drill("B-2", map[int]string{9: "不详"})), want: q1("不提前通知"), loaded: 1},
		{name: "empty id", files: csv1(drill("", nil)), want: q1("演练编号"), loaded: 1},
		{name: "unknown organiser", files: csv1(drill("B-2", map[int]string{4: "学校"})), want: q1("组织方"), loaded: 1},
		{name: "unknown drill type", files: csv1(drill("B-2", map[int]string{6: "桌面推演"})), want: q1("演练类型"), loaded: 1},
		{name: "enterprise drill without USCC", files: csv1(drill("B-2", map[int]string{1: ""})), want: q1("统一社会信用代码"), loaded: 1},
		{name: "malformed USCC", files: csv1(drill("B-2", map[int]string{1: "91370812MA000000"})), want: q1("统一社会信用代码"), loaded: 1},
		{name: "duplicate key, different content", files: csv1(drill("B-1", map[int]string{13: "31"})), want: q1("演练编号"), loaded: 1},
		{name: "missing required column", files: map[string][]byte{"drills/2024/a.csv": lines(strings.Replace(drillHeader, "演练日期", "日期备注", 1), goodDrill)},
			fails: "drills/2024/a.csv: 第 1 行表头 (header row 1): 文件缺少必填列 演练日期"},
		{name: "column named twice", files: map[string][]byte{"drills/2024/a.csv": lines(strings.Replace(drillHeader, "演练类型", "演练日期", 1), goodDrill)},
			fails: "the header names this column twice"},
		{name: "unquoted comma shifts the row", files: csv1(strings.Replace(drill("B-2", nil), "兖州甲机械有限公司", "兖州甲,机械有限公司", 1)), want: q1("行"), loaded: 1},
		{name: "short row", files: csv1("B-2,91370812MA0000001A,兖州甲机械有限公司"), want: q1("行"), loaded: 1},
		// The re-drop: the last field cut off, and 参演人数 cut from 26 to 2 with it.
		{name: "truncated re-drop: last field cut", files: csv1(strings.TrimSuffix(drill("B-2", map[int]string{13: "26"}), "6,是")), want: q1("行"), loaded: 1},
		{name: "empty file", files: map[string][]byte{"drills/2024/a.csv": {}}, want: []quarantined{{"drills/2024/a.csv", 0, "文件"}}},
		{name: "no header", files: map[string][]byte{"drills/2024/a.csv": lines(goodDrill, drill("B-2", nil))},
			fails: "no header row with the columns of dataset drills"},
		{name: "empty sheet", files: map[string][]byte{"drills/2024/a.xlsx": emptySheet}, want: []quarantined{{"drills/2024/a.xlsx", 0, "文件"}}},
		// In a sheet, trailing empty cells are not stored: a row that ends in an empty optional
		// cell (部门核实) is whole, not short.
		{name: "XLSX row ending in empty cells", files: map[string][]byte{"drills/2024/a.xlsx": xlsxBytes(t, [][]any{strSlice(drillHeader), strSlice(goodDrill),
			strSlice(strings.TrimSuffix(drill("B-2", nil), ",是"))})}, loaded: 2},
		{name: "first sheet empty, data on the second", files: map[string][]byte{"drills/2024/a.xlsx": xlsxSheets(t, "说明", "演练台账", [][]any{strSlice(drillHeader), strSlice(goodDrill)})},
			fails: `the first sheet "说明" is empty and sheet "演练台账" has rows: set sheet:`},
		{name: "corrupt workbook", files: map[string][]byte{"drills/2024/a.xlsx": []byte("PK\x03\x04 not really a zip")}, fails: "drills/2024/a.xlsx: 不是可读的 XLSX 工作簿"},
		{name: "named sheet missing", files: map[string][]byte{"drills/2024/a.xlsx": xlsxBytes(t, [][]any{strSlice(drillHeader), strSlice(goodDrill)})},
			tweak: func(s []etl.SourceConfig) { s[1].File.Sheet = "演练台账" },
			fails: `no sheet "演练台账"; the workbook has Sheet1: fix sheet:`},
		{name: "truncated JSON", files: map[string][]byte{"drills/2024/a.json": []byte(`[{"演练编号":"B-9","组织方":"企业"`)},
			fails: "drills/2024/a.json: 不是 JSON 对象数组"},
		{name: "broken JSON line", files: map[string][]byte{"drills/2024/a.jsonl": []byte(jsonDrill("B-7") + "\n{\"演练编号\": \"B-8\",\n" + jsonDrill("B-9") + "\n")},
			want: []quarantined{{"drills/2024/a.jsonl", 2, "行"}}, loaded: 2},
		{name: "registry: unknown industry", files: reg1(strings.Replace(goodReg, ",其他,", ",造船,", 1)), want: []quarantined{{"registry/enterprises.csv", 3, "行业类别"}}},
		{name: "registry: unknown status", files: reg1(strings.Replace(goodReg, ",在营,", ",营业中,", 1)), want: []quarantined{{"registry/enterprises.csv", 3, "状态"}}},
		{name: "registry: impossible date", files: reg1(strings.Replace(goodReg, "2020-01-02", "2019-05-32", 1)), want: []quarantined{{"registry/enterprises.csv", 3, "成立日期"}}},
		{name: "registry: unknown department", files: reg1(strings.Replace(goodReg, ",应急局,", ",宣传部,", 1)), want: []quarantined{{"registry/enterprises.csv", 3, "监管部门"}}},
		{name: "registry: malformed USCC", files: reg1(strings.Replace(goodReg, "91370812MA0000009Y", "9137081", 1)), want: []quarantined{{"registry/enterprises.csv", 3, "统一社会信用代码"}}},
	}
	if len(cases) < 30 {
		t.Fatalf("the corpus has %d cases; keep at least 30", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := warehousetest.New(t)
			dir := t.TempDir()
			reg := lines(regHeader, "91370812MA0000001A,兖州甲机械有限公司,鼓楼街道,,机械加工/机械制造,应急局,规下,12,在营,2015-04-01,,,,否,否,三级")
			if err := write(dir, "registry/enterprises.csv", reg); err != nil {
				t.Fatal(err)
			}
			for name, body := range c.files {
				if name == "registry/enterprises.csv" {
					body = append(reg, body...)
				}
				if err := write(dir, name, body); err != nil {
					t.Fatal(err)
				}
			}
			sources, err := etl.LoadSources("testdata/sources.yaml")
			if err != nil {
				t.Fatal(err)
			}
			// Every pattern must match a file, so the drills source reads just the case's
			// kinds of file; a case without drill files runs the registry alone.
			sources[1].File.Patterns = nil
			for name := range c.files {
				if p := "drills/*/*" + filepath.Ext(name); strings.HasPrefix(name, "drills/") && !slices.Contains(sources[1].File.Patterns, p) {
					sources[1].File.Patterns = append(sources[1].File.Patterns, p)
				}
			}
			if sources[1].File.Patterns == nil {
				sources = sources[:1]
			}
			if c.tweak != nil {
				c.tweak(sources)
			}
			r := &etl.Runner{DB: db, DropDir: dir}
			stats, err := r.Run(ctx, sources)
			if c.fails != "" {
				if err == nil || !strings.Contains(err.Error(), c.fails) {
					t.Fatalf("run error %v, want one containing %q", err, c.fails)
				}
				checkNothingOf(t, db, "drills")
			} else if err != nil {
				t.Fatalf("the run failed instead of quarantining: %v", err)
			}
			total := 0
			for _, st := range stats {
				if st.Read != st.Loaded+st.Quarantined {
					t.Errorf("%s: read %d ≠ loaded %d + quarantined %d", st.Source, st.Read, st.Loaded, st.Quarantined)
				}
				total += st.Quarantined
			}
			if len(stats) > 1 && stats[1].Loaded != c.loaded {
				t.Errorf("drills loaded %d, want %d", stats[1].Loaded, c.loaded)
			}
			rows, err := db.Query(ctx, "SELECT locator, row_num, field, reason FROM (SELECT locator, row_num, field, reason FROM etl_quarantine FINAL) ORDER BY locator, row_num")
			if err != nil {
				t.Fatal(err)
			}
			var got []quarantined
			for rows.Next() {
				var q quarantined
				var reason string
				if err := rows.Scan(&q.file, &q.row, &q.field, &reason); err != nil {
					t.Fatal(err)
				}
				if reason == "" {
					t.Errorf("%v has no reason", q)
				}
				got = append(got, q)
			}
			rows.Close()
			sort.Slice(c.want, func(i, j int) bool {
				return c.want[i].file+string(rune(c.want[i].row)) < c.want[j].file+string(rune(c.want[j].row))
			})
			if len(got) != len(c.want) || total != len(c.want) {
				t.Fatalf("quarantined %v (run counted %d), want %v", got, total, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("quarantined %v, want %v", got[i], c.want[i])
				}
			}
		})
	}
}

// checkNothingOf checks that a source whose file failed as a whole left nothing behind: no
// quarantine row, no fact, no file ledger row (so the file loads once the cause is fixed).
func checkNothingOf(t *testing.T, db *warehouse.DB, source string) {
	t.Helper()
	for _, q := range []string{
		"SELECT count() FROM etl_quarantine WHERE source = '" + source + "'",
		"SELECT count() FROM etl_files WHERE source = '" + source + "'",
		"SELECT count() FROM fact_drill", // only the drills source writes it
	} {
		if n := count(t, db, q); n != 0 {
			t.Errorf("%s: %d rows left by a file that failed as a whole", q, n)
		}
	}
	var status, msg string
	if err := db.QueryRow(context.Background(), "SELECT status, error FROM etl_runs WHERE source = ?", source).Scan(&status, &msg); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || msg == "" {
		t.Errorf("run ledger: status %q, error %q; want failed with the message", status, msg)
	}
}

func csv1(row string) map[string][]byte {
	return map[string][]byte{"drills/2024/a.csv": lines(drillHeader, goodDrill, row)}
}

// q1 expects the row after the header and the good drill (line 3) to be refused.
func q1(field string) []quarantined {
	return []quarantined{{"drills/2024/a.csv", 3, field}}
}

func reg1(row string) map[string][]byte {
	return map[string][]byte{"registry/enterprises.csv": lines(row)}
}

func jsonDrill(id string) string {
	return `{"演练编号":"` + id + `","统一社会信用代码":"91370812MA0000001A","所属镇街":"鼓楼街道","组织方":"企业","演练日期":"2024-03-05","演练类型":"专项"}`
}

func strSlice(line string) []any {
	var out []any
	for _, f := range strings.Split(line, ",") {
		out = append(out, f)
	}
	return out
}

// xlsxSheets is a workbook whose first sheet is empty and whose second holds rows.
func xlsxSheets(t *testing.T, first, second string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", first); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet(second); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(second, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xlsxBytes(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func write(dir, name string, body []byte) error {
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, body, 0o644)
}
