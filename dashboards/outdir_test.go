package dashboards_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetydw/dashboards"
	"safetydw/dashboards/sitedir"
	"safetydw/queries"
	"safetydw/warehouse/warehousetest"
)

// TestBuildNeverDeletesWhatItDidNotMake builds against the real warehouse into the paths a
// careless --out names. Before sitedir, Build ran os.RemoveAll on each: the user's folder
// with its report, the file, and the working folder were gone with exit code 0.
func TestBuildNeverDeletesWhatItDidNotMake(t *testing.T) {
	ctx := context.Background()
	js := echartsJS(t)
	db := warehousetest.New(t)
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	if _, err := queries.Refresh(ctx, db, now); err != nil { // a build reads the latest refresh
		t.Fatal(err)
	}
	opts := dashboards.Options{EChartsJS: js, Now: now}

	root := t.TempDir()
	t.Chdir(root)
	mustWrite(t, "mine/2025年度总结.docx", "the user's report")
	mustWrite(t, "notes.txt", "the user's notes")
	for _, out := range []string{"mine", "notes.txt", ".", ".."} {
		_, err := dashboards.Build(ctx, db, out, opts)
		if err == nil || !strings.Contains(err.Error(), "拒绝写入 --out "+out) {
			t.Errorf("Build --out %s: %v, want a refusal naming the path", out, err)
		}
	}
	for path, want := range map[string]string{"mine/2025年度总结.docx": "the user's report", "notes.txt": "the user's notes"} {
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want it untouched", path, got, err)
		}
	}

	// A site it built is rebuilt, and the bulletins archive inside it survives.
	if _, err := dashboards.Build(ctx, db, "out", opts); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, "out/bulletins/2025-06/月度通报.pdf", "June")
	opts.Now = now.Add(time.Hour)
	if _, err := dashboards.Build(ctx, db, "out", opts); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile("out/bulletins/2025-06/月度通报.pdf"); err != nil || string(got) != "June" {
		t.Errorf("bulletin after a rebuild: %q, %v", got, err)
	}
	for _, f := range []string{"index.html", "drills.html", "assets/" + dashboards.EChartsFile, sitedir.Marker} {
		if _, err := os.Stat(filepath.Join("out", f)); err != nil {
			t.Errorf("rebuilt site: %v", err)
		}
	}
}

func mustWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
