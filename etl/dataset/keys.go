package dataset

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// widenKey makes a per-file key unique across files: "town_ledger:YL-3" from
// drills/2024/370812001.csv becomes "town_ledger:drills/2024/370812001.csv#YL-3". Rows of
// incremental sources keep their key: there one system numbers the records.
func (d *Dataset) widenKey(rec *Record) {
	if d.KeyScope != KeyPerFile || !rec.Meta.FromFile {
		return
	}
	k := rec.index(d.Key)
	key := rec.cells[k].s
	prefix := rec.Meta.SourceSystem + ":"
	if len(key) >= len(prefix) && key[:len(prefix)] == prefix {
		key = key[len(prefix):]
	}
	rec.cells[k].s = prefix + rec.Meta.File + "#" + key
}

// futureCheck is what checkFuture needs, worked out once per table: the NotFuture columns and
// the last day and first following second that are not in the future.
type futureCheck struct {
	cols              []int
	lastDay, nextSecs int64 // days since 1970 (Date); Unix seconds (DateTime)
}

func (d *Dataset) newFutureCheck(runDay time.Time) futureCheck {
	if runDay.IsZero() {
		return futureCheck{}
	}
	f := futureCheck{cols: make([]int, len(d.NotFuture))}
	for i, name := range d.NotFuture {
		f.cols[i] = (&Record{d: d}).index(name)
	}
	y, m, dd := runDay.Date()
	f.lastDay = int64(arrow.Date32FromTime(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)))
	f.nextSecs = time.Date(y, m, dd+1, 0, 0, 0, 0, chinaZone).Unix()
	return f
}

// checkFuture refuses a NotFuture column whose value lies after the run's day in China time.
func (d *Dataset) checkFuture(rec *Record) *fieldError {
	f := &rec.future
	for _, i := range f.cols {
		c, col := rec.cells[i], &d.Columns[i]
		name := col.Name
		if c.null {
			continue
		}
		var shown string
		switch col.Kind {
		case Date, NullableDate:
			if c.i <= f.lastDay {
				continue
			}
			shown = arrow.Date32(c.i).ToTime().Format("2006-01-02")
		case DateTime, NullableDateTime:
			if c.i < f.nextSecs {
				continue
			}
			shown = time.Unix(c.i, 0).In(chinaZone).Format("2006-01-02 15:04:05")
		default:
			panic("dataset " + d.Name + ": NotFuture column " + name + " is not a date")
		}
		field := name
		if len(col.Headers) > 0 {
			field = col.Headers[0]
		}
		return &fieldError{field, fmt.Sprintf("日期在未来 (date in the future): %s=%s > 运行日 %s",
			name, shown, rec.Meta.RunDay.Format("2006-01-02"))}
	}
	return nil
}
