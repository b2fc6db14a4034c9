package files

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// FirstRow (the header the quarantine export puts above refused rows) reads as loading does:
// GBK decoded, and only a regular file inside the drop folder. Before, it opened whatever the
// path named: a FIFO there blocked the export for good.
func TestFirstRowReadsOnlyRegularFilesInside(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("演练编号,所属镇街\nB-1,鼓楼街道\n"))
	must(t, os.MkdirAll(filepath.Join(dir, "drills"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "drills/a.csv"), gbk, 0o644))
	must(t, os.WriteFile(filepath.Join(outside, "secret.csv"), []byte("root,secret\n"), 0o600))
	must(t, os.Symlink(filepath.Join(outside, "secret.csv"), filepath.Join(dir, "drills/b.csv")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "drills/c.csv"), 0o644))

	if got, err := FirstRow(dir, "drills/a.csv"); err != nil || !reflect.DeepEqual(got, []string{"演练编号", "所属镇街"}) {
		t.Errorf("GBK header = %q, %v", got, err)
	}
	for rel, want := range map[string]string{
		"drills/b.csv": "a symlink that leads outside the drop folder",
		"drills/c.csv": "not a regular file",
	} {
		if got, err := FirstRow(dir, rel); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q, %v; want an error with %q", rel, got, err, want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// scanFile checks UTF-8 across its 256 KiB reads: a character cut by a read's end is whole
// with the next, and the first bad byte is found with its line wherever it falls.
func TestScanFileUTF8AcrossReads(t *testing.T) {
	var b strings.Builder
	const text = "兖州区鼓楼街道演练台账,第一行\n" // 44 bytes of 3-byte characters: reads end inside them
	for b.Len() < 700<<10 {
		b.WriteString(text)
	}
	good := b.String()
	path := filepath.Join(t.TempDir(), "a.csv")
	must(t, os.WriteFile(path, []byte(good), 0o644))
	if s, err := scanFile(context.Background(), path, true); err != nil || s.badUTF8 != -1 || s.size != int64(len(good)) {
		t.Fatalf("valid file: %+v, %v", s, err)
	}
	// A GBK pair after the first character of line 15,000 (past two reads): offset
	// 14,999 × 44 + 3 = 659,959.
	off := 14_999*len(text) + 3
	bad := good[:off] + "\xd6\xd0" + good[off:]
	must(t, os.WriteFile(path, []byte(bad), 0o644))
	if s, err := scanFile(context.Background(), path, true); err != nil || s.badUTF8 != 659_959 || s.badUTF8Row != 15_000 {
		t.Fatalf("bad byte: %+v, %v; want offset 659959 on line 15000", s, err)
	}
}
