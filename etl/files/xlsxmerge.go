package files

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// mergeRange is one merged range of a sheet, as its ref attribute names it ("A1:N1").
type mergeRange struct{ ref string }

// sheetMerges reads the merged ranges of a sheet straight from the workbook's zip.
// excelize's GetMergeCells decodes the whole sheet into its in-memory model to answer: a
// 250,000-row sheet took 25 s and gigabytes for a list that holds a title or two. Here the
// sheet's XML is scanned as bytes for its <mergeCell ref="…"/> elements.
func sheetMerges(body []byte, sheet string) ([]mergeRange, error) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, err
	}
	part, err := sheetPart(zr, sheet)
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		if f.Name != part {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return scanMerges(rc)
	}
	return nil, fmt.Errorf("workbook part %s missing", part)
}

// sheetPart is the zip path of a sheet's XML: workbook.xml names the sheet's relationship,
// whose target is the part.
func sheetPart(zr *zip.Reader, sheet string) (string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(zr, "xl/workbook.xml", &wb); err != nil {
		return "", err
	}
	if err := decodePart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	for _, s := range wb.Sheets {
		if s.Name != sheet {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				if strings.HasPrefix(r.Target, "/") {
					return strings.TrimPrefix(r.Target, "/"), nil
				}
				return path.Join("xl", r.Target), nil
			}
		}
	}
	return "", fmt.Errorf("sheet %q not found in workbook.xml", sheet)
}

func decodePart(zr *zip.Reader, name string, v any) error {
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			return xml.NewDecoder(rc).Decode(v)
		}
	}
	return fmt.Errorf("workbook part %s missing", name)
}

// openedTag says whether the name at buf[at:] follows "<" or "<prefix:", i.e. is an element
// name: text content cannot hold a raw "<", so a cell reading "mergeCell " never matches.
func openedTag(buf []byte, at int) bool {
	for i := at - 1; i >= 0 && at-i <= 32; i-- {
		switch c := buf[i]; {
		case c == '<':
			return i == at-1 || buf[at-1] == ':'
		case c == ':' && i == at-1, c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return false
}

// scanMerges finds the ref of every mergeCell element (with or without a namespace prefix)
// in a stream, reading it in blocks with an overlap long enough for one element.
func scanMerges(r io.Reader) ([]mergeRange, error) {
	const overlap = 512
	var out []mergeRange
	buf := make([]byte, 0, 1<<20+overlap)
	chunk := make([]byte, 1<<20)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		eof := err == io.EOF
		if err != nil && !eof {
			return nil, err
		}
		// Elements wholly inside buf are taken; a tail that may hold a cut element is kept.
		done := len(buf)
		if !eof {
			done = max(0, len(buf)-overlap)
		}
		i := 0
		for {
			j := bytes.Index(buf[i:], []byte("mergeCell "))
			if j < 0 {
				break
			}
			start := i + j
			if start >= done {
				break
			}
			end := bytes.IndexByte(buf[start:], '>')
			if end < 0 {
				break // cut at the end of the block: taken with the next one
			}
			tag := buf[start : start+end]
			if !openedTag(buf, start) {
				i = start + 1 // text that reads "mergeCell ", not markup
				continue
			}
			if k := bytes.Index(tag, []byte(`ref="`)); k >= 0 {
				ref := tag[k+5:]
				if q := bytes.IndexByte(ref, '"'); q >= 0 {
					out = append(out, mergeRange{ref: string(ref[:q])})
				}
			}
			i = start + end
		}
		if eof {
			return out, nil
		}
		// Keep from the first unread byte, but never more than the overlap.
		keep := max(i, done)
		buf = append(buf[:0], buf[keep:]...)
	}
}
