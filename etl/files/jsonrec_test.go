package files

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// jsonEdgeRecords are records whose reading could differ between a map decoder and a token
// decoder: number literals, escapes, invalid UTF-8, duplicate keys, nested values, records
// that are no object or break part way, text after the object.
var jsonEdgeRecords = []string{
	`{"id":"1","n":1e3,"z":-0,"f":1.50,"big":12345678901234567890,"e":1E+2,"neg":-12.5e-3}`,
	`{"id":"2","s":"caf\u00e9 \"q\" \/ \\ \n\t end","emoji":"\ud83d\ude00","lone":"\ud800x","pair":"\ud800\u0041"}`,
	"{\"id\":\"3\",\"bad\":\"a\xffb\xe4\xb8\",\"k\xfe\":\"v\"}",
	`{"id":"4","pad":"  x  ","wide":"　全角　","nl":"\n y \n"}`,
	`{"id":"5","tags":[],"sp":[ ],"one":["消防"],"two":["a","b"],"mix":[1,2.5,true,false,null,-0,1e3]}`,
	`{"id":"6","obj":{"b":1,"a":2},"dup":{"a":1,"a":2},"html":["<x>","a&b"],"ls":["` + "\u2028" + `"],"deep":[["x"],[{"z":1,"y":[1, 2]}]]}`,
	`{"id":"7","esc":["\u00e9","\n"],"empty":{},"ws":[ 1 , 2 ]}`,
	"{\"id\":\"8\",\"nbad\":[\"a\xffb\"]}",
	`{"id":"9","id":"9b","a":1,"a":2}`,
	`{"\u0061":1,"a":2,"id":"10"}`,
	`{"id":"11","t":true,"f":false,"n":null}`,
	`{}`,
	`[1,2]`, `"x"`, `1`, `null`, `true`,
	`{"id":"12"`, `{"id":"13",}`, `{"id":01}`, "{\"id\":\"a\x01b\"}", `{"id":"\q"}`, `{"id" "14"}`, `{"id":"15"]`,
	`{"id":"16"}x`, `{"id":"17"} {"id":"18"}`, `{"id":"19"},`,
	`{"later":"new key","id":"20"}`,
	`{"id":"21","u":"\u0000\u001f\u007f"}`,
}

// compareWithBefore reads records with the new decoder and with the map-based one it
// replaced (jsonref_test.go) and reports any difference in header, rows or values.
func compareWithBefore(t *testing.T, recs []string) {
	t.Helper()
	objs := make([]rawObject, len(recs))
	j := newJSONRows()
	for i, r := range recs {
		objs[i] = rawObject{num: i + 1, raw: r}
		j.add(i+1, []byte(r), r)
	}
	want, _ := refObjectsToTable("a.jsonl", objs)
	got := &Table{Path: "a.jsonl"}
	j.table(got)
	if got.Encoding != want.Encoding || len(got.Rows) != len(want.Rows) {
		t.Fatalf("encoding %q, %d rows; want %q, %d", got.Encoding, len(got.Rows), want.Encoding, len(want.Rows))
	}
	for i := range want.Rows {
		g, w := got.Rows[i], want.Rows[i]
		if g.Num != w.Num || g.Raw != w.Raw || (g.Values == nil) != (w.Values == nil) || !reflect.DeepEqual(append([]string{}, g.Values...), append([]string{}, w.Values...)) {
			t.Errorf("row %d:\n got %d %q %q (nil %v)\nwant %d %q %q (nil %v)", i, g.Num, g.Values, g.Raw, g.Values == nil, w.Num, w.Values, w.Raw, w.Values == nil)
		}
	}
}

// Every edge record, alone and all in one chunk, reads as the map decoder read it.
func TestJSONRowsAsBefore(t *testing.T) {
	for _, r := range jsonEdgeRecords {
		compareWithBefore(t, []string{r})
	}
	compareWithBefore(t, jsonEdgeRecords)
	compareWithBefore(t, []string{`{}`, `{}`}) // a chunk of key-less objects: rows with no values
}

// Hand-worked cells of the edges, so that the rendering is pinned, not only equal to the
// old reader's.
func TestJSONRowsCells(t *testing.T) {
	j := newJSONRows()
	for i, r := range jsonEdgeRecords[:11] {
		j.add(i+1, []byte(r), r)
	}
	tab := &Table{}
	j.table(tab)
	col := map[string]int{}
	for i, k := range tab.Rows[0].Values {
		col[k] = i
	}
	cell := func(row int, key string) string { return tab.Rows[row].Values[col[key]] }
	for _, c := range []struct {
		row       int
		key, want string
	}{
		{1, "n", "1e3"}, {1, "z", "-0"}, {1, "f", "1.50"}, {1, "big", "12345678901234567890"}, {1, "e", "1E+2"},
		{2, "s", "café \"q\" / \\ \n\t end"}, {2, "emoji", "😀"}, {2, "lone", "\ufffdx"}, {2, "pair", "\ufffdA"},
		{3, "bad", "a\ufffdb\ufffd\ufffd"}, {3, "k\ufffd", "v"},
		{4, "pad", "x"}, {4, "wide", "全角"}, {4, "nl", "y"},
		{5, "tags", "[]"}, {5, "sp", "[]"}, {5, "one", `["消防"]`}, {5, "two", `["a","b"]`}, {5, "mix", "[1,2.5,true,false,null,-0,1e3]"},
		{6, "obj", `{"a":2,"b":1}`}, {6, "dup", `{"a":2}`}, {6, "html", `["\u003cx\u003e","a\u0026b"]`}, {6, "ls", `["\u2028"]`},
		{6, "deep", `[["x"],[{"y":[1,2],"z":1}]]`},
		{7, "esc", `["é","\n"]`}, {7, "empty", "{}"}, {7, "ws", "[1,2]"},
		{8, "nbad", "[\"a\ufffdb\"]"},
		{9, "id", "9b"}, {9, "a", "2"},
		{10, "a", "2"}, {10, "id", "10"},
		{11, "t", "true"}, {11, "f", "false"}, {11, "n", ""},
	} {
		if got := cell(c.row, c.key); got != c.want {
			t.Errorf("record %d %s = %q, want %q", c.row, c.key, got, c.want)
		}
	}
	// The header: keys in first-seen order, a repeated key once.
	if got := strings.Join(tab.Rows[0].Values[:7], ","); got != "id,n,z,f,big,e,neg" {
		t.Errorf("header starts %q", got)
	}
}

// FuzzJSONRowsAsBefore: any record text reads as the map decoder read it.
func FuzzJSONRowsAsBefore(f *testing.F) {
	for _, r := range jsonEdgeRecords {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, r string) {
		r = strings.TrimSpace(r)
		if r == "" || !json.Valid([]byte(r)) && bytes.Count([]byte(r), []byte("{")) > 50 {
			return
		}
		compareWithBefore(t, []string{r, `{"id":"x"}`})
	})
}
