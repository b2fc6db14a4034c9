package export_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"safetydw/queries/export"
	"safetydw/warehouse/warehousetest"
)

// hostile is what a hostile source file puts into text columns, read back from the server:
// formulas, a phone number with +, a text that is a plain number, a tab before a formula, a
// terminal escape sequence, and real negative numbers that must stay numbers.
const hostile = `
SELECT
    '=HYPERLINK("http://evil.example/","点我")' AS link,
    '+86 138 0000 0000' AS phone,
    '-3.5' AS text_number,
    toFloat64(-3.5) AS num,
    toInt32(-2) AS neg,
    '@SUM(A1:A9)' AS at,
    '\t=1+1' AS tab,
    'red\x1B[31mALERT\x1B[0m\x07' AS esc,
    '鼓楼街道' AS "=名称"`

func TestExportsNeutraliseFormulas(t *testing.T) {
	t.Parallel()
	res := queryResult(t, warehousetest.Empty(t), hostile)

	// CSV, worked out by hand: an apostrophe before every formula-like text; -3.5 as text is a
	// plain number Excel reads as a number, so it stays; real numbers stay as they are.
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, res, false); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"link", "phone", "text_number", "num", "neg", "at", "tab", "esc", "'=名称"},
		{`'=HYPERLINK("http://evil.example/","点我")`, "'+86 138 0000 0000", "-3.5", "-3.5", "-2", "'@SUM(A1:A9)", "'\t=1+1", "red\x1b[31mALERT\x1b[0m\a", "鼓楼街道"},
	}
	for r := range want {
		for c := range want[r] {
			if recs[r][c] != want[r][c] {
				t.Errorf("csv row %d column %d = %q, want %q", r, c, recs[r][c], want[r][c])
			}
		}
	}

	// XLSX: the text is kept as it is, as a text cell in the text number format, never a formula.
	buf.Reset()
	if err := export.WriteXLSX(&buf, res); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"A2", "B2", "F2", "G2", "I1"} {
		v, _ := f.GetCellValue(export.SheetName, cell)
		formula, _ := f.GetCellFormula(export.SheetName, cell)
		style, _ := f.GetCellStyle(export.SheetName, cell)
		st, err := f.GetStyle(style)
		if err != nil {
			t.Fatal(err)
		}
		if formula != "" || st.NumFmt != 49 || strings.HasPrefix(v, "'") {
			t.Errorf("xlsx %s = %q, formula %q, number format %d; want the text unchanged, no formula, format 49 (@)", cell, v, formula, st.NumFmt)
		}
	}
	if v, _ := f.GetCellValue(export.SheetName, "D2"); v != "-3.5" {
		t.Errorf("xlsx D2 = %q, want the number -3.5", v)
	}
	if typ, _ := f.GetCellType(export.SheetName, "D2"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("xlsx D2 is text (%v), want a number", typ)
	}

	// The terminal table shows the escape sequence and the bell as text, never the bytes.
	buf.Reset()
	if err := export.WriteTable(&buf, res); err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(buf.Bytes(), "\x1b\a") {
		t.Errorf("table output carries control bytes: %q", buf.String())
	}
	if !strings.Contains(buf.String(), `red\x1b[31mALERT\x1b[0m\x07`) {
		t.Errorf("table output lacks the escaped value:\n%s", buf.String())
	}
}

func TestNeutralizeCSVLine(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`1,鼓楼街道,2025-03-01`:               `1,鼓楼街道,2025-03-01`, // nothing to do: byte for byte
		`D1,=1+2,-3.5,"x,y"`:              `D1,'=1+2,-3.5,"x,y"`,
		`"=cmd|' /C calc'!A0",@x,+1,-`:    `'=cmd|' /C calc'!A0,'@x,+1,'-`,
		`a,b"c,=d`:                        `a,"b""c",'=d`, // a stray quote, read leniently
		"=only one field":                 "'=only one field",
		`"unterminated,=x`:                `"unterminated,=x`, // one quoted field to the end, as Excel reads it too,
		`plain "quoted" text,=SUM(A1:A2)`: `"plain ""quoted"" text",'=SUM(A1:A2)`,
	}
	for in, want := range cases {
		if got := export.NeutralizeCSVLine(in); got != want {
			t.Errorf("NeutralizeCSVLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPrintable(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"鼓楼街道 ok":                 "鼓楼街道 ok",
		"a\x1b[2Jb":               `a\x1b[2Jb`,
		"line\nnext\r\tx":         `line\nnext\r\tx`,
		"del\x7f c1\u009b":        `del\x7f c1\x9b`,
		"abc\u202egnp.exe":        `abc\u202egnp.exe`,
		"isolate\u2066x\u2069end": `isolate\u2066x\u2069end`,
	}
	for in, want := range cases {
		if got := export.Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTerminal: the console keeps its line breaks, and nothing else of a value reaches it raw.
func TestTerminal(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	fmt.Fprintln(export.Terminal(&b), "隔离 red\x1b[31m.csv 第 2 行\nnext\tline\r")
	if want := "隔离 red\\x1b[31m.csv 第 2 行\nnext\\tline\\r\n"; b.String() != want {
		t.Errorf("Terminal wrote %q, want %q", b.String(), want)
	}
}
