package files

import (
	"bufio"
	"fmt"
	"reflect"
	"strconv"
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

	// An unterminated quote refuses its own row only; the rows before it are kept.
	s = &csvSplitter{br: bufio.NewReader(strings.NewReader("h\n1\n\"open\n")), path: "z.csv"}
	var t4 source.Table
	eof, err = s.chunk(&t4, 10)
	rows = t4.Rows
	if err != nil || !eof || len(rows) != 3 || rows[2].Num != 3 || rows[2].Values != nil || rows[2].Raw != `"open` ||
		rows[2].Broken == nil || rows[2].Broken.Field != 0 || rows[2].Broken.Reason != whyAtEnd {
		t.Fatalf("rows %+v, err %v", rows, err)
	}
}

// splitAll reads a whole input in chunks of max records and returns the rows as
// "num:values" for good rows and "num!field:raw" for broken ones.
func splitAll(t *testing.T, in string, max int) []string {
	t.Helper()
	s := &csvSplitter{br: bufio.NewReader(strings.NewReader(in)), path: "x.csv"}
	var out []string
	for {
		var tab source.Table
		eof, err := s.chunk(&tab, max)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range tab.Rows {
			if r.Broken != nil {
				if r.Values != nil {
					t.Errorf("row %d is broken but has values %q", r.Num, r.Values)
				}
				out = append(out, fmt.Sprintf("%d!%d:%s", r.Num, r.Broken.Field, r.Raw))
			} else {
				out = append(out, fmt.Sprintf("%d:%s", r.Num, strings.Join(r.Values, "|")))
			}
		}
		if eof {
			return out
		}
	}
}

// A quote error is its record's: the record is refused, reading goes on at the next line.
func TestCSVQuoteErrorsPerRecord(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"bare quote inside a value", "h,i\n1,a\"b\n2,c\n", []string{"1:h|i", "2!1:1,a\"b", "3:2|c"}},
		{"text after a closing quote", "h,i\n1,\"a\"b\n2,c\n", []string{"1:h|i", "2!1:1,\"a\"b", "3:2|c"}},
		// Row 2 opens a quote that row 4 "closes" with text after it: row 2 alone is refused,
		// row 3 is read again as a record, and row 4 is judged on its own (a bare quote).
		{"open quote closed badly further down", "h,i\n1,\"a\n2,b\n3,c\"d\n4,e\n",
			[]string{"1:h|i", "2!1:1,\"a", "3:2|b", "4!1:3,c\"d", "5:4|e"}},
		// A quote opened on row 2 that never closes: rows 3 and 4 are still read; row 4
		// opens one too and is refused without reading ahead again.
		{"open quote to the end", "h,i\n1,\"a\n2,b\n3,\"c\n", []string{"1:h|i", "2!1:1,\"a", "3:2|b", "4!1:3,\"c"}},
		// A well-formed value over lines still reads as one record.
		{"quoted value over lines", "h,i\n1,\"a\n\nb\"\"c\"\n2,d\n", []string{"1:h|i", "2:1|a\n\nb\"c", "5:2|d"}},
	}
	for _, c := range cases {
		for _, max := range []int{1, 2, 100} { // records given back must survive a chunk's end
			if got := splitAll(t, c.in, max); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s (chunks of %d):\n got %q\nwant %q", c.name, max, got, c.want)
			}
		}
	}
}

// The file: 20,000 drills with one stray quote opening a value on row 4. Before, rows
// 4 to 20,001 came back as one error (and took time quadratic in the rest of the file). Now
// row 4 alone is refused: 1 header + 19,999 rows read, 1 broken.
func TestCSVStrayQuoteCostsOneRow(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,n\n")
	for i := 1; i <= 20_000; i++ {
		name := "unit" + strconv.Itoa(i)
		if i == 3 {
			name = `"unit3` // physical line 4
		}
		fmt.Fprintf(&b, "%d,%s,%d\n", i, name, i%50)
	}
	rows := splitAll(t, b.String(), 100_000)
	var broken []string
	for _, r := range rows {
		if strings.Contains(r, "!") {
			broken = append(broken, r)
		}
	}
	if len(rows) != 20_001 || len(broken) != 1 || broken[0] != `4!1:3,"unit3,3` || rows[4] != "5:4|unit4|4" || rows[20_000] != "20001:20000|unit20000|0" {
		t.Fatalf("%d rows, broken %q, rows 4..5 %q, last %q", len(rows), broken, rows[3:5], rows[len(rows)-1])
	}
}

// Every line opening a quote that never closes is the worst case for reading ahead: each line
// would read the rest of the file (or 1 MiB) again. The refused span is remembered, so this
// finishes, and every line is refused on its own: 60,000 broken rows.
func TestCSVEveryLineOpensAQuote(t *testing.T) {
	in := strings.Repeat("x,\"open quote\n", 60_000)
	rows := splitAll(t, in, 100_000)
	if len(rows) != 60_000 || rows[0] != `1!1:x,"open quote` || rows[59_999] != `60000!1:x,"open quote` {
		t.Fatalf("%d rows, first %q, last %q", len(rows), rows[0], rows[len(rows)-1])
	}
}

// A quoted value longer than maxRecord is taken for a stray quote: its first line is refused
// and the lines after it read as records.
func TestCSVQuotedValueTooLong(t *testing.T) {
	line := strings.Repeat("y", 999) + "\n" // 1,000 bytes a line: 1,100 lines pass 1 MiB
	in := "h,i\n1,\"open\n" + strings.Repeat(line, 1100) + "2,\"closed\"\n"
	rows := splitAll(t, in, 100_000)
	if len(rows) != 1103 || rows[1] != `2!1:1,"open` || rows[2] != "3:"+strings.Repeat("y", 999) || rows[1102] != "1103:2|closed" {
		t.Fatalf("%d rows: %q … %q", len(rows), rows[:2], rows[len(rows)-1])
	}
}
