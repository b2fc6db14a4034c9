package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"
)

// Spreadsheets run a cell that starts with = + - or @ as a formula (and tab or CR before one
// of them), so a value such as =HYPERLINK("http://…") or =cmd|' /C calc'!A0 in a source file
// would act when a steward opens the export in Excel (OWASP "CSV injection").
const formulaStarts = "=+-@\t\r"

// plainNumber is a number Excel reads as a number, not a formula: -3.5, +86, 1e-3.
var plainNumber = regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`)

// Formulaic says whether a spreadsheet would read text as a formula.
func Formulaic(s string) bool {
	return s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 && !plainNumber.MatchString(s)
}

// NeutralizeFormula prefixes a formula-like text with an apostrophe, the usual way to make a
// spreadsheet show it as text. Plain numbers (-3.5) are left as they are.
func NeutralizeFormula(s string) string {
	if Formulaic(s) {
		return "'" + s
	}
	return s
}

// NeutralizeCSVLine neutralises each field of one CSV record as it was received (a quarantined
// row's raw text). A line without a formula-like field comes back byte for byte; one that is
// not valid CSV (a stray quote) is read leniently, so its fields are still made safe.
func NeutralizeCSVLine(line string) string {
	fields, err := readRecord(line, false)
	if err != nil {
		if fields, err = readRecord(line, true); err != nil {
			return NeutralizeFormula(line)
		}
	}
	changed := false
	for i, f := range fields {
		if n := NeutralizeFormula(f); n != f {
			fields[i], changed = n, true
		}
	}
	if !changed {
		return line
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(fields)
	w.Flush()
	return strings.TrimRight(b.String(), "\n")
}

func readRecord(line string, lazy bool) ([]string, error) {
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord, r.LazyQuotes = -1, lazy
	rec, err := r.Read()
	if err != nil {
		return nil, err
	}
	if _, err := r.Read(); err == nil {
		return nil, fmt.Errorf("more than one record")
	}
	return rec, nil
}

// Printable makes text safe to print on a terminal: line breaks and tabs are shown as \n \r
// \t (they would break a table's alignment), and every other control character, including
// the ESC that starts terminal escape sequences, and the bidirectional overrides that reorder
// what a reader sees, as \x1b or \u202e. Everything else, Chinese included, is kept.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x100 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Terminal wraps the writer of a terminal (stderr): every line written through it passes
// Printable, its line breaks kept. Each write is escaped on its own, so it should hold whole
// lines, as fmt.Fprintln writes them.
func Terminal(w io.Writer) io.Writer { return terminal{w} }

type terminal struct{ w io.Writer }

func (t terminal) Write(p []byte) (int, error) {
	lines := strings.Split(string(p), "\n")
	for i, l := range lines {
		lines[i] = Printable(l)
	}
	if _, err := io.WriteString(t.w, strings.Join(lines, "\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// unsafeRune: C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate
// characters (U+202A–U+202E, U+2066–U+2069).
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
