package browser

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// chaptersPage is a page laid out like a bulletin: a <base> one folder up, a table of contents
// linking to its chapters by the page's own path, one link to another page, and chapters that
// each start a printed page. filler[i] is chapter i's height in CSS pixels.
func chaptersPage(filler [3]int) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><base href="../"><style>
section { break-before: page; } .pg { margin-left: 2em; }</style>
<script>window.sdwTOC = function (pages) { var n = 0;
  document.querySelectorAll(".toc li").forEach(function (li) {
    var a = li.querySelector("a[href]"), p = a && a.hash ? pages[a.hash.slice(1)] : 0;
    li.querySelector(".pg").textContent = p ? String(p) : ""; if (p) { n++; } });
  return n; };</script></head><body><h1>Contents</h1><ul class="toc">`)
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&b, `<li><a href="sub/page.html#c%d">Chapter%d</a><span class="pg"></span></li>`, i, i)
	}
	b.WriteString(`</ul><p><a href="other.html">elsewhere</a></p>`)
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&b, `<section id="c%d"><h2>Chapter%d</h2><div style="height:%dpx"></div></section>`, i, i, filler[i-1])
	}
	b.WriteString(`</body></html>`)
	return b.String()
}

// The contents of a printed page name the page each chapter was printed on. A4 less the margins
// is about 1,000 CSS pixels tall: chapter 1 (one line) is on page 2, chapter 2 (2,500 px) on
// pages 3–5, so chapter 3 starts page 6. Printed once more with that PDF as the earlier print,
// the guess is right and one print is enough; with a wrong guess (a PDF of a shorter page,
// where the chapters are on pages 2, 3 and 4) it prints again and the numbers are right.
func TestPrintNumbersTheContents(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: apt-get install poppler-utils (make browser does)")
	}
	ctx := context.Background()
	b, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	dir := t.TempDir()
	write := func(name string, filler [3]int) string {
		path := filepath.Join(dir, name, "sub", "page.html")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(chaptersPage(filler)), 0o644); err != nil {
			t.Fatal(err)
		}
		u, err := FileURL(path)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	long := write("long", [3]int{10, 2500, 10})
	short := write("short", [3]int{10, 10, 10})
	print := func(url, previous string, wantPrints int, want map[string]int) string {
		t.Helper()
		out := filepath.Join(dir, fmt.Sprintf("p%d.pdf", len(must(os.ReadDir(dir)))))
		n, err := b.PrintPDF(ctx, url, out, previous)
		if err != nil {
			t.Fatal(err)
		}
		pdf := must(os.ReadFile(out))
		got, err := destinationPages(pdf)
		if err != nil {
			t.Fatal(err)
		}
		if n != wantPrints || !maps.Equal(got, want) {
			t.Errorf("printed %d times (want %d), chapters on pages %v (want %v)", n, wantPrints, got, want)
		}
		// The contents as printed: "Chapter1 2" etc. on page 1.
		text := must(exec.Command("pdftotext", "-f", "1", "-l", "1", "-layout", out, "-").Output())
		for id, p := range want {
			line := fmt.Sprintf(`Chapter%s\s+%d\b`, strings.TrimPrefix(id, "c"), p)
			if !regexp.MustCompile(line).Match(text) {
				t.Errorf("the contents lack %q:\n%s", line, text)
			}
		}
		// The link to another page is gone; the contents' links stay inside the PDF.
		if bytes.Contains(pdf, []byte("/URI")) || !bytes.Contains(pdf, []byte("/Dest /c3")) {
			t.Errorf("links: a /URI left or no link to chapter 3 inside the PDF")
		}
		return out
	}
	longPages := map[string]int{"c1": 2, "c2": 3, "c3": 6}
	first := print(long, filepath.Join(dir, "none.pdf"), 2, longPages)
	print(long, first, 1, longPages)
	shortPDF := print(short, "", 2, map[string]int{"c1": 2, "c2": 3, "c3": 4})
	print(long, shortPDF, 2, longPages)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
