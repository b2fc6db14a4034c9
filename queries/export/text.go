package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"
	"golang.org/x/text/width"
)

// utf8BOM makes Excel read a CSV as UTF-8; without it Excel on a Chinese Windows assumes GBK.
const utf8BOM = "\ufeff"

// WriteCSV writes a header row and one line per row. NULL is an empty field. Text that a
// spreadsheet would run as a formula gets an apostrophe in front (NeutralizeFormula); numbers
// of numeric columns are written as they are, negative ones included.
func WriteCSV(w io.Writer, r *Result, bom bool) error {
	if bom {
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	rec := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		rec[i] = NeutralizeFormula(c.Name)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, row := range r.Rows {
		for i, v := range row {
			rec[i] = Text(r.Columns[i], v)
			if _, text := v.(string); text {
				rec[i] = NeutralizeFormula(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes an array with one object per row, keys in the column order of the query
// (a Go map would sort them).
func WriteJSON(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	keys := make([][]byte, len(r.Columns))
	for i, c := range r.Columns {
		k, err := json.Marshal(c.Name)
		if err != nil {
			return err
		}
		keys[i] = k
	}
	bw.WriteString("[")
	for n, row := range r.Rows {
		if n > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n  {")
		for i, v := range row {
			if i > 0 {
				bw.WriteString(", ")
			}
			bw.Write(keys[i])
			bw.WriteString(": ")
			val, err := jsonValue(r.Columns[i], v)
			if err != nil {
				return err
			}
			bw.Write(val)
		}
		bw.WriteString("}")
	}
	if len(r.Rows) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

func jsonValue(c Column, v any) ([]byte, error) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return []byte("null"), nil // JSON has no NaN or Infinity
		}
		return []byte(formatFloat(x)), nil
	case decimal.Decimal:
		return []byte(x.StringFixed(int32(c.Scale))), nil // exact, as a JSON number
	case time.Time:
		return json.Marshal(Text(c, x))
	}
	return json.Marshal(v)
}

// WriteTable writes an aligned table for the terminal. Widths count Chinese characters as two
// columns, as terminals draw them; numbers are right-aligned.
func WriteTable(w io.Writer, r *Result) error {
	cells := make([][]string, 0, len(r.Rows)+1)
	widths := make([]int, len(r.Columns))
	header := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		header[i] = tableCell(c.Name)
		widths[i] = DisplayWidth(header[i])
	}
	cells = append(cells, header)
	for _, row := range r.Rows {
		line := make([]string, len(row))
		for i, v := range row {
			if v == nil {
				line[i] = "NULL"
			} else {
				line[i] = tableCell(Text(r.Columns[i], v))
			}
			widths[i] = max(widths[i], DisplayWidth(line[i]))
		}
		cells = append(cells, line)
	}
	bw := bufio.NewWriter(w)
	for n, line := range cells {
		for i, s := range line {
			if i > 0 {
				bw.WriteString(" | ")
			}
			pad := strings.Repeat(" ", widths[i]-DisplayWidth(s))
			right := n > 0 && isNumeric(r.Columns[i].Kind)
			last := i == len(line)-1
			switch {
			case right:
				bw.WriteString(pad + s)
			case last:
				bw.WriteString(s) // no trailing blanks
			default:
				bw.WriteString(s + pad)
			}
		}
		bw.WriteString("\n")
		if n == 0 {
			for i, wd := range widths {
				if i > 0 {
					bw.WriteString("-+-")
				}
				bw.WriteString(strings.Repeat("-", wd))
			}
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

func isNumeric(k Kind) bool {
	return k == KindInt || k == KindUint || k == KindFloat || k == KindDecimal
}

// tableCell keeps a value on one line so the columns stay aligned, and lets no control
// character reach the terminal.
func tableCell(s string) string { return Printable(s) }

// DisplayWidth is how many terminal columns s takes: East Asian wide and full-width characters
// (汉字 and full-width punctuation such as ，and （）) take two, combining marks and format
// characters none. East Asian "ambiguous" characters such as the curly quotes “ ” take one, as
// in most terminal emulators' default setting.
func DisplayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case width.LookupRune(r).Kind() == width.EastAsianWide, width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
