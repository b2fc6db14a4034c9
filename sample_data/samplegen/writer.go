package samplegen

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// textEnc is how a source system encodes a CSV file.
type textEnc int

const (
	encUTF8    textEnc = iota // plain UTF-8, LF line ends (Linux exports)
	encUTF8BOM                // Excel "CSV UTF-8": BOM and CRLF
	encGBK                    // Excel "CSV" on a Chinese Windows: GBK and CRLF
)

// csvBytes renders a header and rows as CSV in the given encoding.
func csvBytes(enc textEnc, header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = enc != encUTF8
	if err := w.Write(header); err != nil {
		return nil, err
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	switch enc {
	case encUTF8:
		return buf.Bytes(), nil
	case encUTF8BOM:
		return append([]byte("\xef\xbb\xbf"), buf.Bytes()...), nil
	case encGBK:
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes(buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("GBK cannot encode the data: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown encoding %d", enc)
}

// xlDate is a date written as a real Excel date: a serial number with a
// date number format.
type xlDate time.Time

// xlText forces a string cell even where the column holds numbers or dates,
// as when a clerk types "12,345.6" or "2024-02-30" into a numeric column.
type xlText string

// sheet is one worksheet: an optional title row merged across the columns
// above the header, the header, then the rows. Cell values are string,
// xlText, int, float64 or xlDate.
type sheet struct {
	name    string
	title   string
	header  []string
	rows    [][]any
	dateFmt string // number format for xlDate cells
	widths  map[int]float64
}

// xlsxBytes renders the sheets as one workbook.
func xlsxBytes(sheets ...sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDocProps(&excelize.DocProperties{
		Created:        xlsxTime,
		Modified:       xlsxTime,
		Creator:        "safetydw samplegen",
		LastModifiedBy: "safetydw samplegen",
		Language:       "zh-CN",
	}); err != nil {
		return nil, err
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return nil, err
		}
		if err := writeSheet(f, s); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeSheet streams the sheet's rows (excelize's StreamWriter): the in-memory cell API grew
// with the sheet and held the whole workbook as cells, minutes and gigabytes at scale 10.
func writeSheet(f *excelize.File, s sheet) error {
	sw, err := f.NewStreamWriter(s.name)
	if err != nil {
		return err
	}
	// Column widths go before the first row in a stream.
	for c := 1; c <= len(s.header); c++ {
		w, ok := s.widths[c]
		if !ok {
			w = 12
		}
		if err := sw.SetColWidth(c, c, w); err != nil {
			return err
		}
	}
	row := 1
	last, _ := excelize.ColumnNumberToName(len(s.header))
	if s.title != "" {
		st, err := f.NewStyle(&excelize.Style{
			Font:      &excelize.Font{Bold: true, Size: 14},
			Alignment: &excelize.Alignment{Horizontal: "center"},
		})
		if err != nil {
			return err
		}
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st, Value: s.title}}); err != nil {
			return err
		}
		if err := sw.MergeCell("A1", last+"1"); err != nil {
			return err
		}
		row++
	}
	hst, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	hdr := make([]any, len(s.header))
	for i, h := range s.header {
		hdr[i] = excelize.Cell{StyleID: hst, Value: h}
	}
	if err := sw.SetRow("A"+strconv.Itoa(row), hdr); err != nil {
		return err
	}
	dst := 0
	if s.dateFmt != "" {
		fm := s.dateFmt
		if dst, err = f.NewStyle(&excelize.Style{CustomNumFmt: &fm}); err != nil {
			return err
		}
	}
	cells := make([]any, 0, len(s.header))
	for _, r := range s.rows {
		row++
		cells = cells[:0]
		for c, v := range r {
			switch x := v.(type) {
			case nil:
				cells = append(cells, nil)
			case string:
				cells = append(cells, x)
			case xlText:
				cells = append(cells, string(x))
			case int:
				cells = append(cells, x)
			case float64:
				cells = append(cells, x)
			case xlDate:
				if dst == 0 {
					cell, _ := excelize.CoordinatesToCellName(c+1, row)
					return fmt.Errorf("date cell %s without a date format", cell)
				}
				cells = append(cells, excelize.Cell{StyleID: dst, Value: excelSerial(time.Time(x))})
			default:
				return fmt.Errorf("unsupported cell type %T", v)
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(row), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// excelSerial is the 1900 date system serial of a civil date. Day 0 is
// 1899-12-30 because Excel counts the non-existent 1900-02-29.
func excelSerial(d time.Time) float64 {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	dd := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return dd.Sub(base).Hours() / 24
}

// jsonLines renders values one JSON document per line. HTML escaping is off
// so that Chinese text and "&" stay readable, as API dumps show them.
func jsonLines[T any](xs []T) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, x := range xs {
		if err := enc.Encode(x); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// optDate renders an optional date for JSON: null when zero.
func optDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := ymd(t)
	return &s
}

// thousands formats v with two decimals and comma separators: 12,345.60.
func thousands(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// --- traps ----------------------------------------------------------------

// trap is one deliberate data-quality problem, listed in traps.csv so that
// ETL tests can check that each is quarantined, de-duplicated or flagged.
type trap struct {
	File   string // path relative to Out, with forward slashes
	Row    int    // 1-based physical line or row in the file, header (and title) included; 0 = whole file
	Key    string // natural key of the record, when it has one
	Kind   string
	Expect string // quarantine | dedupe | flag | map
	Detail string
}

func (g *gen) addTrap(t trap) { g.traps = append(g.traps, t) }

func (g *gen) writeTraps() error {
	sort.SliceStable(g.traps, func(i, j int) bool {
		a, b := g.traps[i], g.traps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Row < b.Row
	})
	rows := make([][]string, len(g.traps))
	for i, t := range g.traps {
		rows[i] = []string{t.File, strconv.Itoa(t.Row), t.Key, t.Kind, t.Expect, t.Detail}
	}
	b, err := csvBytes(encUTF8, []string{"file", "row", "key", "kind", "expect", "detail"}, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["traps"] = len(rows)
	return g.writeFile("traps.csv", b)
}
