package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetydw/cron"
	"safetydw/warehouse/analysttest"
	"safetydw/warehouse/warehousetest"
)

// runSQLCmd runs `safetydw sql` with args as an analyst would type them.
func runSQLCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := sqlCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetIn(strings.NewReader(""))
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// analystEnv points `safetydw sql` at a fresh warehouse through a per-test analyst login.
func analystEnv(t *testing.T) {
	t.Helper()
	db := warehousetest.New(t)
	cfg := analysttest.Provision(t, db.Database, nil)
	t.Setenv("CLICKHOUSE_ADDR", cfg.Addr)
	t.Setenv("CLICKHOUSE_DB", cfg.Database)
	t.Setenv("CLICKHOUSE_ANALYST_USER", cfg.User)
	t.Setenv("CLICKHOUSE_ANALYST_PASSWORD", cfg.Password)
}

// TestSQLOutputIsSafe: before, `sql --output` silently replaced an existing file, a *.csv got
// no BOM (Excel on a Chinese Windows garbled it), "=HYPERLINK(…)" reached Excel as a formula,
// and an ESC sequence in a value reached the terminal raw.
func TestSQLOutputIsSafe(t *testing.T) {
	analystEnv(t)
	dir := t.TempDir()
	const hostile = `SELECT name AS "名称", '=HYPERLINK("http://evil.example/")' AS link, toFloat64(-3.5) AS v, 'a\x1B[2Jb' AS esc FROM dim_town WHERE town_code = '370812001'`

	existing := filepath.Join(dir, "上月结果.csv")
	if err := os.WriteFile(existing, []byte("the analyst's earlier work"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := runSQLCmd(t, hostile, "--output", existing)
	if err == nil || !strings.Contains(err.Error(), "--output "+existing) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("--output onto an existing file: %v, want a refusal naming the file and --force", err)
	}
	if b, _ := os.ReadFile(existing); string(b) != "the analyst's earlier work" {
		t.Fatalf("the existing file now holds %q", b)
	}
	if _, err := runSQLCmd(t, hostile, "--output", dir); err == nil || !strings.Contains(err.Error(), "不是普通文件") {
		t.Errorf("--output onto a folder: %v", err)
	}

	// A *.csv name alone gives CSV with the BOM; the formula gets an apostrophe, -3.5 stays a number.
	if _, err := runSQLCmd(t, hostile, "--output", existing, "--force"); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff名称,link,v,esc\n鼓楼街道,\"'=HYPERLINK(\"\"http://evil.example/\"\")\",-3.5,a\x1b[2Jb\n"
	if b, _ := os.ReadFile(existing); string(b) != want {
		t.Errorf("--force --output x.csv wrote %q, want %q", b, want)
	}
	plain := filepath.Join(dir, "plain.csv")
	if _, err := runSQLCmd(t, hostile, "--output", plain, "--bom=false"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(plain); string(b) != strings.TrimPrefix(want, "\ufeff") {
		t.Errorf("--bom=false wrote %q", b)
	}

	out, err := runSQLCmd(t, hostile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `a\x1b[2Jb`) {
		t.Errorf("table output: %q, want the ESC shown as \\x1b", out)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

// TestQuarantineExportIsSafe puts hostile refused rows into the real etl_quarantine and lists
// and exports them. Before: the listing printed the ESC raw, the export kept "=cmd|…" as a
// formula, had no BOM, overwrote the files of an earlier export, and wrote a/b.csv and
// a_b.csv into one file, the second replacing the first.
func TestQuarantineExportIsSafe(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	b, err := db.PrepareBatch(ctx, "INSERT INTO etl_quarantine (run_id, source, locator, locator_sha256, row_num, field, reason, raw, quarantined_at)")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		loc, sha string
		row      uint32
		raw      string
	}{
		{"drills/a/b.csv", "h1", 2, `D1,"=cmd|' /C calc'!A0",-3.5,鼓楼街道`},
		{"drills/a/b.csv", "h1", 3, "D2,\x1b[31m红字\x1b[0m,4,+86 138"},
		{"drills/a_b.csv", "h2", 2, "D3,@SUM(A1),5,龙桥街道"},
	} {
		if err := b.Append("r1", "drills", r.loc, r.sha, r.row, "participants", "不是数字", r.raw, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	rows, err := quarantined(ctx, &cron.Pipeline{DB: db}, "")
	if err != nil {
		t.Fatal(err)
	}

	var list bytes.Buffer
	listQuarantine(&list, rows)
	if strings.Contains(list.String(), "\x1b") || !strings.Contains(list.String(), `D2,\x1b[31m红字\x1b[0m`) {
		t.Errorf("listing: %q", list.String())
	}

	// The drop folder no longer has the files: the export has no header line to copy.
	out := filepath.Join(t.TempDir(), "fixes")
	if err := exportQuarantine(rows, t.TempDir(), out, exportOptions{bom: true}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"fix_drills_a_b.csv":   "\ufeffD1,'=cmd|' /C calc'!A0,-3.5,鼓楼街道\nD2,\x1b[31m红字\x1b[0m,4,'+86 138\n",
		"fix_drills_a_b_2.csv": "\ufeffD3,'@SUM(A1),5,龙桥街道\n",
	}
	for name, text := range want {
		if got, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(got) != text {
			t.Errorf("%s: %q, %v; want %q", name, got, err, text)
		}
	}

	// Again into the same folder: refused without --force, the earlier files untouched.
	if err := os.WriteFile(filepath.Join(out, "fix_drills_a_b.csv"), []byte("corrected by the steward"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = exportQuarantine(rows, t.TempDir(), out, exportOptions{bom: true})
	if err == nil || !strings.Contains(err.Error(), "--export "+filepath.Join(out, "fix_drills_a_b.csv")) {
		t.Fatalf("second export: %v, want a refusal naming the file", err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "fix_drills_a_b.csv")); string(got) != "corrected by the steward" {
		t.Errorf("the steward's file now holds %q", got)
	}
	if err := exportQuarantine(rows, t.TempDir(), out, exportOptions{bom: false, force: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "fix_drills_a_b_2.csv")); string(got) != "D3,'@SUM(A1),5,龙桥街道\n" {
		t.Errorf("--force --bom=false wrote %q", got)
	}
}

// TestNamedOutputsAreNotOverwritten: sample --out into a folder of the user's and
// screenshot --png onto an existing file are refused before any work; before, both wrote over
// the user's files.
func TestNamedOutputsAreNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "mine")
	if err := os.MkdirAll(filepath.Join(mine, "registry"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mine, "registry", "enterprises.csv"), []byte("the user's registry"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := sampleCmd()
	c.SetArgs([]string{"--out", mine, "--scale", "0.001", "--sensor-days", "1"})
	c.SilenceUsage, c.SilenceErrors = true, true
	if err := c.Execute(); err == nil || !strings.Contains(err.Error(), "--out "+mine) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("sample --out a user's folder: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(mine, "registry", "enterprises.csv")); string(b) != "the user's registry" {
		t.Errorf("the user's file now holds %q", b)
	}
	// A folder sample wrote before may be written again.
	again := filepath.Join(dir, "again")
	for i := 0; i < 2; i++ {
		c := sampleCmd()
		c.SetArgs([]string{"--out", again, "--scale", "0.001", "--sensor-days", "1"})
		c.SilenceUsage, c.SilenceErrors = true, true
		if err := c.Execute(); err != nil {
			t.Fatalf("sample run %d: %v", i+1, err)
		}
	}

	png := filepath.Join(dir, "shot.png")
	if err := os.WriteFile(png, []byte("an earlier screenshot"), 0o644); err != nil {
		t.Fatal(err)
	}
	flags.out = dir
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>x</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := screenshotCmd()
	s.SetArgs([]string{"--png", png})
	s.SilenceUsage, s.SilenceErrors = true, true
	if err := s.Execute(); err == nil || !strings.Contains(err.Error(), "--png "+png) {
		t.Errorf("screenshot onto an existing file: %v", err)
	}
	if b, _ := os.ReadFile(png); string(b) != "an earlier screenshot" {
		t.Errorf("the earlier screenshot now holds %q", b)
	}
}

// TestSQLNoSilentlyEmptyAnswers: before, `--param town=黄屯` (no such town) returned an empty
// table with exit code 0, which reads as "no overdue hazards", and the common server errors
// came without a word on what to do.
func TestSQLNoSilentlyEmptyAnswers(t *testing.T) {
	analystEnv(t)
	cases := []struct {
		args []string
		want []string // substrings of the error
	}{
		{[]string{"--saved", "overdue_major_hazards", "--param", "town=黄屯"},
			[]string{"没有镇街“黄屯”；可选：鼓楼街道、龙桥街道"}},
		{[]string{"--saved", "sibu_drills_by_town", "--param", "town=鼓楼街", "--param", "year=2025"},
			[]string{"没有镇街“鼓楼街”；是否指：鼓楼街道？"}},
		{[]string{"SELECT name AS 名称 FROM dim_town"},
			[]string{"ClickHouse Code: 62.", "中文别名或列名须加引号"}},
		{[]string{"SELECT * FROM no_such_table"},
			[]string{"ClickHouse Code: 60.", "safetydw sql --tables"}},
		{[]string{"SELECT no_such_column FROM dim_town"},
			[]string{"ClickHouse Code: 47.", "DESCRIBE TABLE"}},
	}
	for _, c := range cases {
		_, err := runSQLCmd(t, c.args...)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %v, want an error containing %q", c.args, err, w)
			}
		}
	}
	// The same aliases still work: 鼓楼 is a town's common short name.
	if _, err := runSQLCmd(t, "--saved", "overdue_major_hazards", "--param", "town=鼓楼"); err != nil {
		t.Errorf("town=鼓楼: %v", err)
	}
	out, err := runSQLCmd(t, "--tables")
	if err != nil || !strings.Contains(out, "dim_town") || !strings.Contains(out, "fact_drill") {
		t.Errorf("--tables: %v\n%s", err, out)
	}
}
