// Package chload appends Arrow record batches to ClickHouse tables column by column:
// each Arrow column becomes one clickhouse-go column append, with no per-row boxing.
package chload

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"safetydw/warehouse"
)

// Insert writes the records into table in one INSERT and waits for the server to finish it.
// The records must share a schema whose field names are columns of the table.
func Insert(ctx context.Context, db *warehouse.DB, table string, recs []arrow.RecordBatch) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	s := newStream(db, table, recs[0].Schema())
	if err := s.start(ctx, nil); err != nil {
		return 0, err
	}
	if err := s.send(recs, nil); err != nil {
		s.Abort()
		return 0, err
	}
	return rows(recs), s.Close()
}

// Stream is one INSERT that takes record batches as they come. Write queues them for a
// sender goroutine, which cuts the queue into parts (see partBytes) and sends each part in the
// order of the table's ORDER BY, so the caller reads and validates the next rows while the
// server writes these. Nothing is final until Close returns; Abort gives up.
//
// Why: the server gathers an INSERT's blocks into parts (min_insert_block_size_rows) and reads
// nothing while it writes one, and writing a part starts with sorting it unless it already is
// in order (order.go). So the INSERT's part size is set to the stream's, the rows of each part
// go in order, in smaller blocks (the server appends them into exactly that part), and while
// the server writes one part the next gathers in the queue.
type Stream struct {
	ctx   context.Context // for the INSERT, which starts at the first Write (see start)
	batch driver.Batch
	db    *warehouse.DB
	table string
	names []string
	// per column, the slices handed to clickhouse-go, reused from block to block: it copies
	// what it is given, so a file's blocks need one set, not one per block.
	scratch []scratch
	dict    dictEncoder
	sort    *sorter
	sorted  bool
	parts   int // rows of a part (sorted), or of a Write (else)
	block   int // rows of a block

	mu      sync.Mutex
	changed *sync.Cond // the queue, err or stop changed
	queue   []arrow.RecordBatch
	rows    int           // rows in queue
	err     error         // the sender's first failure; it sends nothing after
	stop    bool          // Close or Abort: the sender sends what is queued (Close) or ends (Abort)
	abort   atomic.Bool   // read between blocks too, so Abort waits for one block at most
	ended   chan struct{} // closed when the sender returns; nil until the first Write starts it
}

// A part holds about partBytes of Arrow buffers, at most maxPartRows rows (the server's
// default part size, 1,048,576 rows): ~700 k sensor readings (~47 bytes a row). One part waits
// in the queue while one is sent, so they bound the stream's memory. Smaller parts cost the
// server merges: at 300 k readings a part, it merged the whole table during the load. A block
// holds about blockBytes, at most maxBlockRows rows: the driver's copy of a block (a wide
// table's 64 k rows were 29 MB of strings) and its encoding are in memory besides.
var (
	partBytes    = 32 << 20
	maxPartRows  = 1 << 20
	blockBytes   = 4 << 20
	maxBlockRows = 1 << 16
)

type scratch struct {
	strs  []string
	secs  []int64
	other any // a reordered column's values (gatherBy)
}

// Open prepares an INSERT into table for records of the schema. Sorted: in parts sorted by the
// table's key (see Stream); else each Write's records go as they come, in blocks of the
// stream's size, and the server makes its parts as it always does.
func Open(ctx context.Context, db *warehouse.DB, table string, schema *arrow.Schema, sorted bool) (*Stream, error) {
	s := newStream(db, table, schema)
	s.ctx, s.sorted = ctx, sorted
	if sorted {
		key, err := db.SortingKey(ctx, table)
		if err != nil {
			return nil, err
		}
		s.sort = newSorter(schema, key)
	}
	return s, nil
}

func newStream(db *warehouse.DB, table string, schema *arrow.Schema) *Stream {
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	s := &Stream{db: db, table: table, names: names, scratch: make([]scratch, len(names)), sort: &sorter{}}
	s.changed = sync.NewCond(&s.mu)
	return s
}

// start begins the INSERT, with settings (nil: the server's).
func (s *Stream) start(ctx context.Context, settings clickhouse.Settings) error {
	if settings != nil {
		ctx = clickhouse.Context(ctx, clickhouse.WithSettings(settings))
	}
	batch, err := s.db.PrepareBatch(ctx, "INSERT INTO "+s.table+" ("+strings.Join(s.names, ", ")+")")
	if err != nil {
		return fmt.Errorf("insert into %s: %w", s.table, s.db.Explain(err))
	}
	s.batch = batch
	return nil
}

// Write queues the records; it waits while a whole part waits for the sender, and returns the
// error of a part sent before, if one failed. The stream keeps its own reference to the
// records until they are sent. The first Write starts the INSERT, with the part size its
// records' width gives.
func (s *Stream) Write(recs []arrow.RecordBatch) (int, error) {
	n := rows(recs)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.batch == nil && s.err == nil {
		if n == 0 {
			return 0, nil
		}
		size := 0
		for _, rec := range recs {
			size += recordBytes(rec)
		}
		perRow := max(size/n, 1)
		s.block = min(max(blockBytes/perRow, 1), maxBlockRows)
		if s.sorted {
			s.parts = min(max(partBytes/perRow, s.block), maxPartRows)
			s.err = s.start(s.ctx, clickhouse.Settings{
				"min_insert_block_size_rows":  s.parts,
				"min_insert_block_size_bytes": 0,
			})
		} else {
			s.parts = n
			s.err = s.start(s.ctx, nil)
		}
		s.ended = make(chan struct{})
		go s.sender()
	}
	for s.err == nil && s.rows >= s.parts {
		s.changed.Wait()
	}
	if s.err != nil {
		return 0, s.err
	}
	for _, rec := range recs {
		rec.Retain()
		s.queue = append(s.queue, rec)
	}
	s.rows += n
	s.changed.Broadcast()
	return n, nil
}

// sender sends the queue a part at a time, in order, until the stream stops or a part fails.
func (s *Stream) sender() {
	defer close(s.ended)
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.err == nil {
		for s.rows < s.parts && !s.stop {
			s.changed.Wait()
		}
		if s.rows == 0 || s.abort.Load() {
			return
		}
		part := s.take(s.parts)
		s.changed.Broadcast()
		s.mu.Unlock()
		err := s.sendPart(part)
		release(part)
		s.mu.Lock()
		if err != nil {
			s.err = err
			s.changed.Broadcast()
		}
	}
}

// take removes the first n rows (or all there are) from the queue, cutting a record in two
// where a part ends inside it.
func (s *Stream) take(n int) []arrow.RecordBatch {
	var part []arrow.RecordBatch
	for len(s.queue) > 0 && n > 0 {
		rec := s.queue[0]
		k := int(rec.NumRows())
		if k > n {
			part = append(part, rec.NewSlice(0, int64(n)))
			s.queue[0] = rec.NewSlice(int64(n), int64(k))
			rec.Release()
			s.rows -= n
			break
		}
		part = append(part, rec)
		s.queue = s.queue[1:]
		s.rows -= k
		n -= k
	}
	return part
}

// sendPart sends a part's rows in the key's order, in blocks of s.block rows.
func (s *Stream) sendPart(part []arrow.RecordBatch) error {
	arrival := s.sort.arrival(part)
	refs := s.sort.order(part)
	if refs == nil {
		refs = arrival
	}
	// A column with one value on every row (the file's name, the load's version) is read in
	// arrival order: the same values, without a random access a row.
	order := make([][]rowRef, len(s.names))
	cols := make([]*partColumn, len(s.names))
	for i := range s.names {
		order[i] = refs
		if constantColumn(part, i) {
			order[i] = arrival
		}
		cols[i] = newPartColumn(part, i)
	}
	for lo := 0; lo < len(refs) && !s.abort.Load(); lo += s.block {
		hi := min(lo+s.block, len(refs))
		if err := s.send(part, func(i int) ([]rowRef, *partColumn) { return order[i][lo:hi], cols[i] }); err != nil {
			return err
		}
	}
	return nil
}

// halt stops the sender: after the queue (Close) or after the block in flight (abort), and
// waits for it.
func (s *Stream) halt(abort bool) error {
	s.mu.Lock()
	s.stop = true
	if abort {
		s.abort.Store(true)
	}
	s.changed.Broadcast()
	ended := s.ended
	s.mu.Unlock()
	if ended != nil {
		<-ended
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	release(s.queue)
	s.queue, s.rows = nil, 0
	return s.err
}

func release(recs []arrow.RecordBatch) {
	for _, rec := range recs {
		rec.Release()
	}
}

// send appends the records column by column and sends them as one block: each column's rows
// in the order rows(i) gives, or with a nil rows all rows as they come.
func (s *Stream) send(recs []arrow.RecordBatch, rows func(i int) ([]rowRef, *partColumn)) error {
	cols := s.batch.Columns()
	for i := range s.names {
		var order []rowRef
		var part *partColumn
		if rows != nil {
			order, part = rows(i)
		}
		if i < len(cols) {
			if lc, ok := cols[i].(*column.LowCardinality); ok {
				done, err := s.dict.fill(lc, recs, i, order)
				if err != nil {
					return fmt.Errorf("%s.%s: %w", s.table, s.names[i], err)
				}
				if done {
					continue
				}
			}
		}
		if order != nil {
			v, err := part.gather(order, &s.scratch[i])
			if err == nil {
				err = s.batch.Column(i).Append(v)
			}
			clear(s.scratch[i].strs)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", s.table, s.names[i], err)
			}
			continue
		}
		for _, rec := range recs {
			v, err := columnValues(rec.Column(i), rec.Schema().Field(i).Nullable, &s.scratch[i])
			if err == nil {
				err = s.batch.Column(i).Append(v)
			}
			clear(s.scratch[i].strs) // they point into the record, which the caller releases
			if err != nil {
				return fmt.Errorf("%s.%s: %w", s.table, s.names[i], err)
			}
		}
	}
	if err := s.batch.Flush(); err != nil {
		return fmt.Errorf("insert into %s: %w", s.table, s.db.Explain(err))
	}
	return nil
}

// Close sends what is queued, ends the INSERT and waits until the server has written every block.
func (s *Stream) Close() error {
	if err := s.halt(false); err != nil {
		if s.batch != nil {
			_ = s.batch.Abort()
		}
		return err
	}
	if s.batch == nil {
		return nil // nothing was written
	}
	if err := s.batch.Send(); err != nil {
		return fmt.Errorf("insert into %s: %w", s.table, s.db.Explain(err))
	}
	return nil
}

// Abort ends the INSERT without finishing it: the block being sent goes, the rest does not.
func (s *Stream) Abort() {
	_ = s.halt(true)
	if s.batch != nil {
		_ = s.batch.Abort()
	}
}

// recordBytes is the size of a record's Arrow buffers (a slice's: its whole buffers').
func recordBytes(rec arrow.RecordBatch) int {
	n := 0
	var add func(d arrow.ArrayData)
	add = func(d arrow.ArrayData) {
		for _, b := range d.Buffers() {
			if b != nil {
				n += b.Len()
			}
		}
		for _, c := range d.Children() {
			add(c)
		}
		if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil { // an interface holding a nil *Data otherwise
			add(dict)
		}
	}
	for _, col := range rec.Columns() {
		add(col.Data())
	}
	return n
}

func rows(recs []arrow.RecordBatch) int {
	n := 0
	for _, rec := range recs {
		n += int(rec.NumRows())
	}
	return n
}

// columnValues returns the slice clickhouse-go takes for the column. Fixed-width columns
// hand over Arrow's own buffer. A Nullable ClickHouse column takes pointers even when no
// value is null, so the Arrow field's nullability decides, not the data.
func columnValues(col arrow.Array, nullable bool, sc *scratch) (any, error) {
	switch a := col.(type) {
	case *array.Dictionary:
		// The archive's one-value columns (landing), read back for a replay.
		if a.NullN() > 0 {
			break
		}
		switch d := a.Dictionary().(type) {
		case *array.String:
			out := resize(&sc.strs, a.Len())
			for i := range out {
				out[i] = d.Value(a.GetValueIndex(i))
			}
			return out, nil
		case *array.Uint64:
			out := make([]uint64, a.Len())
			for i := range out {
				out[i] = d.Value(a.GetValueIndex(i))
			}
			return out, nil
		}
	case *array.String:
		out := resize(&sc.strs, a.Len())
		for i := range out {
			out[i] = a.Value(i) // aliases Arrow's buffer; clickhouse-go copies on append
		}
		return out, nil
	case *array.Uint8:
		return a.Uint8Values(), nil
	case *array.Uint16:
		return a.Uint16Values(), nil
	case *array.Uint32:
		return a.Uint32Values(), nil
	case *array.Uint64:
		return a.Uint64Values(), nil
	case *array.Float32:
		return a.Float32Values(), nil
	case *array.Float64:
		return a.Float64Values(), nil
	case *array.List:
		// Array(String): one []string per row, sliced out of the list's flat values.
		vals, ok := a.ListValues().(*array.String)
		if !ok {
			return nil, fmt.Errorf("arrow list of %s has no ClickHouse mapping", a.ListValues().DataType())
		}
		out := make([][]string, a.Len())
		for i := range out {
			start, end := a.ValueOffsets(i)
			row := make([]string, 0, end-start)
			for j := start; j < end; j++ {
				row = append(row, vals.Value(int(j)))
			}
			out[i] = row
		}
		return out, nil
	case *array.Date32:
		if !nullable {
			out := make([]time.Time, a.Len())
			for i := range out {
				out[i] = a.Value(i).ToTime()
			}
			return out, nil
		}
		out := make([]*time.Time, a.Len())
		for i := range out {
			if a.IsValid(i) {
				t := a.Value(i).ToTime()
				out[i] = &t
			}
		}
		return out, nil
	case *array.Timestamp:
		div := unitDivisor(a)
		if nullable {
			// Nullable(DateTime) takes pointers; a NULL is a timestamp not yet happened.
			out := make([]*time.Time, a.Len())
			for i, v := range a.TimestampValues() {
				if a.IsValid(i) {
					t := time.Unix(int64(v)/div, 0)
					out[i] = &t
				}
			}
			return out, nil
		}
		out := resize(&sc.secs, a.Len())
		for i, v := range a.TimestampValues() {
			out[i] = int64(v) / div
		}
		return out, nil
	}
	return nil, fmt.Errorf("arrow type %s has no ClickHouse mapping", col.DataType())
}

// unitDivisor turns the column's timestamps into seconds.
func unitDivisor(a *array.Timestamp) int64 {
	unit := a.DataType().(*arrow.TimestampType).Unit
	return map[arrow.TimeUnit]int64{arrow.Second: 1, arrow.Millisecond: 1e3, arrow.Microsecond: 1e6, arrow.Nanosecond: 1e9}[unit]
}

// dictEncoder fills a LowCardinality(String) column of clickhouse-go in one step. Its Append
// takes each value through reflect and a map keyed by interface (boxing every string), which
// was 14 % of a sensor load's CPU for source_file alone (the file's name on every reading).
// Here the block's values are dictionary-encoded on a string-keyed map, with the previous
// row's value checked first (a file name repeats on every row), into the column's native
// format (the dictionary, then a key per row), and handed to the column's Decode: the very
// bytes clickhouse-go's Encode writes for the server, so the server gets the same block.
type dictEncoder struct {
	index map[string]int
	dict  []string
	keys  []int
	buf   proto.Buffer
}

// The LowCardinality serialization flags (ClickHouse's SerializationLowCardinality, as
// clickhouse-go's column package writes them): the block carries its own dictionary.
const (
	lcHasAdditionalKeys    = 1 << 9
	lcNeedUpdateDictionary = 1 << 10
)

// fill encodes column i of recs into lc and reports whether it did; false leaves the column
// to the ordinary Append (a Nullable dictionary, NULLs, a column already holding rows).
func (e *dictEncoder) fill(lc *column.LowCardinality, recs []arrow.RecordBatch, i int, refs []rowRef) (bool, error) {
	if lc.Type() != "LowCardinality(String)" || lc.Rows() != 0 {
		return false, nil
	}
	n := 0
	for _, rec := range recs {
		if !dictionaryStrings(rec.Column(i)) {
			return false, nil
		}
		n += rec.Column(i).Len()
	}
	if refs != nil {
		n = len(refs)
	}
	if n == 0 {
		return true, nil
	}
	if e.index == nil {
		e.index = map[string]int{}
	}
	clear(e.index)
	// Position 0 holds the default value, as clickhouse-go's own Append lays it out.
	e.dict = append(e.dict[:0], "")
	e.index[""] = 0
	e.keys = e.keys[:0]
	last, lastKey := "", 0
	add := func(v string) {
		if v != last || len(e.keys) == 0 {
			k, ok := e.index[v]
			if !ok {
				v = strings.Clone(v) // the map outlives the record
				k = len(e.dict)
				e.dict = append(e.dict, v)
				e.index[v] = k
			}
			last, lastKey = v, k
		}
		e.keys = append(e.keys, lastKey)
	}
	if refs != nil {
		texts := texts(recs, i) // a slice of len(recs): cheap per block
		for _, r := range refs {
			add(texts[r.rec()].Value(r.row()))
		}
	} else {
		for _, rec := range recs {
			a := textOf(rec.Column(i))
			for r := 0; r < a.Len(); r++ {
				add(a.Value(r))
			}
		}
	}
	// The key width clickhouse-go's Encode picks for a dictionary of this size.
	var width uint64
	switch d := len(e.dict) - 1; {
	case d < math.MaxUint8:
		width = 0
	case d < math.MaxUint16:
		width = 1
	case d < math.MaxUint32:
		width = 2
	default:
		width = 3
	}
	b := &e.buf
	b.Reset()
	b.PutUInt64(lcHasAdditionalKeys | lcNeedUpdateDictionary | width)
	b.PutInt64(int64(len(e.dict)))
	for _, v := range e.dict {
		b.PutString(v)
	}
	b.PutInt64(int64(len(e.keys)))
	for _, k := range e.keys {
		switch width {
		case 0:
			b.PutUInt8(uint8(k))
		case 1:
			b.PutUInt16(uint16(k))
		case 2:
			b.PutUInt32(uint32(k))
		default:
			b.PutUInt64(uint64(k))
		}
	}
	clear(e.dict) // the strings are in the buffer now
	if err := lc.Decode(proto.NewReader(bytes.NewReader(b.Buf)), len(e.keys)); err != nil {
		return false, err
	}
	if lc.Rows() != n {
		return false, fmt.Errorf("LowCardinality column holds %d rows after encoding %d", lc.Rows(), n)
	}
	return true, nil
}

// dictionaryStrings says whether a dictEncoder takes col: strings, plain or as a dictionary
// (the archive's one-value columns, read back for a replay), without NULLs.
func dictionaryStrings(col arrow.Array) bool {
	if col.NullN() > 0 {
		return false
	}
	if d, ok := col.(*array.Dictionary); ok {
		_, ok = d.Dictionary().(*array.String)
		return ok
	}
	_, ok := col.(*array.String)
	return ok
}

// text is a column of strings, plain or as a dictionary.
type text interface {
	Len() int
	Value(int) string
}

// textOf reads a column dictionaryStrings took, row by row.
func textOf(col arrow.Array) text {
	if d, ok := col.(*array.Dictionary); ok {
		return dictText{d, d.Dictionary().(*array.String)}
	}
	return col.(*array.String)
}

type dictText struct {
	*array.Dictionary
	values *array.String
}

func (t dictText) Value(i int) string { return t.values.Value(t.GetValueIndex(i)) }

// texts is column i of each record, as text.
func texts(recs []arrow.RecordBatch, i int) []text {
	out := make([]text, len(recs))
	for r, rec := range recs {
		out[r] = textOf(rec.Column(i))
	}
	return out
}

// partColumn is a column of a part's records, read a block of rows at a time in any order.
// Each block converts only its own rows (a part's dates as time.Time would be 24 bytes a row).
type partColumn struct {
	arrays   []arrow.Array // the column of each record
	texts    []text        // strings, plain or as a dictionary
	nullable bool
}

func newPartColumn(recs []arrow.RecordBatch, i int) *partColumn {
	c := &partColumn{nullable: recs[0].Schema().Field(i).Nullable}
	for _, rec := range recs {
		c.arrays = append(c.arrays, rec.Column(i))
	}
	if dictionaryStrings(c.arrays[0]) {
		c.texts = texts(recs, i)
	}
	return c
}

// gather is what columnValues gives for the column, as one slice of the rows refs names, in
// that order.
func (c *partColumn) gather(refs []rowRef, sc *scratch) (any, error) {
	if c.texts != nil {
		out := resize(&sc.strs, len(refs))
		for j, r := range refs {
			out[j] = c.texts[r.rec()].Value(r.row())
		}
		return out, nil
	}
	switch a := c.arrays[0].(type) {
	case *array.Uint8:
		return gatherBy(c.arrays, refs, sc, (*array.Uint8).Value), nil
	case *array.Uint16:
		return gatherBy(c.arrays, refs, sc, (*array.Uint16).Value), nil
	case *array.Uint32:
		return gatherBy(c.arrays, refs, sc, (*array.Uint32).Value), nil
	case *array.Uint64:
		return gatherBy(c.arrays, refs, sc, (*array.Uint64).Value), nil
	case *array.Float32:
		return gatherBy(c.arrays, refs, sc, (*array.Float32).Value), nil
	case *array.Float64:
		return gatherBy(c.arrays, refs, sc, (*array.Float64).Value), nil
	case *array.Timestamp:
		div := unitDivisor(a)
		if !c.nullable {
			return gatherBy(c.arrays, refs, sc, func(a *array.Timestamp, i int) int64 { return int64(a.Value(i)) / div }), nil
		}
		return gatherBy(c.arrays, refs, sc, func(a *array.Timestamp, i int) *time.Time {
			if a.IsNull(i) {
				return nil
			}
			t := time.Unix(int64(a.Value(i))/div, 0)
			return &t
		}), nil
	case *array.Date32:
		if !c.nullable {
			return gatherBy(c.arrays, refs, sc, func(a *array.Date32, i int) time.Time { return a.Value(i).ToTime() }), nil
		}
		return gatherBy(c.arrays, refs, sc, func(a *array.Date32, i int) *time.Time {
			if a.IsNull(i) {
				return nil
			}
			t := a.Value(i).ToTime()
			return &t
		}), nil
	case *array.List:
		if _, ok := a.ListValues().(*array.String); ok {
			return gatherBy(c.arrays, refs, sc, func(a *array.List, i int) []string {
				vals := a.ListValues().(*array.String)
				start, end := a.ValueOffsets(i)
				row := make([]string, 0, end-start)
				for j := start; j < end; j++ {
					row = append(row, vals.Value(int(j)))
				}
				return row
			}), nil
		}
	case *array.Dictionary:
		if _, ok := a.Dictionary().(*array.Uint64); ok && a.NullN() == 0 {
			return gatherBy(c.arrays, refs, sc, func(a *array.Dictionary, i int) uint64 {
				return a.Dictionary().(*array.Uint64).Value(a.GetValueIndex(i))
			}), nil
		}
	}
	return nil, fmt.Errorf("arrow type %s has no ClickHouse mapping", c.arrays[0].DataType())
}

// gatherBy reads the rows refs names with value, into the column's buffer kept from block to
// block.
func gatherBy[A arrow.Array, T any](arrays []arrow.Array, refs []rowRef, sc *scratch, value func(A, int) T) []T {
	typed := make([]A, len(arrays))
	for i, a := range arrays {
		typed[i] = a.(A)
	}
	buf, _ := sc.other.([]T)
	out := resize(&buf, len(refs))
	sc.other = buf
	for j, r := range refs {
		out[j] = value(typed[r.rec()], r.row())
	}
	return out
}

// resize returns *buf with n elements, grown only when it is too small.
func resize[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	*buf = (*buf)[:n]
	return *buf
}
