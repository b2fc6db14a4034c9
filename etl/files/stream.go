package files

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/xuri/excelize/v2"
)

// rowStream reads a whole-file format (XLSX, a JSON array) a chunk at a time, so a large
// workbook or export is never held as one table: chunk appends up to n rows to t and says
// whether the file is done.
type rowStream interface {
	chunk(t *Table, n int) (eof bool, err error)
	close() error
}

// xlsxStream reads one sheet row by row with excelize's streaming iterator (Rows), which
// decodes the sheet's XML as it goes instead of building the sheet model GetRows returns.
type xlsxStream struct {
	path, sheet string
	pick        bool // no sheet was named: an empty first sheet may mean the data is on another
	f           *excelize.File
	rows        *excelize.Rows
	merges      []*mergeBox // sorted by first row
	next        int         // merges[next:] start below the last row read
	active      []*mergeBox // merges covering the current row
	num         int         // physical number of the last row read
	width       int         // the widest row so far (see fill)
	pending     []Row       // rows without cells of their own, filled by a merge (see chunk)
	rowsSeen    bool        // a non-blank row was read
	maxBytes    int         // when set, a chunk also ends at this many bytes of rows (DefaultChunkBytes)
}

// mergeBox is a merged range with the value of its top-left cell, once that row is read.
type mergeBox struct {
	c1, r1, c2, r2 int
	value          string
}

// openXLSX opens a workbook's sheet for reading; body is the whole .xlsx (zip), which is
// compressed and far smaller than its rows. The errors are the file's, for its whole load.
func openXLSX(path string, body []byte, sheet string) (*xlsxStream, error) {
	// RawCellValue keeps Excel dates as serial numbers, which normalize.Date understands,
	// instead of whatever display format the town's template happens to use.
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("%s: 不是可读的 XLSX 工作簿 (not a readable XLSX file): %w", path, err)
	}
	s := &xlsxStream{path: path, sheet: sheet, f: f}
	if err := s.open(body); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func (s *xlsxStream) open(body []byte) error {
	sheets := s.f.GetSheetList()
	if len(sheets) == 0 {
		return fmt.Errorf("%s: 工作簿中没有工作表 (the workbook has no sheets)", s.path)
	}
	if s.sheet == "" {
		s.sheet, s.pick = sheets[0], true
	} else if !slices.Contains(sheets, s.sheet) {
		return fmt.Errorf("%s: 没有名为“%s”的工作表，工作簿中有 %s：请修改数据源的 sheet 设置 (no sheet %q; the workbook has %s: fix sheet: in the sources file)",
			s.path, s.sheet, strings.Join(sheets, "、"), s.sheet, strings.Join(sheets, ", "))
	}
	merged, err := sheetMerges(body, s.sheet)
	if err != nil {
		return fmt.Errorf("%s: sheet %q: %w", s.path, s.sheet, err)
	}
	for _, m := range merged {
		first, last, _ := strings.Cut(m.ref, ":")
		c1, r1, err1 := excelize.CellNameToCoordinates(first)
		c2, r2, err2 := excelize.CellNameToCoordinates(last)
		if err1 == nil && err2 == nil {
			s.merges = append(s.merges, &mergeBox{c1: c1, r1: r1, c2: c2, r2: r2})
		}
	}
	sort.SliceStable(s.merges, func(i, j int) bool { return s.merges[i].r1 < s.merges[j].r1 })
	if s.rows, err = s.f.Rows(s.sheet); err != nil {
		return fmt.Errorf("%s: sheet %q: %w", s.path, s.sheet, err)
	}
	return nil
}

// chunk reads rows until t has n. Blank rows are skipped; each row keeps its sheet row number.
// A row that has no cells of its own but lies in a merged range is kept back until a later
// row has cells: a sheet's trailing empty rows are no rows (as GetRows trims them), so a
// merge reaching into them must not turn them into data.
func (s *xlsxStream) chunk(t *Table, n int) (bool, error) {
	t.Encoding = "xlsx"
	held := 0 // bytes of the chunk's rows: values, their headers and each row's raw text
	for len(t.Rows) < n && !full(len(t.Rows), held, s.maxBytes) {
		if !s.rows.Next() {
			if err := s.rows.Error(); err != nil {
				return true, fmt.Errorf("%s: sheet %q 第 %d 行 (row %d): %w", s.path, s.sheet, s.num+1, s.num+1, err)
			}
			s.pending = nil
			if s.pick && !s.rowsSeen {
				return true, s.emptyFirstSheet()
			}
			return true, nil
		}
		s.num++
		cells, err := s.rows.Columns()
		if err != nil {
			return true, fmt.Errorf("%s: sheet %q 第 %d 行 (row %d): %w", s.path, s.sheet, s.num, s.num, err)
		}
		own := len(cells) > 0
		cells = s.fill(cells)
		if own {
			t.Rows = append(t.Rows, s.pending...)
			s.pending = s.pending[:0]
		}
		if blank(cells) {
			continue
		}
		s.rowsSeen = true
		// A sheet stores no cell past a row's last value, so rows come back as long as their
		// last filled cell: each is given the widest row's width so far (the header, among
		// the first rows, included), as an empty cell is empty.
		s.width = max(s.width, len(cells))
		vals := trimAll(cells, s.width)
		row := Row{Num: s.num, Values: vals, Raw: strings.Join(vals[:len(cells)], "\t")}
		held += 2*len(row.Raw) + valueHeader*len(vals) // the values' text is about the raw's
		if own {
			t.Rows = append(t.Rows, row)
		} else {
			s.pending = append(s.pending, row)
		}
	}
	return false, nil
}

// fill copies the value of a merged range's top-left cell into every cell of it on the
// current row, so that a header spread over merged cells still names each column it covers
// and a town merged down its rows names each of them, across chunk boundaries too.
func (s *xlsxStream) fill(cells []string) []string {
	for s.next < len(s.merges) && s.merges[s.next].r1 <= s.num {
		m := s.merges[s.next]
		if m.r1 == s.num && m.c1-1 < len(cells) {
			m.value = cells[m.c1-1]
		}
		s.active = append(s.active, m)
		s.next++
	}
	s.active = slices.DeleteFunc(s.active, func(m *mergeBox) bool { return m.r2 < s.num })
	for _, m := range s.active {
		for len(cells) < m.c2 {
			cells = append(cells, "")
		}
		for c := m.c1; c <= m.c2; c++ {
			cells[c-1] = m.value
		}
	}
	return cells
}

// emptyFirstSheet: the first sheet is empty while the data may sit on another, which is a
// setting to make, not an empty delivery.
func (s *xlsxStream) emptyFirstSheet() error {
	for _, other := range s.f.GetSheetList()[1:] {
		if s.hasRows(other) {
			return fmt.Errorf("%s: 第一个工作表“%s”为空，数据在工作表“%s”：请在数据源中设置 sheet (the first sheet %q is empty and sheet %q has rows: set sheet: in the sources file)",
				s.path, s.sheet, other, s.sheet, other)
		}
	}
	return nil
}

// hasRows says whether a sheet has a non-blank row, reading it only as far as the first.
func (s *xlsxStream) hasRows(sheet string) bool {
	rows, err := s.f.Rows(sheet)
	if err != nil {
		return false
	}
	defer rows.Close()
	for rows.Next() {
		if cells, err := rows.Columns(); err == nil && !blank(cells) {
			return true
		}
	}
	return false
}

func (s *xlsxStream) close() error {
	if s.rows != nil {
		s.rows.Close()
	}
	return s.f.Close()
}

// jsonStream reads a JSON array of records, or the array an object wraps ({"data": [...]}),
// one element at a time with jsontext's streaming decoder.
type jsonStream struct {
	path string
	rc   io.ReadCloser
	dec  *jsontext.Decoder
	num  int  // elements read
	wrap bool // the array is a value of an object, whose syntax was checked when opened
	// maxBytes, when set, also ends a chunk after this much record text (chunkJSONBytes).
	maxBytes int
	rows     *jsonRows
}

// openJSON opens the file (open is called once, or twice for a wrapped array: a first pass
// finds which key holds the records and checks the object's syntax). Errors name the file and are the file's, for its whole
// load: a file that is no JSON array at all is refused before any row is read.
func openJSON(path string, open func() (io.ReadCloser, error)) (*jsonStream, error) {
	s := &jsonStream{path: path, rows: newJSONRows()}
	if err := s.start(open); err != nil {
		return nil, err
	}
	tok, err := s.dec.ReadToken()
	if err != nil {
		s.rc.Close()
		return nil, s.notArray(err)
	}
	switch tok.Kind() {
	case '[':
		return s, nil
	case '{':
	default:
		s.rc.Close()
		return nil, s.notArray(fmt.Errorf("the file begins with %v", tok))
	}
	// Platforms also wrap the array: {"data": [...]} or {"records": [...]}. The records are
	// the first key, in sorted order, whose value is an array (or null: no records).
	key, err := s.recordsKey()
	s.rc.Close()
	if err != nil {
		return nil, err
	}
	if err := s.start(open); err != nil {
		return nil, err
	}
	s.wrap = true
	if _, err := s.dec.ReadToken(); err != nil { // the object's '{', checked by recordsKey
		s.rc.Close()
		return nil, s.notArray(err)
	}
	for {
		tok, err := s.dec.ReadToken()
		if err != nil {
			s.rc.Close()
			return nil, s.notArray(err)
		}
		if tok.String() == key {
			break
		}
		if err := s.dec.SkipValue(); err != nil {
			s.rc.Close()
			return nil, s.notArray(err)
		}
	}
	if tok, err := s.dec.ReadToken(); err != nil || tok.Kind() == 'n' {
		// null: an object without records reads as an empty array.
		s.rc.Close()
		s.rc, s.dec = nil, jsontext.NewDecoder(strings.NewReader("[]"), jsonOptions...)
		_, _ = s.dec.ReadToken()
	}
	return s, nil
}

func (s *jsonStream) start(open func() (io.ReadCloser, error)) error {
	rc, err := open()
	if err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	br := bufio.NewReaderSize(rc, 1<<20)
	if peek, _ := br.Peek(3); bytes.Equal(peek, utf8BOM) {
		_, _ = br.Discard(3)
	}
	s.rc, s.dec = rc, jsontext.NewDecoder(br, jsonOptions...)
	return nil
}

// recordsKey reads the rest of the object token by token (bounded memory, and its syntax
// checked to the end) and returns the key of its records.
func (s *jsonStream) recordsKey() (string, error) {
	var keys []string
	for s.dec.PeekKind() == '"' {
		tok, err := s.dec.ReadToken()
		if err != nil {
			return "", s.notArray(err)
		}
		name := tok.String() // a token lasts until the decoder's next call
		first := s.dec.PeekKind()
		if err := s.dec.SkipValue(); err != nil {
			return "", s.notArray(err)
		}
		if first == '[' || first == 'n' {
			keys = append(keys, name)
		}
	}
	if tok, err := s.dec.ReadToken(); err != nil || tok.Kind() != '}' {
		return "", s.notArray(fmt.Errorf("the object is not closed: %v %v", tok, err))
	}
	if _, err := s.dec.ReadToken(); err != io.EOF {
		return "", s.notArray(fmt.Errorf("data after the JSON object"))
	}
	if len(keys) == 0 {
		return "", fmt.Errorf("%s: JSON 对象中没有记录数组 (no array of records in the JSON object)", s.path)
	}
	return slices.Min(keys), nil
}

func (s *jsonStream) notArray(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	if s.num > 0 {
		return fmt.Errorf("%s: 不是 JSON 对象数组，文件可能不完整，第 %d 个元素之后无法读取 (not a JSON array of objects, unreadable after element %d): %w", s.path, s.num, s.num, err)
	}
	return fmt.Errorf("%s: 不是 JSON 对象数组，文件可能不完整 (not a JSON array of objects): %w", s.path, err)
}

// chunk reads up to n elements into a table of their own header (see jsonRows). An element
// that is JSON but no object is a row without values, for the quarantine; text that is no
// JSON ends the file's load with an error, as it always did.
func (s *jsonStream) chunk(t *Table, n int) (bool, error) {
	for i, size := 0, 0; i < n && (s.maxBytes == 0 || size < s.maxBytes) && s.more(); i++ {
		v, err := s.dec.ReadValue()
		if err != nil {
			return true, s.notArray(err)
		}
		s.num++
		// v is the decoder's buffer until its next read: copied for the quarantine, and
		// the cells are cut from the copy.
		s.rows.add(s.num, v, string(v))
		size += len(v)
	}
	eof := !s.more()
	if eof {
		if tok, err := s.dec.ReadToken(); err != nil || tok.Kind() != ']' {
			if err == nil {
				err = fmt.Errorf("unexpected %v", tok)
			}
			return true, s.notArray(err)
		}
		if !s.wrap && s.rc != nil {
			if _, err := s.dec.ReadToken(); err != io.EOF {
				return true, s.notArray(fmt.Errorf("data after the array"))
			}
		}
	}
	s.rows.table(t)
	return eof, nil
}

// more says whether another element follows; false at the array's end and at broken text,
// which the read of the closing bracket then reports.
func (s *jsonStream) more() bool {
	k := s.dec.PeekKind()
	return k != ']' && k != '}' && k != 0
}

func (s *jsonStream) close() error {
	if s.rc != nil {
		return s.rc.Close()
	}
	return nil
}
