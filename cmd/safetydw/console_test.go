package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetydw/queries/export"
	"safetydw/warehouse/warehousetest"
)

// TestConsoleIsPrintable: before, `etl run` printed a file's name (and whatever else of a
// source a progress line or an error quotes) raw, so an ESC sequence in it reached the
// terminal. Now progress lines and the error line pass export.Printable.
func TestConsoleIsPrintable(t *testing.T) {
	db := warehousetest.New(t)
	t.Setenv("CLICKHOUSE_DB", db.Database)
	drop := t.TempDir()
	for name, body := range map[string]string{
		// A bad event type: its quarantine line names the file.
		"e\x1b[31m.csv": "隐患编号,事件时间,事件类型,办理部门,办理层级,备注\nYH1,2024-03-04 09:00:00,旋转,,企业,\n",
		// No header the dataset knows: the run fails, naming the file.
		"z\x1b[2J.csv": "a,b\n1,2\n",
	} {
		if err := os.WriteFile(filepath.Join(drop, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sources := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(sources, []byte("sources:\n  - {name: events, kind: file, dataset: hazard_events, system: hz, file: {patterns: [\"*.csv\"]}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(d, s, l string) { flags.drop, flags.sources, flags.landing = d, s, l }(flags.drop, flags.sources, flags.landing)
	flags.drop, flags.sources, flags.landing = drop, sources, t.TempDir()
	var out strings.Builder
	defer func(w io.Writer) { stderr = w }(stderr)
	stderr = export.Terminal(&out)

	c := runCmd()
	c.SetArgs(nil)
	err := c.ExecuteContext(context.Background())
	if err == nil {
		t.Fatal("the run with a headerless file succeeded")
	}
	reportError(err)
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("the console got a raw ESC:\n%q", out.String())
	}
	for _, want := range []string{`隔离 (quarantined) e\x1b[31m.csv 第 2 行`, `错误 (error): source events: z\x1b[2J.csv: `} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the console lacks %q:\n%s", want, out.String())
		}
	}
}

// TestHeaderLineIsMasked: the quarantine export copies a file's first row as its header; in a
// file without a header that row is a person's record, and was copied in clear.
func TestHeaderLineIsMasked(t *testing.T) {
	drop := t.TempDir()
	if err := os.WriteFile(filepath.Join(drop, "t.csv"), []byte("联系人:张三丰,13812345678,370812198503120020\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := headerLine(drop, "t.csv"), "联系人:张**,138****5678,[身份证号已隐去]"; got != want {
		t.Errorf("headerLine = %q, want %q", got, want)
	}
}
