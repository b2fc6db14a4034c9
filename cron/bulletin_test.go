package cron

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"safetydw/dashboards"
	"safetydw/dashboards/browser"
	"safetydw/queries"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

func insertAccident(t *testing.T, db *warehouse.DB, id, at string) {
	t.Helper()
	when, err := time.ParseInLocation("2006-01-02 15:04", at, queries.China)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.PrepareBatch(context.Background(), `INSERT INTO fact_accident
		(accident_id, occurred_at, town_code, territorial_unit, level, level_by_numbers, is_production_safety, deaths, _version)`)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Append(id, when, "370812001", "370812001", "一般", "一般", uint8(1), uint16(1), uint64(1)); err != nil {
		t.Fatal(err)
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
}

// pdfText is pdftotext's layout text of a PDF's pages first to last (0: to the end).
func pdfText(t *testing.T, pdf string, first, last int) string {
	t.Helper()
	args := []string{"-layout", "-f", strconv.Itoa(first)}
	if last > 0 {
		args = append(args, "-l", strconv.Itoa(last))
	}
	out, err := exec.Command("pdftotext", append(args, pdf, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v (poppler-utils installed?)", pdf, err)
	}
	return string(out)
}

func echartsJS(t *testing.T) string {
	t.Helper()
	js, err := filepath.Abs("../var/echarts/package/dist/" + dashboards.EChartsFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(js); err != nil {
		t.Fatalf("%v: run make assets", err)
	}
	return js
}

// The May 2025 bulletin end to end, on hand-made accidents: the PDF holds the headings and the
// warehouse's figures in an embedded CJK font; generated again after more May data arrived it
// is byte for byte the same; a refreeze shows the new figures, is recorded, and keeps the old
// snapshot.
func TestBulletinFreezesAndPrints(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	// 一般 accidents, one death each: April S4; May S1 and S2 (31 May 23:30 China time is May);
	// 1 June 00:30 is June's.
	insertAccident(t, db, "S4", "2025-04-03 10:00")
	insertAccident(t, db, "S1", "2025-05-10 09:00")
	insertAccident(t, db, "S2", "2025-05-31 23:30")
	insertAccident(t, db, "S3", "2025-06-01 00:30")
	out := filepath.Join(t.TempDir(), "out")
	p := &Pipeline{DB: db, OutDir: out, EChartsJS: echartsJS(t)}
	may := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)

	start := time.Now()
	res, err := p.Bulletin(ctx, BulletinOptions{Month: may, PDF: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first bulletin (freeze + HTML + PDF): %v", time.Since(start).Round(time.Millisecond))
	if res.Dir != filepath.Join(out, "bulletins", "2025-05") {
		t.Fatalf("archived in %s", res.Dir)
	}
	cover := pdfText(t, res.PDF, 1, 1)
	// 2025-05 is issue (2025−2024)×12 + 5 = 17; its cut-off is 31 May. Only accidents were
	// loaded, so every other source is named on the cover, the hazards among them.
	for _, want := range []string{"兖州区安全生产治本攻坚三年行动月通报", "2025年5月", "第17期", "数据截至", "2025年5月31日24时",
		"本月数据不完整的数据源", "隐患（", "截至本月末尚无数据", "第 1 页"} {
		if !strings.Contains(cover, want) {
			t.Errorf("cover lacks %q:\n%s", want, cover)
		}
	}
	text := pdfText(t, res.PDF, 2, 0)
	for _, want := range []string{"目录", "一、数据报送完整性", "二、事故总体情况", "三、重大事故隐患", "四、年度目标进展", "五、量化排名",
		"六、部门执法情况", "七、专题图表", "八、红榜与黑榜", "附件一：指标定义", "附件二：量化排名评分规则", "镇（街道）", "红榜（正面表扬）"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	// The accidents row: this month S1 S2 = 2, last month S4 = 1, 2025 to May S4 S1 S2 = 3, January
	// to May 2024 none = 0. Deaths the same (one each). The completeness row of 事故: 2 rows in May,
	// newest 2025-05-31.
	for _, re := range []string{`一般生产安全事故起数\s+起\s+2\s+1\s+3\s+0\b`, `事故\s+2\s+2025-05-31`} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("PDF lacks the figures %s", re)
		}
	}
	// The contents give each chapter the page it was printed on: the page named holds the heading.
	toc := regexp.MustCompile(`(?m)^\s*((?:[一二三四五六七八]、|附件[一二]：)\S+)\s+(\d+)\s*$`).FindAllStringSubmatch(pdfText(t, res.PDF, 2, 2), -1)
	if len(toc) != 10 {
		t.Errorf("contents: %d numbered chapters, want 10: %q", len(toc), toc)
	}
	for _, m := range toc {
		n, _ := strconv.Atoi(m[2])
		if n < 3 || !strings.Contains(pdfText(t, res.PDF, n, n), m[1]) {
			t.Errorf("contents: %s on page %d, which does not hold it", m[1], n)
		}
	}
	fonts, err := exec.Command("pdffonts", res.PDF).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)WenQuanYiZenHei\s+CID TrueType\s+Identity-H\s+yes`).Match(fonts) {
		t.Errorf("no embedded CJK font:\n%s", fonts)
	}
	// Opened offline as a reader opens the archive: ECharts from bulletins/assets, every chart
	// drawn as SVG (vector text in the PDF), no console error, no request that failed.
	br, err := browser.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, err := browser.FileURL(res.HTML)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := br.CheckPage(ctx, u)
	br.Close()
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Problems(); len(p) > 0 || len(rep.Charts) == 0 {
		t.Errorf("bulletin page: %d charts, problems %v", len(rep.Charts), p)
	}
	for _, c := range rep.Charts {
		if c.Renderer != "svg" {
			t.Errorf("chart %s drawn by %q, want svg", c.ID, c.Renderer)
		}
	}
	html1, err := os.ReadFile(res.HTML)
	if err != nil {
		t.Fatal(err)
	}
	sum1, _ := os.ReadFile(filepath.Join(res.Dir, "snapshot.sha256"))
	index, _ := os.ReadFile(filepath.Join(out, "bulletins", "index.html"))
	if !bytes.Contains(index, []byte("2025年5月")) || !bytes.Contains(index, []byte("2025-05/bulletin.pdf")) {
		t.Errorf("the archive's index does not list May:\n%s", index)
	}

	// A late May accident; May generated again reads its snapshot: the same bytes, the same hash,
	// and the PDF printed from the same HTML is kept as it was, not printed again.
	pdf1, _ := os.ReadFile(res.PDF)
	insertAccident(t, db, "S5", "2025-05-20 08:00")
	again, err := p.Bulletin(ctx, BulletinOptions{Month: may, PDF: true})
	if err != nil {
		t.Fatal(err)
	}
	html2, _ := os.ReadFile(again.HTML)
	sum2, _ := os.ReadFile(filepath.Join(again.Dir, "snapshot.sha256"))
	if !bytes.Equal(html1, html2) || !bytes.Equal(sum1, sum2) {
		t.Errorf("May generated again differs: html equal %v, hash %q vs %q", bytes.Equal(html1, html2), sum1, sum2)
	}
	if pdf2, _ := os.ReadFile(again.PDF); !again.PDFReused || !bytes.Equal(pdf1, pdf2) {
		t.Errorf("May generated again: PDF reused %v, same bytes %v; want the archived PDF kept", again.PDFReused, bytes.Equal(pdf1, pdf2))
	}

	// Refrozen with a reason: May now has S1 S2 S5 = 3 accidents (2025: 4), a new hash, a ledger row.
	re, err := p.Bulletin(ctx, BulletinOptions{Month: may, PDF: true, Refreeze: true, Reason: "补录迟报事故"})
	if err != nil {
		t.Fatal(err)
	}
	sum3, _ := os.ReadFile(filepath.Join(re.Dir, "snapshot.sha256"))
	if bytes.Equal(sum1, sum3) {
		t.Errorf("refrozen May has the old hash %s", sum3)
	}
	if re.PDFReused {
		t.Errorf("the refrozen May kept the PDF of the old figures")
	}
	text = pdfText(t, re.PDF, 1, 0)
	if !regexp.MustCompile(`一般生产安全事故起数\s+起\s+3\s+1\s+4\s+0\b`).MatchString(text) || !strings.Contains(text, "补录迟报事故") {
		t.Errorf("refrozen PDF lacks the new figures or the reason")
	}
	var snaps, ledger uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM rpt_snapshot WHERE month = '2025-05-01'").Scan(&snaps); err != nil || snaps != 2 {
		t.Errorf("May snapshots: %d (%v), want the old one kept beside the new", snaps, err)
	}
	if err := db.QueryRow(ctx, "SELECT count() FROM rpt_snapshot_refreeze WHERE month = '2025-05-01' AND reason = '补录迟报事故'").Scan(&ledger); err != nil || ledger != 1 {
		t.Errorf("refreeze ledger rows: %d (%v), want 1", ledger, err)
	}

	// The site built later shows, on a town's scorecard, the rank May's bulletin published (as of
	// 31 May, from the snapshot) beside the Set's own two: 30 June (the month end before) and
	// 15 July (the refresh's day).
	if _, err := queries.Refresh(ctx, db, time.Date(2025, 7, 15, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Build(ctx); err != nil {
		t.Fatal(err)
	}
	card, err := os.ReadFile(filepath.Join(out, "score-town-370812001.html"))
	if err != nil {
		t.Fatal(err)
	}
	hist := string(card[bytes.Index(card, []byte("排名变化")):])
	for _, day := range []string{"2025年5月31日", "2025年6月30日", "2025年7月15日"} {
		if !strings.Contains(hist, day) {
			t.Errorf("the scorecard's rank history lacks %s", day)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "bulletins", "2025-05", "bulletin.pdf")); err != nil {
		t.Errorf("the site build lost the archive: %v", err)
	}

	// August 2025 has no data at all: refused, naming the flag, and nothing frozen.
	_, err = p.Bulletin(ctx, BulletinOptions{Month: time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)})
	if !errors.Is(err, dashboards.ErrNoData) || !strings.Contains(err.Error(), "--month 2025-08") {
		t.Errorf("a month without data: %v", err)
	}
	if _, err := queries.LoadSnapshot(ctx, db, time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, queries.ErrNoSnapshot) {
		t.Errorf("August was frozen anyway: %v", err)
	}
}

// Two first generations of the same month at once (the scheduler's monthly run and a user's
// command) write one snapshot: the second waits for the first's freeze and reads it, so both
// archive the same figures under the same hash.
func TestConcurrentFreezesWriteOneSnapshot(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	insertAccident(t, db, "S1", "2025-05-10 09:00")
	may := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	js := echartsJS(t)
	ids := make([]uint64, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each its own site folder, as two hosts would have.
			p := &Pipeline{DB: db, OutDir: filepath.Join(t.TempDir(), "out"), EChartsJS: js}
			if _, errs[i] = p.Bulletin(ctx, BulletinOptions{Month: may}); errs[i] == nil {
				var snap *queries.Snapshot
				snap, errs[i] = queries.LoadSnapshot(ctx, db, may)
				if snap != nil {
					ids[i] = snap.ID
				}
			}
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	var n uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM rpt_snapshot WHERE month = '2025-05-01'").Scan(&n); err != nil || n != 1 || ids[0] != ids[1] {
		t.Errorf("May frozen %d times (%v), snapshots read %v; want one, read by both", n, err, ids)
	}
}
