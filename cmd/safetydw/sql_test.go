package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"safetydw/queries/export"
)

// TestSQLCommand runs `safetydw sql` against a fresh warehouse through a per-test analyst
// login, set in the environment the way an analyst sets it.
func TestSQLCommand(t *testing.T) {
	analystEnv(t)
	dir := t.TempDir()
	queryFile := filepath.Join(dir, "towns.sql")
	if err := os.WriteFile(queryFile, []byte("-- params: kind:String\nSELECT name AS \"名称\" FROM dim_town WHERE kind = @kind ORDER BY sort_order;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	xlsx, csvFile := filepath.Join(dir, "结果.xlsx"), filepath.Join(dir, "结果.csv")

	cases := []struct {
		name   string
		args   []string
		stdin  string
		stdout []string // substrings of stdout
		err    string   // substring of the error, "" for success
	}{
		{name: "argument, table", args: []string{"SELECT name, kind FROM dim_town ORDER BY sort_order LIMIT 2"},
			stdout: []string{"name     | kind\n---------+-----\n鼓楼街道 | 街道\n龙桥街道 | 街道\n"}},
		{name: "saved, csv", args: []string{"--saved", "sibu_drills_by_town", "--param", "town=鼓楼街道", "--param", "year=2025", "--format", "csv"},
			stdout: []string{"统一社会信用代码,单位名称,演练次数,四不演练次数,四不占比（%）,最近演练日期\n"}},
		{name: "file with parameters, json", args: []string{"--file", queryFile, "--param", "kind=镇", "--format", "json"},
			stdout: []string{`{"名称": "大安镇"}`, `{"名称": "小孟镇"}`}},
		{name: "stdin", args: []string{"--format", "csv"}, stdin: "SELECT count() AS n FROM dim_town",
			stdout: []string{"n\n10\n"}},
		{name: "stdin with -", args: []string{"--file", "-"}, stdin: "SELECT 'ok' AS x;\n", stdout: []string{"ok"}},
		{name: "xlsx", args: []string{"SELECT name AS \"名称\" FROM dim_town ORDER BY sort_order", "--format", "xlsx", "--output", xlsx}},
		{name: "csv with bom", args: []string{"SELECT name FROM dim_town", "--format", "csv", "--bom", "--output", csvFile}},
		{name: "list", args: []string{"--list"}, stdout: []string{"sibu_drills_by_town  镇街企业“四不”演练明细", "targets_due"}},

		{name: "insert refused", args: []string{"INSERT INTO dim_town (town_code) SELECT 'x'"}, err: "ClickHouse Code: 164. DB::Exception: Cannot insert into table in readonly mode"},
		{name: "drop refused", args: []string{"DROP TABLE dim_town"}, err: "Code: 164"},
		{name: "settings refused", args: []string{"SELECT 1 SETTINGS max_execution_time = 3600"}, err: "Code: 164. DB::Exception: Cannot execute SET query in readonly mode"},
		{name: "unknown table", args: []string{"SELECT * FROM no_such_table"}, err: "Code: 60."},
		{name: "syntax error", args: []string{"SELEC 1"}, err: "Code: 62."},
		{name: "unknown parameter", args: []string{"--saved", "targets_due", "--param", "yeer=2025"}, err: "unknown parameter yeer"},
		{name: "missing parameter", args: []string{"--saved", "targets_due"}, err: "missing parameter year"},
		{name: "parameter not a number", args: []string{"--saved", "targets_due", "--param", "year=2025 OR 1=1"}, err: "is not a UInt16"},
		{name: "malformed parameter", args: []string{"--saved", "targets_due", "--param", "2025"}, err: "write name=value"},
		{name: "unknown saved query", args: []string{"--saved", "no_such_query"}, err: "no saved query"},
		{name: "parquet without output", args: []string{"SELECT 1", "--format", "parquet"}, err: "needs --output"},
		{name: "unknown format", args: []string{"SELECT 1", "--format", "xml"}, err: "unknown format"},
		{name: "bom without csv", args: []string{"SELECT 1", "--bom"}, err: "--bom only applies"},
		{name: "two queries", args: []string{"SELECT 1", "--saved", "targets_due"}, err: "give the query once"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			cmd := sqlCmd()
			cmd.SetArgs(c.args)
			cmd.SetOut(&out)
			cmd.SetErr(&errOut)
			cmd.SetIn(strings.NewReader(c.stdin))
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.ExecuteContext(context.Background())
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\nstderr: %s", err, errOut.String())
			}
			for _, s := range c.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
		})
	}

	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(export.SheetName)
	if err != nil || len(rows) != 11 || rows[0][0] != "名称" || rows[1][0] != "鼓楼街道" {
		t.Errorf("xlsx rows %q, %v", rows, err)
	}
	data, err := os.ReadFile(csvFile)
	if err != nil || !bytes.HasPrefix(data, []byte("\xef\xbb\xbfname\n")) {
		t.Errorf("csv starts %q, %v; want the BOM and the header", data[:min(len(data), 20)], err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}
