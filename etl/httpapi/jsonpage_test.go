package httpapi

import (
	"bytes"
	"fmt"
	"testing"
)

// Pages whose reading could differ between encoding/json and jsontext: wrappers, totals,
// cursors, repeated keys, null, broken and trailing text.
var pageEdges = []string{
	`[]`, ` [ {"id":1} , {"id":2} ] `, `[{"id":1}] x`, `[{"id":1},]`, `[1, "x", null, {"a":[1,{"b":2}]}]`,
	`{"data":[{"id":1}],"total":5}`, `{"records":[{"id":1}],"total":"5"}`, `{"items":[],"total":5.0}`,
	`{"data":[{"id":1}],"total":null}`, `{"data":[{"id":1}],"total":-1}`, `{"data":[{"id":1}],"total":1e2}`,
	`{"data":[{"id":1}],"total":99999999999999999999}`,
	`{"data":[{"id":1}],"next_cursor":"c1"}`, `{"data":[{"id":1}],"next_cursor":"c1","nextCursor":"c2"}`,
	`{"data":[{"id":1}],"nextCursor":7}`, `{"data":[{"id":1}],"next_cursor":null}`, `{"data":[{"id":1}],"next_cursor":" c3 "}`,
	`{"data":[{"id":1}],"data":[{"id":2},{"id":3}]}`, `{"data":{"records":[{"id":1}],"total":1}}`,
	`{"code":0,"data":{"items":[{"id":1}],"nextCursor":"x"}}`, `{"data":null}`, `{"data":{"x":1}}`, `{"total":3}`,
	`null`, `"x"`, `5`, `{"data":[{"id":1}]} {}`, `{"data":[{"id":1}]`, `{"data":[{"id":1}],}`, ``, `   `,
	"{\"data\":[{\"id\":\"a\xffb\"}],\"next_cursor\":\"c\xff\"}", `{"d\u0061ta":[{"id":1}]}`, `{"data":"[not an array]"}`,
}

func TestPageAsBefore(t *testing.T) {
	for _, body := range pageEdges {
		got, gerr := parsePage([]byte(body))
		want, werr := refParsePage([]byte(body))
		if (gerr == nil) != (werr == nil) {
			t.Errorf("%q: error %v, want %v", body, gerr, werr)
			continue
		}
		if gerr != nil {
			continue
		}
		if fmt.Sprintf("%q", got.records) != fmt.Sprintf("%q", want.records) || got.nextCursor != want.nextCursor ||
			(got.total == nil) != (want.total == nil) || (got.total != nil && *got.total != *want.total) {
			t.Errorf("%q:\n got %q %v %q\nwant %q %v %q", body, got.records, deref(got.total), got.nextCursor, want.records, deref(want.total), want.nextCursor)
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// Records whose (updated_at, id) reading could differ: numbers, strings with spaces and
// escapes, booleans, null, nested values, repeated and escaped keys, no object at all.
var keyEdges = []string{
	`{"id":"H1","updated_at":"2024-01-02T03:04:05+08:00"}`, `{"id":12,"updated_at":"2024-01-02 03:04:05"}`,
	`{"id":" H2 ","updated_at":1704135845}`, `{"id":"H3","updated_at":1704135845000}`, `{"id":true,"updated_at":"2024-01-02 03:04:05"}`,
	`{"id":null,"updated_at":"2024-01-02 03:04:05"}`, `{"id":["x"],"updated_at":"2024-01-02 03:04:05"}`, `{"id":"H4"}`,
	`{"id":"H5","updated_at":"2024-01-02 03:04:05","id":"H6"}`, `{"\u0069d":"H7","updated_at":"2024-01-02 03:04:05"}`,
	"{\"id\":\"H\xff8\",\"updated_at\":\"2024-01-02 03:04:05\"}", "{\"i\xffd\":\"H9\",\"updated_at\":\"2024-01-02 03:04:05\"}",
	`{"id":"\u0048\u00310","updated_at":"2024-01-02T03:04:05Z"}`, `{"id":1.50,"updated_at":"bad"}`, `{"id":-0,"updated_at":"2024-01-02 03:04:05"}`,
	`null`, `[1]`, `"H"`, `{}`, `{"id":"H11","updated_at":"2024-01-02 03:04:05","x":{"id":"no"}}`,
}

func TestKeyAsBefore(t *testing.T) {
	c := &Connector{cfg: Config{IDField: "id", UpdatedField: "updated_at"}}
	for _, rec := range keyEdges {
		gts, gid, gok := c.key([]byte(rec))
		wts, wid, wok := c.refKey([]byte(rec))
		if gok != wok || gid != wid || !gts.Equal(wts) {
			t.Errorf("%q: %v %q %v, want %v %q %v", rec, gts, gid, gok, wts, wid, wok)
		}
	}
	// Hand-worked: a number id is its literal, a string id is trimmed, epoch seconds read.
	for rec, want := range map[string]string{keyEdges[1]: "12", keyEdges[2]: "H2", keyEdges[8]: "H6", keyEdges[9]: "H7", keyEdges[14]: "-0"} {
		if _, id, ok := c.key([]byte(rec)); !ok || id != want {
			t.Errorf("%q: id %q %v, want %q", rec, id, ok, want)
		}
	}
	if _, _, ok := c.key(bytes.Repeat([]byte("{"), 3)); ok {
		t.Error("a broken record has a key")
	}
}

// FuzzPageAsBefore: any body is read as a page, or refused, as encoding/json read it, and
// each record's key likewise.
func FuzzPageAsBefore(f *testing.F) {
	for _, b := range pageEdges {
		f.Add(b)
	}
	for _, r := range keyEdges {
		f.Add(`{"data":[` + r + `]}`)
	}
	c := &Connector{cfg: Config{IDField: "id", UpdatedField: "updated_at"}}
	f.Fuzz(func(t *testing.T, body string) {
		got, gerr := parsePage([]byte(body))
		want, werr := refParsePage([]byte(body))
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("%q: error %v, want %v", body, gerr, werr)
		}
		if gerr != nil {
			return
		}
		if fmt.Sprintf("%q", got.records) != fmt.Sprintf("%q", want.records) || got.nextCursor != want.nextCursor ||
			(got.total == nil) != (want.total == nil) || (got.total != nil && *got.total != *want.total) {
			t.Fatalf("%q:\n got %q %v %q\nwant %q %v %q", body, got.records, deref(got.total), got.nextCursor, want.records, deref(want.total), want.nextCursor)
		}
		for _, rec := range got.records {
			gts, gid, gok := c.key(rec)
			wts, wid, wok := c.refKey(rec)
			if gok != wok || gid != wid || !gts.Equal(wts) {
				t.Fatalf("%q: key %v %q %v, want %v %q %v", rec, gts, gid, gok, wts, wid, wok)
			}
		}
	})
}
