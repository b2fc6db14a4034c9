package sitedir_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetydw/dashboards/sitedir"
)

// page is a build that writes one index.html saying which build it was.
func page(text string) func(string) error {
	return func(dir string) error {
		return os.WriteFile(filepath.Join(dir, "index.html"), []byte(text), 0o644)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// entries lists a folder's names, to compare before and after a refused build.
func entries(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return strings.Join(names, ",")
}

// TestReplaceRefusesWhatItDidNotMake names every path a careless --out names. Before the fix
// dashboards.Build ran os.RemoveAll on each of them.
func TestReplaceRefusesWhatItDidNotMake(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	// A repository-like working folder: go.mod, a source file, a folder of the user's.
	must(t, os.WriteFile("go.mod", []byte("module x\n"), 0o644))
	must(t, os.MkdirAll("reports", 0o755))
	must(t, os.WriteFile("reports/2025年度总结.docx", []byte("user's work"), 0o644))
	must(t, os.WriteFile("notes.txt", []byte("a file"), 0o644))
	must(t, os.Symlink("reports", "link"))
	before := entries(t, root)

	built := false
	build := func(string) error { built = true; return nil }
	cases := []struct{ out, why string }{
		{".", "当前目录"},
		{"..", "当前目录或其上级目录"},
		{"/", "当前目录或其上级目录"},
		{root, "当前目录"},
		{"notes.txt", "是一个文件"},
		{"reports", "不是 safetydw 生成的看板目录"},
		{"link", "符号链接"},
		{"", "未指定"},
	}
	for _, c := range cases {
		err := sitedir.Replace(c.out, build)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("Replace(%q): %v, want a refusal saying %q", c.out, err, c.why)
		}
		if err != nil && c.out != "" && !strings.Contains(err.Error(), "--out "+c.out) {
			t.Errorf("Replace(%q): the message does not name the path: %v", c.out, err)
		}
	}
	if built {
		t.Error("build ran for a refused path")
	}
	if after := entries(t, root); after != before {
		t.Errorf("the working folder changed: %s → %s", before, after)
	}
	if got := read(t, "reports/2025年度总结.docx"); got != "user's work" {
		t.Errorf("user's file now holds %q", got)
	}
	if got := read(t, "notes.txt"); got != "a file" {
		t.Errorf("notes.txt now holds %q", got)
	}
	// The same refusal from inside a site: its own folder is the working folder.
	must(t, sitedir.Replace("site", page("v1")))
	t.Chdir(filepath.Join(root, "site"))
	if err := sitedir.Replace(".", page("v2")); err == nil {
		t.Error("Replace(\".\") from inside a site succeeded")
	}
}

// TestReplaceSwapsAndKeepsArchives: a new folder is created with the marker, a site is
// replaced whole (a stale page goes), the bulletins archive survives two rebuilds, and a
// failed build leaves the old site as it was with no temporary folder behind.
func TestReplaceSwapsAndKeepsArchives(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	must(t, sitedir.Replace(out, func(dir string) error {
		must(t, os.WriteFile(filepath.Join(dir, "old.html"), []byte("stale page"), 0o644))
		return page("v1")(dir)
	}))
	if got := read(t, filepath.Join(out, "index.html")); got != "v1" {
		t.Fatalf("index.html %q, want v1", got)
	}
	if _, err := os.Stat(filepath.Join(out, sitedir.Marker)); err != nil {
		t.Fatalf("no marker in a new site: %v", err)
	}
	// A bulletin added in place, as the monthly bulletin command does.
	must(t, sitedir.Update(out, func(dir string) error {
		must(t, os.MkdirAll(filepath.Join(dir, "bulletins", "2025-06"), 0o755))
		return os.WriteFile(filepath.Join(dir, "bulletins", "2025-06", "通报.pdf"), []byte("June"), 0o644)
	}))
	for _, v := range []string{"v2", "v3"} {
		must(t, sitedir.Replace(out, page(v)))
		if got := read(t, filepath.Join(out, "index.html")); got != v {
			t.Fatalf("index.html %q, want %s", got, v)
		}
		if got := read(t, filepath.Join(out, "bulletins", "2025-06", "通报.pdf")); got != "June" {
			t.Fatalf("the bulletin archive did not survive rebuild %s: %q", v, got)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "old.html")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a page of the old site survived the rebuild: %v", err)
	}

	boom := errors.New("page campaign.html: no connection")
	err := sitedir.Replace(out, func(dir string) error {
		must(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("half"), 0o644))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failed build: %v, want %v", err, boom)
	}
	if got := read(t, filepath.Join(out, "index.html")); got != "v3" {
		t.Errorf("after a failed build index.html is %q, want the old site's v3", got)
	}
	if got := read(t, filepath.Join(out, "bulletins", "2025-06", "通报.pdf")); got != "June" {
		t.Errorf("after a failed build the bulletin is %q", got)
	}
	if got := entries(t, parent); got != "out" {
		t.Errorf("left beside the site: %s, want only out", got)
	}
}

// TestReplaceTakesOverAnEmptyFolder: a folder the user made for the site loses nothing.
func TestReplaceTakesOverAnEmptyFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "看板")
	must(t, os.Mkdir(out, 0o755))
	must(t, sitedir.Replace(out, page("v1")))
	if got := read(t, filepath.Join(out, "index.html")); got != "v1" {
		t.Fatalf("index.html %q", got)
	}
	// Update refuses a folder that is not a site, like Replace.
	other := t.TempDir()
	must(t, os.WriteFile(filepath.Join(other, "mine.txt"), nil, 0o644))
	if err := sitedir.Update(other, func(string) error { return nil }); err == nil || !strings.Contains(err.Error(), "拒绝写入") {
		t.Errorf("Update of a user's folder: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestReplaceTakesOverAnOldSite: a site built before the marker existed (pages and
// assets/echarts.min.js only) is replaced, so existing checkouts keep building; one extra
// file of the user's in it and it is refused.
func TestReplaceTakesOverAnOldSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	for _, f := range []string{"index.html", "drills.html", "assets/echarts.min.js"} {
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(out, f)), 0o755))
		must(t, os.WriteFile(filepath.Join(out, f), []byte("old"), 0o644))
	}
	mine := filepath.Join(out, "assets", "my-notes.txt")
	must(t, os.WriteFile(mine, []byte("mine"), 0o644))
	if err := sitedir.Replace(out, page("v1")); err == nil || !strings.Contains(err.Error(), "拒绝写入") {
		t.Fatalf("an old site with a file of the user's in it: %v, want a refusal", err)
	}
	must(t, os.Remove(mine))
	must(t, sitedir.Replace(out, page("v1")))
	if got := read(t, filepath.Join(out, "index.html")); got != "v1" {
		t.Errorf("index.html %q", got)
	}
}
