package files

import (
	"bufio"
	"reflect"
	"strings"
	"testing"

	"safetydw/etl/source"
)

func TestCSVSplitter(t *testing.T) {
	in := "\ufeffa,b,c\r\n" +
		" 1 , two ,3\n" +
		"\n" + // blank lines are skipped but counted
		`4,"five, with comma","six ""quoted"""` + "\n" +
		`7,"eight` + "\n" + `on two lines",9` + "\n" +
		"10,11\n" + // short rows are the dataset's to judge
		"12,13,14"
	s := &csvSplitter{br: bufio.NewReader(strings.NewReader(in)), path: "x.csv"}
	var tab source.Table
	eof, err := s.chunk(&tab, 100)
	rows := tab.Rows
	if err != nil || !eof {
		t.Fatalf("eof %v, err %v", eof, err)
	}
	want := []struct {
		num  int
		vals []string
	}{
		{1, []string{"a", "b", "c"}},
		{2, []string{"1", "two", "3"}},
		{4, []string{"4", "five, with comma", `six "quoted"`}},
		{5, []string{"7", "eight\non two lines", "9"}},
		{7, []string{"10", "11"}},
		{8, []string{"12", "13", "14"}},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows: %+v", len(rows), rows)
	}
	for i, w := range want {
		if rows[i].Num != w.num || !reflect.DeepEqual(rows[i].Values, w.vals) {
			t.Errorf("row %d = %d %q, want %d %q", i, rows[i].Num, rows[i].Values, w.num, w.vals)
		}
	}

	// Chunks continue where the last one stopped.
	s = &csvSplitter{br: bufio.NewReader(strings.NewReader("h\n1\n2\n3\n")), path: "y.csv"}
	var t1, t2, t3 source.Table
	eof1, _ := s.chunk(&t1, 2)
	eof2, _ := s.chunk(&t2, 2)
	eof3, _ := s.chunk(&t3, 2) // the end shows as an empty last chunk
	first, second, third := t1.Rows, t2.Rows, t3.Rows
	if len(first) != 2 || eof1 || len(second) != 2 || eof2 || second[1].Values[0] != "3" || second[1].Num != 4 || len(third) != 0 || !eof3 {
		t.Fatalf("chunks %+v / %+v / %+v", first, second, third)
	}

	// An unterminated quote stops the file at its row, keeping the rows before it.
	s = &csvSplitter{br: bufio.NewReader(strings.NewReader("h\n1\n\"open\n")), path: "z.csv"}
	var t4 source.Table
	_, err = s.chunk(&t4, 10)
	rows = t4.Rows
	if err == nil || !strings.Contains(err.Error(), "row 3") || len(rows) != 2 {
		t.Fatalf("rows %+v, err %v", rows, err)
	}
}
