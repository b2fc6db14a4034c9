package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// SheetName is the one sheet an exported workbook has.
const SheetName = "查询结果"

// maxSheetRows is Excel's row limit, header included.
const maxSheetRows = 1048576

// WriteXLSX writes a workbook with one sheet: a bold header row, then the rows. Numbers stay
// numbers and dates stay dates, so analysts can sum and filter at once.
func WriteXLSX(w io.Writer, r *Result) error {
	if len(r.Rows)+1 > maxSheetRows {
		return fmt.Errorf("%d rows do not fit in one Excel sheet (超出 Excel 行数上限 %d); use --format csv or parquet", len(r.Rows), maxSheetRows-1)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	dateTimeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateTimeFmt})
	if err != nil {
		return err
	}
	// A string cell is never calculated when the workbook opens, but Excel would turn
	// "=HYPERLINK(…)" into a formula as soon as someone edits the cell. The text number format
	// ("@", built-in 49) keeps it text; the value itself stays as the query returned it.
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}

	// Decimals keep their scale on screen (12.50, not 12.5), as the query showed them.
	decimalStyles := map[int]int{}
	for _, c := range r.Columns {
		if _, ok := decimalStyles[c.Scale]; c.Kind != KindDecimal || ok {
			continue
		}
		numFmt := "0"
		if c.Scale > 0 {
			numFmt += "." + strings.Repeat("0", c.Scale)
		}
		if decimalStyles[c.Scale], err = f.NewStyle(&excelize.Style{CustomNumFmt: &numFmt}); err != nil {
			return err
		}
	}

	// Column widths must be set before the first row; the first rows are a good enough sample.
	for i, c := range r.Columns {
		wd := DisplayWidth(c.Name)
		for _, row := range r.Rows[:min(len(r.Rows), 1000)] {
			wd = max(wd, DisplayWidth(Text(c, row[i])))
		}
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(wd, 8), 60)+2)); err != nil {
			return err
		}
	}

	header := make([]any, len(r.Columns))
	for i, c := range r.Columns {
		header[i] = excelize.Cell{StyleID: bold, Value: c.Name}
		if Formulaic(c.Name) {
			boldText, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
			if err != nil {
				return err
			}
			header[i] = excelize.Cell{StyleID: boldText, Value: c.Name}
		}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{}); err != nil {
		return err
	}
	cells := make([]any, len(r.Columns))
	for n, row := range r.Rows {
		for i, v := range row {
			c := r.Columns[i]
			switch x := v.(type) {
			case nil:
				cells[i] = nil
			case decimal.Decimal:
				// Excel keeps numbers as float64; Decimal(18,2) amounts fit exactly enough.
				cells[i] = excelize.Cell{StyleID: decimalStyles[c.Scale], Value: x.InexactFloat64()}
			case time.Time:
				style := dateTimeStyle
				if c.Kind == KindDate {
					style = dateStyle
				}
				// Excel has no time zones: write the wall clock the query showed.
				wall := time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
				cells[i] = excelize.Cell{StyleID: style, Value: wall}
			case string:
				cells[i] = v
				if Formulaic(x) {
					cells[i] = excelize.Cell{StyleID: textStyle, Value: x}
				}
			default:
				cells[i] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
