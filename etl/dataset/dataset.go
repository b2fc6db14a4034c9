// Package dataset declares what each source dataset looks like (its columns, the headers
// source files use for them, how each value is parsed) and turns file rows into Arrow
// record batches. A row that fails any check is not dropped: it becomes a Reject that
// names the row, the field and the reason, with the row's raw text.
package dataset

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"safetydw/etl/normalize"
	"safetydw/etl/source"
)

// Kind is the warehouse type of a column.
type Kind int

const (
	String Kind = iota
	Date
	NullableDate
	DateTime // timestamp in seconds; text without a zone is China time
	UInt8    // a yes/no flag (是/否, √, 1/0)
	Code8    // a small code number, 0 to 255, stored as UInt8
	UInt16
	UInt32
	UInt64
	Float32
	Float64
	StringList // Array(String): a JSON array or text joined with 、 , ; (tags, modes, measures)
	// NullableDateTime is a timestamp that may not have happened yet (accepted, verified…);
	// an empty cell is NULL.
	NullableDateTime
)

// Column is one warehouse column of a dataset.
type Column struct {
	Name     string
	Kind     Kind
	Headers  []string // header words source files use; none means Finish derives the value
	Required bool     // an empty cell is an error
	// Parse overrides the default parser of the kind. It returns a value of the kind's Go type
	// (string, time.Time, *time.Time, time.Time for DateTime, uint8, uint16, uint32, uint64,
	// float32, float64, []string for StringList, *time.Time for NullableDateTime). It also
	// sees empty cells of optional columns.
	Parse func(string) (any, error)
	// PII declares the personal data a column may hold; the transform masks it before Parse,
	// so the table, the quarantine and the archive never hold it in clear.
	PII PII
}

// PII is what personal data a column holds, and so how its values are stored.
type PII int

const (
	NoPII PII = iota
	// FreeText: remarks, addresses, parties. ID numbers, phones, landlines and labelled names
	// in it are masked (normalize.RedactPII); the rest stays readable.
	FreeText
	// PersonName: a person's name, stored as 张** (normalize.MaskName).
	PersonName
	// Phone: a phone number, stored as 138****5678 (normalize.MaskPhone).
	Phone
	// IDNumber: a 公民身份号码, stored as the salted person_key (normalize.PersonKey); a dataset
	// with one needs SAFETYDW_PII_SALT.
	IDNumber
)

// mask turns a cell of the column into what may be stored.
func (p PII) mask(v string) (string, error) {
	switch p {
	case FreeText:
		return normalize.RedactPII(v), nil
	case PersonName:
		return normalize.MaskName(v), nil
	case Phone:
		return normalize.MaskPhone(v), nil
	case IDNumber:
		return normalize.PersonKey(v)
	}
	return v, nil
}

// hasPersonColumns reports whether a column holds names, phones or ID numbers as a whole.
func (d *Dataset) hasPersonColumns() bool {
	return slices.ContainsFunc(d.Columns, func(c Column) bool { return c.PII > FreeText })
}

// MakesPersonKeys reports whether the dataset stores person keys, so loading it needs the salt.
func (d *Dataset) MakesPersonKeys() bool {
	return slices.ContainsFunc(d.Columns, func(c Column) bool { return c.PII == IDNumber })
}

// Dataset is a self-describing source dataset: where its rows go and how to read them.
type Dataset struct {
	Name        string
	Table       string
	Description string
	Columns     []Column
	// Finish derives columns from parsed ones and checks rules across fields.
	Finish func(r *Record) error
	// Key names the column holding the natural key. Within a batch, a second row with the
	// same key and the same text is a re-sent copy (loaded, and deduplicated by the table);
	// with different text it is a conflict, refused so that nobody's data wins silently.
	Key string
	// KeyWith names further columns that make up the natural key with Key (a ledger's type
	// with its item number, a mine with the month): String, Date or DateTime columns.
	KeyWith []string
	// KeyScope says how far Key reaches beyond one file (see KeyScope).
	KeyScope KeyScope
	// UpdatedAt names the column in which the source system stamps each change of a record
	// (the platform's updated_at): rows of one key with different stamps are successive
	// states of the record, not a conflict between sources.
	UpdatedAt string
	// NotFuture names the date and time columns of things that have happened (a reading
	// taken, a drill held, a hazard found or closed): a value after the run's day (China
	// time) is refused. Plan dates (deadlines, due dates) are not listed and may lie ahead.
	NotFuture []string
}

// KeyScope is how far a dataset's natural key reaches.
type KeyScope int

const (
	// KeyGlobal: the key names one record across every file and source of the system
	// (platform hazard ids, credit codes). A key loaded before from another file with
	// different content is quarantined as a conflict (etl's key check), never overwritten.
	KeyGlobal KeyScope = iota
	// KeyPerFile: the key is only a submitter's own numbering (a town's Excel 1…30), so for
	// rows from files it is widened by the file's path: two towns' drill 1 are two drills.
	KeyPerFile
)

// Meta is what the runner knows about the rows' origin.
type Meta struct {
	SourceSystem string
	File         string
	Version      uint64
	// FromFile says the rows come from a file of the drop folder (not an API page or a query
	// chunk, whose rows are updates of one system's records): File then names their origin.
	FromFile bool
	// RunDay is the run's day in China time; NotFuture dates after it are refused. The zero
	// value checks nothing (a replay or a bench without a run).
	RunDay time.Time
	// Chunked says the rows are one chunk of a file read in several: Transform then keeps what
	// CheckFileKeys needs of each loaded row; a file read whole needs none of it.
	Chunked bool
}

// Reject is a row that could not be loaded.
type Reject struct {
	Row    int
	Field  string
	Reason string
	Raw    string
}

func (r Reject) Error() string {
	return fmt.Sprintf("row %d field %s: %s", r.Row, r.Field, r.Reason)
}

// Result is what a table turned into.
type Result struct {
	Records []arrow.RecordBatch // release each when done
	Rejects []Reject
	Read    int // data rows read (header and title rows excluded)
	Loaded  int
	Ignored []string // source headers no column uses
	// Err says the table as a whole does not fit the dataset (no header row, a required column
	// missing, a column named twice): nothing of it is loaded or quarantined, for a whole file
	// refused row by row would count as loaded and be skipped once the cause is fixed.
	Err error

	// What CheckFileKeys needs of the loaded rows, in their order in Records.
	keyRows  []keyRow
	keyField string
	colFor   []int
}

// Release frees the Arrow memory of the result.
func (r *Result) Release() {
	for _, rec := range r.Records {
		rec.Release()
	}
	r.Records = nil
}

// BatchRows bounds the size of one record batch.
const BatchRows = 131072

// HeaderScan is how many rows from the top may hold the header (titles stand above it).
const HeaderScan = 10

// Transform reads every data row of t. Rows that pass go into record batches; the others
// become rejects, so Read == Loaded + len(Rejects) always. A table whose header does not fit
// the dataset reads nothing and sets Err.
func (d *Dataset) Transform(t *source.Table, meta Meta) *Result {
	res := &Result{}
	if t.Lines.Rows > 0 && !d.ReadsLines() {
		linesToRows(t) // read as rows then: keyRows point into t.Rows
	}
	if len(t.Head)+len(t.Rows)+t.Lines.Rows == 0 {
		// An empty file or sheet is recorded, so a town that sent nothing is visible.
		res.Read = 1
		res.Rejects = []Reject{{Row: 0, Field: "文件", Reason: "文件为空 (empty file or sheet)"}}
		return res
	}
	// The header is among the first rows: of the chunk itself, or, for a later chunk of a
	// large file, of the file's head, in which case every row of the chunk is data.
	scan, rows := t.Rows, t.Rows
	if len(t.Head) > 0 {
		scan = t.Head
	}
	headerAt, colFor, bad := d.findHeader(scan)
	if headerAt < 0 {
		res.Err = fmt.Errorf("前 %d 行中找不到数据集 %s 的表头行 (no header row with the columns of dataset %s among the first %d rows: %s)",
			HeaderScan, d.Name, d.Name, HeaderScan, strings.Join(d.headerWords(), "、"))
		return res
	}
	header := scan[headerAt]
	if bad != nil {
		res.Err = fmt.Errorf("第 %d 行表头 (header row %d): %s", header.Num, header.Num, bad.reason)
		return res
	}
	for i, h := range header.Values {
		if h != "" && colFor[i] < 0 {
			res.Ignored = append(res.Ignored, h)
		}
	}
	if len(t.Head) == 0 {
		rows = t.Rows[headerAt+1:]
	}
	b := newBuilder(d, len(rows)+t.Lines.Rows)
	defer b.release()
	b.reserveText(d, textSample(rows, t.Lines), len(rows)+t.Lines.Rows, colFor, meta)
	rec := &Record{d: d, cells: make([]cell, len(d.Columns)), filled: make([]uint64, len(d.Columns)), Meta: meta}
	for i, c := range d.Columns {
		if len(c.Headers) == 0 {
			rec.derived = append(rec.derived, i)
		} else {
			rec.sourced = append(rec.sourced, i)
		}
	}
	rec.future = d.newFutureCheck(meta.RunDay)
	origin := d.originColumns()
	for _, i := range rec.derived {
		if i != origin.version && i != origin.file && i != origin.row {
			rec.cleared = append(rec.cleared, i)
		}
	}
	keys := d.newKeyCheck()
	keep := keys != nil && meta.Chunked // keyRows for CheckFileKeys
	if keep {
		res.keyField, res.colFor = keys.field, colFor
		res.keyRows = make([]keyRow, 0, len(rows))
	}
	first := len(t.Rows) - len(rows) // index in t.Rows of rows[0]
	width := len(header.Values)
	// A row must reach the header's last named column: one that stops short was cut off (a
	// truncated re-drop would otherwise overwrite good values with its cut ones). Sheets and
	// JSON give every row the full width, so this only refuses CSV rows that lack fields.
	need := width
	for need > 0 && header.Values[need-1] == "" {
		need--
	}
	// take reads one row: into the batch, or as a reject.
	take := func(row source.Row, pos int) {
		res.Read++
		rec.Row = row.Num
		reject := func(field, reason string) {
			res.Rejects = append(res.Rejects, Reject{Row: row.Num, Field: field, Reason: normalize.RedactPII(reason), Raw: d.rejectText(row, colFor)})
		}
		if row.Values == nil {
			field, reason := "行", "无法解析的记录 (unparsable record)"
			if b := row.Broken; b != nil {
				reason = b.Reason
				if b.Field >= 0 && b.Field < width && header.Values[b.Field] != "" {
					field = header.Values[b.Field]
				}
			}
			reject(field, reason)
			return
		}
		if extra := filledBeyond(row.Values, width); extra > 0 {
			reject("行", fmt.Sprintf("本行比表头多 %d 个值，可能有未加引号的逗号 (%d more values than the header: an unquoted comma?)", extra, extra))
			return
		}
		if n := len(row.Values); n < need {
			reject("行", fmt.Sprintf("字段数少于表头，可能被截断 (row has %d fields, header has %d: cut off?)", n, need))
			return
		}
		if err := d.parseRow(rec, row, colFor, origin); err != nil {
			reject(err.field, err.reason)
			return
		}
		kr, err := keys.check(rec, row, keep)
		if err != nil {
			reject(err.field, err.reason)
			return
		}
		if keep {
			kr.pos = pos
			res.keyRows = append(res.keyRows, kr)
		}
		b.add(rec.cells)
		res.Loaded++
		if b.rows == BatchRows {
			res.Records = append(res.Records, b.flush())
		}
	}
	for n, row := range rows {
		take(row, first+n)
	}
	if t.Lines.Rows > 0 {
		// Only a dataset that ReadsLines gets here (see linesToRows), and it keeps no keyRows.
		fast := d.newLineReader(rec, colFor, width, origin)
		lr := t.Lines.Reader()
		for num, line, ok := lr.Next(); ok; num, line, ok = lr.Next() {
			rec.Row = num
			if !fast.read(line, num) {
				// Not certain to load as read: the row goes the way of every other row.
				take(source.Row{Num: num, Values: source.Fields(line)}, -1)
				continue
			}
			res.Read++
			b.addLine(rec.cells, fast, line)
			res.Loaded++
			if b.rows == BatchRows {
				res.Records = append(res.Records, b.flush())
			}
		}
	}
	if b.rows > 0 {
		res.Records = append(res.Records, b.flush())
	}
	return res
}

// rejectText is a rejected row's text for the quarantine, rebuilt from its cells with the
// declared personal columns masked (an ID number or name is never kept, even a malformed one),
// then through normalize.RedactPII for what free text and undeclared columns hold.
func (d *Dataset) rejectText(row source.Row, colFor []int) string {
	if row.Values == nil || !d.hasPersonColumns() {
		return normalize.RedactPII(row.RawText())
	}
	vals := make([]string, len(row.Values))
	for i, v := range row.Values {
		if i < len(colFor) && colFor[i] >= 0 && d.Columns[colFor[i]].PII > FreeText {
			v = normalize.MaskName(v)
		}
		vals[i] = v
	}
	return normalize.RedactPII(source.Row{Values: vals}.RawText())
}

// findHeader returns the index of the header row among the first rows (titles may sit above
// it) and the column index for each cell of it. A header that lacks a required column or
// names one twice is described by the returned error.
func (d *Dataset) findHeader(rows []source.Row) (int, []int, *fieldError) {
	best, bestHits := -1, 0
	var bestMap []int
	for i := 0; i < len(rows) && i < HeaderScan; i++ {
		colFor, hits := d.matchHeader(rows[i].Values)
		if hits > bestHits {
			best, bestHits, bestMap = i, hits, colFor
		}
	}
	// A row naming every required column, or half of all named columns, is the header;
	// fewer is a title or a data row. (API records often carry only the required fields.)
	if best < 0 || (bestHits*2 < len(d.headerWords()) && !d.hasRequired(bestMap)) {
		return -1, nil, nil
	}
	found := map[int]bool{}
	for i, c := range bestMap {
		if c < 0 {
			continue
		}
		if found[c] {
			h := rows[best].Values[i]
			return best, bestMap, &fieldError{h, "表头中“" + h + "”列重复，无法确定取哪一列 (the header names this column twice)"}
		}
		found[c] = true
	}
	var missing []string
	for i, c := range d.Columns {
		if c.Required && len(c.Headers) > 0 && !found[i] {
			missing = append(missing, c.Headers[0])
		}
	}
	if len(missing) > 0 {
		return best, bestMap, &fieldError{missing[0], "文件缺少必填列 " + strings.Join(missing, "、") + " (missing column)"}
	}
	return best, bestMap, nil
}

func (d *Dataset) hasRequired(colFor []int) bool {
	found := map[int]bool{}
	for _, c := range colFor {
		found[c] = true
	}
	for i, c := range d.Columns {
		if c.Required && len(c.Headers) > 0 && !found[i] {
			return false
		}
	}
	return true
}

// filledBeyond counts the non-empty cells past the header's width.
func filledBeyond(vals []string, width int) int {
	n := 0
	for i := width; i < len(vals); i++ {
		if vals[i] != "" {
			n++
		}
	}
	return n
}

// keyCheck remembers each key's row text within a batch (see Dataset.Key).
type keyCheck struct {
	col   int
	with  []int // KeyWith columns
	stamp int   // the UpdatedAt column, or -1
	field string
	seen  map[string]keySeen
}

type keySeen struct {
	text  uint64 // the row's values, hashed (rowHash)
	row   int
	stamp int64
}

func (d *Dataset) newKeyCheck() *keyCheck {
	if d.Key == "" {
		return nil
	}
	for i, c := range d.Columns {
		if c.Name == d.Key {
			field := c.Name
			for _, k := range d.Columns {
				if len(k.Headers) > 0 && (k.Name == c.Name || k.Name == "src_id") {
					field = k.Headers[0]
					break
				}
			}
			stamp := -1
			if d.UpdatedAt != "" {
				stamp = (&Record{d: d}).index(d.UpdatedAt)
			}
			with := make([]int, len(d.KeyWith))
			for j, name := range d.KeyWith {
				with[j] = (&Record{d: d}).index(name)
			}
			return &keyCheck{col: i, with: with, stamp: stamp, field: field, seen: map[string]keySeen{}}
		}
	}
	panic("dataset " + d.Name + " has no key column " + d.Key)
}

// check compares the row's key with the chunk's rows before it, and with hashed returns what
// the check across the file's chunks needs of it (CheckFileKeys).
func (k *keyCheck) check(rec *Record, row source.Row, hashed bool) (keyRow, *fieldError) {
	if k == nil {
		return keyRow{}, nil
	}
	key := rec.cells[k.col].s
	for _, j := range k.with {
		key += " " + rec.text(j)
	}
	text := rowHash(row.Values)
	var stamp int64
	if k.stamp >= 0 {
		stamp = rec.cells[k.stamp].i
	}
	kr := keyRow{key: key, stamp: stamp, row: row.Num}
	if hashed {
		kr.hash, kr.text = maphash.String(keySeed, key), text
	}
	if prev, ok := k.seen[key]; ok {
		if prev.text == text {
			return kr, nil
		}
		if prev.stamp != stamp {
			// Two states of one record, stamped by the source: the table keeps the newer.
			k.seen[key] = keySeen{text: text, row: row.Num, stamp: stamp}
			return kr, nil
		}
		return kr, &fieldError{k.field, duplicateKey(key, prev.row)}
	}
	k.seen[key] = keySeen{text: text, row: row.Num, stamp: stamp}
	return kr, nil
}

func duplicateKey(key string, first int) string {
	return fmt.Sprintf("编号 %s 与第 %d 行重复但内容不同 (duplicate key with different content; first at row %d)", key, first, first)
}

// keySeed hashes keys and row texts for FileKeys; one per process, as FileKeys lives in one.
var keySeed = maphash.MakeSeed()

// rowHash hashes a row's values as the text they join to with \x1f, without building it: two
// rows of one key are copies when their hashes match (a 64-bit hash: a false match is ~2⁻⁶⁴).
func rowHash(vals []string) uint64 {
	var h maphash.Hash
	h.SetSeed(keySeed)
	for i, v := range vals {
		if i > 0 {
			h.WriteByte(0x1f)
		}
		h.WriteString(v)
	}
	return h.Sum64()
}

// keyRow is a loaded row's key, text and stamp, hashed, for the check across a file's chunks.
type keyRow struct {
	key        string
	hash, text uint64
	stamp      int64
	row, pos   int // the row's number in the file, and its index in the chunk's Table.Rows
}

// CheckFileKeys compares the loaded rows of a chunk with the earlier chunks of its file, as the
// chunk's own check compared its rows (same key and text: a copy; another UpdatedAt stamp: a
// newer state; otherwise a conflict). Conflicting rows become rejects of res, and their
// indices among the loaded rows (in Records order) are returned, for the caller to drop from
// the records (and the count of loaded rows). Call it for every chunk of a file (transformed
// with Meta.Chunked), in order.
func (d *Dataset) CheckFileKeys(f *FileKeys, t *source.Table, res *Result) []int {
	if len(res.keyRows) == 0 {
		return nil
	}
	var drop []int
	for i, kr := range res.keyRows {
		s, j, ok := f.slot(kr.hash, len(res.keyRows))
		prev := s.at(j)
		switch {
		case !ok || prev.stamp != kr.stamp:
			s.set(j, kr.hash, fileKey{text: kr.text, stamp: kr.stamp, row: kr.row})
		case prev.text != kr.text:
			row := t.Rows[kr.pos]
			res.Rejects = append(res.Rejects, Reject{Row: kr.row, Field: res.keyField,
				Reason: normalize.RedactPII(duplicateKey(kr.key, prev.row)), Raw: d.rejectText(row, res.colFor)})
			drop = append(drop, i)
		}
	}
	res.keyRows = nil
	return drop
}

func (d *Dataset) matchHeader(cells []string) ([]int, int) {
	colFor := make([]int, len(cells))
	hits := 0
	for i, cell := range cells {
		colFor[i] = -1
		key := strings.Join(strings.Fields(cell), "")
		for j, c := range d.Columns {
			for _, h := range c.Headers {
				if key == h {
					colFor[i] = j
				}
			}
		}
		if colFor[i] >= 0 {
			hits++
		}
	}
	return colFor, hits
}

func (d *Dataset) headerWords() []string {
	var w []string
	for _, c := range d.Columns {
		if len(c.Headers) > 0 {
			w = append(w, c.Headers[0])
		}
	}
	return w
}

type fieldError struct{ field, reason string }

// origin holds the indexes of the bookkeeping columns every dataset may declare; the
// transform fills them itself, so datasets need no code for them.
type origin struct{ version, file, row int }

func (d *Dataset) originColumns() origin {
	o := origin{-1, -1, -1}
	for i, c := range d.Columns {
		switch {
		case c.Name == "_version" && c.Kind == UInt64:
			o.version = i
		case c.Name == "source_file" && c.Kind == String:
			o.file = i
		case c.Name == "source_row" && c.Kind == UInt32:
			o.row = i
		}
	}
	return o
}

func (d *Dataset) parseRow(rec *Record, row source.Row, colFor []int, o origin) *fieldError {
	// Cells with a source column are written below whether filled or not; only the ones
	// Finish derives must be cleared of the previous row's values.
	for _, i := range rec.cleared {
		rec.cells[i] = cell{}
	}
	if o.version >= 0 {
		rec.cells[o.version].u = rec.Meta.Version
	}
	if o.file >= 0 {
		rec.cells[o.file].s = rec.Meta.File
	}
	if o.row >= 0 {
		rec.cells[o.row].u = uint64(row.Num)
	}
	rec.stamp++ // a column is filled in this row when its mark equals the stamp
	for i, v := range row.Values {
		if i >= len(colFor) || colFor[i] < 0 {
			continue
		}
		j := colFor[i]
		c := &d.Columns[j]
		if v == "" {
			continue // checked below with the columns the row lacks
		}
		var err error
		if c.PII != NoPII {
			if v, err = c.PII.mask(v); err != nil {
				return &fieldError{c.Headers[0], err.Error()}
			}
		}
		if c.Parse != nil {
			var x any
			if x, err = c.Parse(v); err == nil {
				rec.cells[j], err = fromAny(c.Kind, x)
			}
		} else {
			err = parseInto(&rec.cells[j], c.Kind, v, &rec.days)
		}
		if err != nil {
			return &fieldError{c.Headers[0], err.Error()}
		}
		rec.filled[j] = rec.stamp
	}
	for _, j := range rec.sourced {
		if rec.filled[j] == rec.stamp {
			continue
		}
		c := &d.Columns[j]
		if c.Required {
			return &fieldError{c.Headers[0], "必填项为空 (required value is empty)"}
		}
		rec.cells[j] = cell{}
		if c.Parse != nil {
			// An empty cell still goes through a custom parser, which may reject it or map it.
			x, err := c.Parse("")
			if err == nil {
				rec.cells[j], err = fromAny(c.Kind, x)
			}
			if err != nil {
				return &fieldError{c.Headers[0], err.Error()}
			}
		} else if c.Kind == NullableDate || c.Kind == NullableDateTime {
			rec.cells[j].null = true
		}
	}
	if err := d.checkFuture(rec); err != nil {
		return err
	}
	if d.Finish != nil {
		if err := d.Finish(rec); err != nil {
			if fe, ok := err.(*FieldError); ok {
				return &fieldError{fe.Field, fe.Reason}
			}
			return &fieldError{"行", err.Error()}
		}
	}
	d.widenKey(rec)
	return nil
}

// FieldError lets Finish blame one field.
type FieldError struct{ Field, Reason string }

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Record is the row being built; Finish reads and sets its columns by name.
type Record struct {
	d       *Dataset
	cells   []cell
	filled  []uint64 // per column: the stamp of the last row that filled it
	stamp   uint64
	sourced []int // columns read from the source
	derived []int // columns without a source header
	// cleared: the derived columns each row starts empty, all but the bookkeeping ones the
	// transform sets on every row anyway (origin): a cell holds a string, and zeroing it
	// costs a write barrier while the collector runs.
	cleared []int
	days    dayCache
	future  futureCheck
	Row     int
	Meta    Meta
}

// index finds a column by name. Finish functions call it several times a row: the columns are
// read in place, not copied out one by one (a Column is a dozen words).
func (r *Record) index(name string) int {
	cols := r.d.Columns
	for i := range cols {
		if cols[i].Name == name {
			return i
		}
	}
	panic("dataset " + r.d.Name + " has no column " + name)
}

// Get returns the parsed value of a column as the Go type of its kind.
func (r *Record) Get(name string) any {
	i := r.index(name)
	return r.cells[i].value(r.d.Columns[i].Kind)
}

// Time returns a Date or DateTime column (nullable or not) and whether it holds a value; it is
// Get without the boxing, for the Finish functions of the big sources.
func (r *Record) Time(name string) (time.Time, bool) {
	i := r.index(name)
	c := r.cells[i]
	if c.null {
		return time.Time{}, false
	}
	switch r.d.Columns[i].Kind {
	case Date, NullableDate:
		return arrow.Date32(c.i).ToTime(), true
	case DateTime, NullableDateTime:
		return time.Unix(c.i, 0), true
	}
	panic("dataset " + r.d.Name + " column " + name + " is no date")
}

// text is a String, Date or DateTime cell as a person reads it (a key in a message).
func (r *Record) text(i int) string {
	c := r.cells[i]
	switch r.d.Columns[i].Kind {
	case Date, NullableDate:
		return arrow.Date32(c.i).ToTime().Format("2006-01-02")
	case DateTime, NullableDateTime:
		return time.Unix(c.i, 0).In(chinaZone).Format("2006-01-02 15:04:05")
	}
	return c.s
}

// Str returns a string column.
func (r *Record) Str(name string) string { return r.cells[r.index(name)].s }

// Set replaces the value of a column; the value must have the Go type of the column's kind.
func (r *Record) Set(name string, v any) {
	i := r.index(name)
	c, err := fromAny(r.d.Columns[i].Kind, v)
	if err != nil {
		panic(fmt.Sprintf("dataset %s column %s: %v", r.d.Name, name, err))
	}
	r.cells[i] = c
}
