package etl_test

import (
	"context"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"safetydw/etl"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// secret is what a file outside the drop folder holds; it must reach no table, no archive
// file and no message.
const secret = "root:$6$secret-hash-7f3a:19000:0:99999:7:::"

// Only regular files inside the drop folder are read. Each case puts one hostile entry where
// the drills pattern finds it; the run must fail naming it, before reading anything of it.
// Before: a symlink to a secret was read into the quarantine's raw text and the archive, a
// FIFO hung the run (deaf to SIGTERM), and a directory or socket failed on reading.
func TestDropFolderRefusesWhatIsNotARegularFileInside(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "shadow.csv"), []byte(drillHeader+"\n"+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		make  func(t *testing.T, dir string) // makes drills/2024/x.csv
		wants string
	}{
		{"symlink to a file outside", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(outside, "shadow.csv"), filepath.Join(dir, "drills/2024/x.csv"))
		}, "drills/2024/x.csv: 符号链接指向投放目录之外，拒绝读取 (a symlink that leads outside the drop folder"},
		{"relative symlink climbing out", func(t *testing.T, dir string) {
			rel, err := filepath.Rel(filepath.Join(dir, "drills/2024"), filepath.Join(outside, "shadow.csv"))
			if err != nil {
				t.Fatal(err)
			}
			symlink(t, rel, filepath.Join(dir, "drills/2024/x.csv"))
		}, "a symlink that leads outside the drop folder"},
		{"symlinked folder outside", func(t *testing.T, dir string) {
			symlink(t, outside, filepath.Join(dir, "drills/2023"))
		}, "drills/2023/shadow.csv: 符号链接指向投放目录之外"},
		{"FIFO", func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "drills/2024/x.csv"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "drills/2024/x.csv: 不是普通文件 (命名管道 FIFO)，拒绝读取 (not a regular file: refused)"},
		{"socket", func(t *testing.T, dir string) {
			l, err := net.Listen("unix", filepath.Join(dir, "drills/2024/x.csv"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
		}, "不是普通文件 (套接字 socket)"},
		{"folder named like a file", func(t *testing.T, dir string) {
			if err := os.Mkdir(filepath.Join(dir, "drills/2024/x.csv"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, "不是普通文件 (目录 directory)"},
		{"broken symlink", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(outside, "gone.csv"), filepath.Join(dir, "drills/2024/x.csv"))
		}, "drills/2024/x.csv: 无法解析路径，可能是断开的符号链接"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := warehousetest.New(t)
			dir := regDrop(t)
			if err := write(dir, "drills/2024/a.csv", lines(drillHeader, goodDrill)); err != nil {
				t.Fatal(err)
			}
			c.make(t, dir)
			r := &etl.Runner{DB: db, DropDir: dir, Landing: t.TempDir()}
			_, err := r.Run(ctx, drillSources(t, "drills/*/*.csv"))
			if err == nil || !strings.Contains(err.Error(), c.wants) {
				t.Fatalf("run error %v, want %q", err, c.wants)
			}
			checkNothingOf(t, db, "drills")
			noSecret(t, r.Landing, db)
		})
	}
}

// noSecret checks that the secret reached no archive file, no quarantine row and no message.
func noSecret(t *testing.T, landing string, db *warehouse.DB) {
	t.Helper()
	_ = filepath.WalkDir(landing, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), "secret-hash") {
				t.Errorf("archive %s holds the secret", p)
			}
		}
		return nil
	})
	if n := count(t, db, "SELECT (SELECT count() FROM etl_quarantine WHERE position(raw, 'secret-hash') > 0) + (SELECT count() FROM etl_runs WHERE position(error, 'secret-hash') > 0)"); n != 0 {
		t.Errorf("%d quarantine or run ledger rows hold the secret", n)
	}
}

// A symlink whose target lies inside the drop folder is followed: a town's folder may link to
// a shared one. Its rows are named by the link's path.
func TestDropFolderFollowsSymlinksInside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := regDrop(t)
	if err := write(dir, "shared/370812001_2024.csv", lines(drillHeader, goodDrill)); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "drills/2024"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := write(dir, "shared/370812003_2024.csv", lines(drillHeader, drill("B-2", nil))); err != nil {
		t.Fatal(err)
	}
	symlink(t, "../../shared/370812001_2024.csv", filepath.Join(dir, "drills/2024/370812001.csv"))
	symlink(t, filepath.Join(dir, "shared/370812003_2024.csv"), filepath.Join(dir, "drills/2024/370812003.csv"))
	// The drop folder named relative to the working folder, the second link absolute: both
	// resolve to the same place.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	relDir, err := filepath.Rel(wd, dir)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := (&etl.Runner{DB: db, DropDir: relDir}).Run(ctx, drillSources(t, "drills/*/*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if stats[1].Loaded != 2 {
		t.Errorf("%+v, want the linked files' 2 drills loaded", stats[1])
	}
	if n := count(t, db, "SELECT count() FROM fact_drill FINAL WHERE source_file IN ('drills/2024/370812001.csv', 'drills/2024/370812003.csv')"); n != 2 {
		t.Errorf("%d drills named by the links' paths, want 2", n)
	}
}

// Patterns stay inside the drop folder, the folder must exist, and every pattern must match
// something. Before: "../" read outside, and a missing folder or a pattern matching nothing
// gave "0 rows, ok".
func TestDropFolderPatterns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	base := t.TempDir()
	dir := filepath.Join(base, "drop")
	if err := os.CopyFS(dir, os.DirFS(regDrop(t))); err != nil {
		t.Fatal(err)
	}
	if err := write(dir, "drills/2024/a.csv", lines(drillHeader, goodDrill)); err != nil {
		t.Fatal(err)
	}
	if err := write(base, "outside/b.csv", lines(drillHeader, secret)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir      string
		patterns []string
		wants    string
	}{
		{dir, []string{"drills/*/*.csv", "../outside/*.csv"}, `file.patterns "../outside/*.csv": 不能含 “..”`},
		{dir, []string{"drills/../../outside/*.csv"}, `不能含 “..”`},
		{dir, []string{filepath.Join(base, "outside/*.csv")}, "不能用绝对路径"},
		{dir, []string{"drills/*/*.csv", "drills/*/*.xls"}, `模式 "drills/*/*.xls" 在投放目录 ` + dir + ` 中没有匹配到任何文件 (pattern "drills/*/*.xls" matched no file`},
		{dir, []string{"drills/[2024/*.csv"}, "模式写法有误 (malformed pattern)"},
		{filepath.Join(base, "no-such-drop"), []string{"drills/*/*.csv"}, "投放目录 " + filepath.Join(base, "no-such-drop") + " 不存在或无法读取"},
	} {
		sources := drillSources(t, c.patterns...)
		// Sources declared in code skip LoadSources' check: the connector checks again.
		_, err := (&etl.Runner{DB: db, DropDir: c.dir}).Run(ctx, sources[1:])
		if err == nil || !strings.Contains(err.Error(), c.wants) {
			t.Errorf("%s %v: run error %v, want %q", c.dir, c.patterns, err, c.wants)
		}
	}
	checkNothingOf(t, db, "drills")

	// LoadSources refuses such patterns before anything runs, naming the source.
	bad := filepath.Join(base, "sources.yaml")
	if err := os.WriteFile(bad, []byte("sources:\n  - {name: drills, kind: file, dataset: drills, file: {patterns: [\"../*.csv\"]}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := etl.LoadSources(bad); err == nil || !strings.Contains(err.Error(), "source drills: file.patterns \"../*.csv\"") {
		t.Errorf("LoadSources: %v", err)
	}

	// A source whose files were all loaded before is fine: matched, skipped, ok.
	r := &etl.Runner{DB: db, DropDir: dir}
	for run := 1; run <= 2; run++ {
		stats, err := r.Run(ctx, drillSources(t, "drills/*/*.csv"))
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if run == 2 && (stats[1].Skipped != 1 || stats[1].Read != 0) {
			t.Errorf("second run: %+v, want the file skipped", stats[1])
		}
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
