package files

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// jsonOptions make jsontext read what encoding/json read before it: invalid UTF-8 in a string
// becomes U+FFFD (byte by byte, as encoding/json does) instead of failing the record, and a
// key given twice keeps its last value instead of failing it.
var jsonOptions = []jsontext.Options{jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)}

// jsonRows turns JSON records (a chunk of JSON Lines, of a JSON array, an API page) into a
// table: a header of the keys in first-seen order, then one row per record, each cell at its
// key's index. It reads each record's bytes once: the usual flat record with a scan of its own
// (parseFlat), any other with jsontext's token decoder, where decoding into a map cost ~60
// allocations a record and a second pass for the key order.
// A plain string or number cell is a substring of the record's raw text (kept anyway for the
// quarantine), so most records cost two allocations: their raw text and nothing else.
//
// The cell text is what encoding/json's map decoding rendered: strings unquoted and trimmed,
// numbers as written (1e3, -0, 12345678901234567890), true/false, null as "", nested arrays
// and objects as json.Marshal renders them. A record that is no JSON object, or whose text
// breaks before its object closes, keeps its raw text and no values, for the quarantine;
// anything after the object's closing brace is not read, as json.Decoder.Decode did not.
type jsonRows struct {
	keys    []string
	seen    map[string]int
	recs    []jsonRec
	cells   []jsonCell
	pairs   []jsonPair // one record's cells, until the record has parsed whole
	dec     *jsontext.Decoder
	in      bytes.Buffer
	scratch []byte
}

type jsonRec struct {
	num        int
	raw        string
	first, end int // the record's cells[first:end]; first < 0: not an object
}

type jsonCell struct {
	col  int
	text string
}

type jsonPair struct{ key, text string }

func newJSONRows() *jsonRows {
	return &jsonRows{seen: map[string]int{}, dec: jsontext.NewDecoder(&bytes.Buffer{}, jsonOptions...)}
}

// add reads one record: rec is its text, raw the same text as a string, kept for the
// quarantine and shared by the cells.
func (j *jsonRows) add(num int, rec []byte, raw string) {
	r := jsonRec{num: num, raw: raw, first: -1}
	if j.parse(rec, raw) {
		r.first = len(j.cells)
		for _, p := range j.pairs {
			col, ok := j.seen[p.key]
			if !ok {
				col = len(j.keys)
				j.seen[p.key] = col
				j.keys = append(j.keys, p.key)
			}
			j.cells = append(j.cells, jsonCell{col: col, text: p.text})
		}
		r.end = len(j.cells)
	}
	j.recs = append(j.recs, r)
}

// parse reads the record's top-level object into j.pairs, in document order; false when
// the record is no object or breaks before it closes.
func (j *jsonRows) parse(rec []byte, raw string) bool {
	// Valid UTF-8 all through (the usual case): a string without escapes is its own text.
	plain := utf8.Valid(rec)
	j.pairs = j.pairs[:0]
	if plain && j.parseFlat(raw) {
		return true
	}
	j.pairs = j.pairs[:0] // what parseFlat read before it handed the record on
	// A bytes.Buffer is read in place by jsontext (no copy), and offsets into rec are
	// offsets into raw.
	j.in = *bytes.NewBuffer(rec)
	j.dec.Reset(&j.in, jsonOptions...)
	if j.dec.PeekKind() != '{' {
		return false
	}
	if _, err := j.dec.ReadToken(); err != nil {
		return false
	}
	for j.dec.PeekKind() != '}' {
		name, err := j.dec.ReadValue()
		if err != nil {
			return false
		}
		key := j.unquote(name, raw, int(j.dec.InputOffset()), plain)
		v, err := j.dec.ReadValue()
		if err != nil {
			return false
		}
		end := int(j.dec.InputOffset())
		var text string
		switch v.Kind() {
		case '"':
			text = strings.TrimSpace(j.unquote(v, raw, end, plain))
		case '0':
			text = raw[end-len(v) : end]
		case 't':
			text = "true"
		case 'f':
			text = "false"
		case 'n':
			text = ""
		default: // '[' or '{'
			text = nestedText(v, raw, end, plain)
		}
		j.pairs = append(j.pairs, jsonPair{key: key, text: text})
	}
	_, err := j.dec.ReadToken()
	return err == nil
}

// unquote is the text of the JSON string v that ends at offset end of raw.
func (j *jsonRows) unquote(v []byte, raw string, end int, plain bool) string {
	if plain && bytes.IndexByte(v, '\\') < 0 {
		return raw[end-len(v)+1 : end-1]
	}
	// The decoder checked the string's syntax; what AppendUnquote still reports is invalid
	// UTF-8 or a lone surrogate escape, which it replaced with U+FFFD as encoding/json did.
	j.scratch, _ = jsontext.AppendUnquote(j.scratch[:0], v)
	return string(j.scratch)
}

// nestedText renders a nested array or object as encoding/json rendered the value it decoded
// (json.Marshal of a []any or map[string]any with json.Number): compact, object keys sorted
// and deduplicated, strings escaped HTML-safe. Text that already has that form — no
// whitespace, no object, no escape, nothing Marshal escapes — is its own rendering, as the
// usual ["消防"] is; anything else goes through encoding/json itself, so it renders exactly.
func nestedText(v []byte, raw string, end int, plain bool) string {
	if plain && bytes.IndexAny(v, " \t\r\n{\\<>&") < 0 && !bytes.Contains(v, []byte("\u2028")) && !bytes.Contains(v, []byte("\u2029")) {
		return raw[end-len(v) : end]
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		return string(v) // not reached: the decoder checked v
	}
	b, _ := json.Marshal(x)
	return string(b)
}

// table writes the rows read so far into t (header row 0, then one row per record) and
// starts afresh: every chunk has its own header, of its own records' keys.
func (j *jsonRows) table(t *Table) {
	width := len(j.keys)
	parsed := 0
	for _, r := range j.recs {
		if r.first >= 0 {
			parsed++
		}
	}
	vals, rows := t.Alloc(parsed*width, len(j.recs)+1)
	rows[0] = Row{Num: 0, Values: j.keys, Raw: strings.Join(j.keys, ",")}
	for i, r := range j.recs {
		if r.first < 0 {
			rows[i+1] = Row{Num: r.num, Raw: r.raw}
			continue
		}
		row := vals[:width:width]
		if row == nil {
			row = []string{} // an object without keys is a row, with no values
		}
		vals = vals[width:]
		for _, c := range j.cells[r.first:r.end] {
			row[c.col] = c.text // a repeated key: its last value, as a map kept it
		}
		rows[i+1] = Row{Num: r.num, Values: row, Raw: r.raw}
	}
	t.Rows = rows
	t.Encoding = "json"
	j.keys, j.seen = nil, map[string]int{}
	clear(j.recs)
	clear(j.cells)
	j.recs, j.cells = j.recs[:0], j.cells[:0]
}
