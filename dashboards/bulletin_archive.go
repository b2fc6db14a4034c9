package dashboards

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"safetydw/dashboards/sitedir"
	"safetydw/queries"
	"safetydw/queries/ranking"
	"safetydw/warehouse"
)

// The archive of bulletins lives in the site folder, out/bulletins/: one folder a month
// (bulletin.html, bulletin.pdf, snapshot.json, snapshot.sha256), ECharts once in
// bulletins/assets/, and bulletins/index.html listing every month. A site rebuild keeps the
// folder (sitedir.Kept); the index is written from the archive's own snapshot.json files, so it
// needs no server.

// ArchiveDir is the archive's folder inside the site.
const ArchiveDir = "bulletins"

// SnapshotFile is the snapshot.json of a month: what was frozen, when, by whom, its hash.
type SnapshotFile struct {
	SnapshotID      uint64              `json:"snapshot_id"`
	Month           string              `json:"month"`
	Issue           int                 `json:"issue"`
	AsOf            string              `json:"as_of"`
	CompareAsOf     string              `json:"compare_as_of"`
	ContentHash     string              `json:"content_hash"`
	DefinitionsHash string              `json:"definitions_hash"`
	CreatedAt       time.Time           `json:"created_at"`
	CreatedBy       string              `json:"created_by"`
	Reason          string              `json:"reason,omitempty"`
	Watermarks      []queries.Watermark `json:"watermarks"`
	Stale           []string            `json:"stale_sources,omitempty"`
}

// ArchivedBulletin says where a month's files went.
type ArchivedBulletin struct {
	Dir, HTML, PDF string
	PDFReused      bool // the archived PDF was printed from the same HTML: kept, not printed again
}

// pdfLayout names how bulletins are printed (paper, margins, footer, links, contents). Change it
// when the print changes, so that archived PDFs are printed again from unchanged HTML.
const pdfLayout = "A4 margins 0.5/0.45/0.6/0.45in, page footer, outline, in-PDF contents links (2026-11-30)"

// printKey identifies what a PDF is printed from: the layout, the HTML and the ECharts it loads.
func printKey(html, js []byte) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(pdfLayout), html, js} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil)) + "  bulletin.html + echarts.min.js + layout the PDF was printed from\n"
}

func regularFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// WriteBulletin writes a month's bulletin into the site's archive, and the archive's index. print,
// when not nil, prints the written HTML into the PDF path (the browser package does it); it is
// told where the month's earlier PDF is, which it may read (a missing file is no error).
func WriteBulletin(outDir string, b *Bulletin, echartsJS string, print func(htmlPath, pdfPath, previousPDF string) error) (ArchivedBulletin, error) {
	var res ArchivedBulletin
	js, err := os.ReadFile(echartsJS)
	if err != nil {
		return res, fmt.Errorf("%w\n  ECharts is fetched from npm by `make assets` (未找到 ECharts，请先运行 make assets)", err)
	}
	month := b.Snapshot.Month.Format("2006-01")
	self := ArchiveDir + "/" + month + "/bulletin.html"
	html, err := RenderBulletin(b, self, ArchiveDir+"/assets/"+EChartsFile)
	if err != nil {
		return res, err
	}
	meta := SnapshotFile{SnapshotID: b.Snapshot.ID, Month: month, Issue: Issue(b.Snapshot.Month), AsOf: b.Snapshot.AsOf.Format(time.DateOnly),
		CompareAsOf: b.Snapshot.Compare.Format(time.DateOnly), ContentHash: b.Snapshot.ContentHash, DefinitionsHash: b.Snapshot.DefinitionsHash,
		CreatedAt: b.Snapshot.CreatedAt, CreatedBy: b.Snapshot.CreatedBy, Reason: b.Snapshot.Reason, Watermarks: b.Snapshot.Watermarks}
	for _, f := range b.Sources {
		if f.Stale {
			meta.Stale = append(meta.Stale, f.Title+"："+f.Reason)
		}
	}
	metaJSON, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return res, err
	}
	err = sitedir.Update(outDir, func(site string) error {
		res.Dir = filepath.Join(site, ArchiveDir, month)
		res.HTML = filepath.Join(res.Dir, "bulletin.html")
		files := []struct {
			path string
			body []byte
		}{
			{filepath.Join(site, ArchiveDir, "assets", EChartsFile), js},
			{res.HTML, html},
			{filepath.Join(res.Dir, "snapshot.json"), append(metaJSON, '\n')},
			{filepath.Join(res.Dir, "snapshot.sha256"), []byte(b.Snapshot.ContentHash + "  snapshot " + fmt.Sprint(b.Snapshot.ID) + "\n")},
		}
		for _, f := range files {
			if err := writeFileAtomic(f.path, f.body); err != nil {
				return err
			}
		}
		if print != nil {
			res.PDF = filepath.Join(res.Dir, "bulletin.pdf")
			// The PDF is printed from the HTML and ECharts alone: when both are what the archived
			// PDF was printed from (the month generated again from its snapshot), that PDF is the
			// month's, kept byte for byte, and Chromium is not started.
			key := printKey(html, js)
			keyPath := res.PDF + ".key"
			if old, err := os.ReadFile(keyPath); err == nil && string(old) == key && regularFile(res.PDF) {
				res.PDFReused = true
				return writeArchiveIndex(site)
			}
			tmp := res.PDF + ".tmp"
			if err := print(res.HTML, tmp, res.PDF); err != nil {
				os.Remove(tmp)
				return err
			}
			if err := os.Rename(tmp, res.PDF); err != nil {
				return err
			}
			if err := writeFileAtomic(keyPath, []byte(key)); err != nil {
				return err
			}
		}
		return writeArchiveIndex(site)
	})
	return res, err
}

// WriteArchiveIndex writes out/bulletins/index.html from the archive as it stands (an empty
// list when there is none yet), so the site's nav link always opens a page.
func WriteArchiveIndex(outDir string) error {
	return sitedir.Update(outDir, writeArchiveIndex)
}

func writeArchiveIndex(site string) error {
	dirs, err := filepath.Glob(filepath.Join(site, ArchiveDir, "*", "snapshot.json"))
	if err != nil {
		return err
	}
	type entry struct {
		SnapshotFile
		Title, HTML, PDF string
	}
	var es []entry
	for _, p := range dirs {
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var e entry
		if err := json.Unmarshal(body, &e.SnapshotFile); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		m, err := time.Parse("2006-01", e.Month)
		if err != nil {
			return fmt.Errorf("%s: month %q: %w", p, e.Month, err)
		}
		e.Title = fmt.Sprintf("%d年%d月", m.Year(), int(m.Month()))
		e.HTML = e.Month + "/bulletin.html"
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "bulletin.pdf")); err == nil {
			e.PDF = e.Month + "/bulletin.pdf"
		}
		es = append(es, e)
	}
	sort.Slice(es, func(i, j int) bool { return es[i].Month > es[j].Month })
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, "bulletinIndex", es); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(site, ArchiveDir, "index.html"), b.Bytes())
}

// writeFileAtomic writes through a temporary file renamed into place, so a reader (or a PDF
// being printed from the folder) never sees half a file.
func writeFileAtomic(path string, body []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, body, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// SnapshotHistory is the ranks every published month's snapshot froze, for the scorecards.
func SnapshotHistory(ctx context.Context, db *warehouse.DB) (RankHistory, error) {
	byMonth, err := queries.DerivedByMonth(ctx, db, "ranking")
	if err != nil {
		return nil, err
	}
	points := map[[2]string][]ranking.HistoryPoint{}
	for asOf, raw := range byMonth {
		var boards []ranking.Board
		if err := json.Unmarshal(raw, &boards); err != nil {
			return nil, fmt.Errorf("ranking frozen as of %s: %w", asOf.Format(time.DateOnly), err)
		}
		for _, b := range boards {
			for _, r := range b.Rows {
				k := [2]string{b.Group, r.Code}
				points[k] = append(points[k], ranking.HistoryPoint{AsOf: asOf, Rank: r.Rank, Points: r.Points, Of: b.Ranked()})
			}
		}
	}
	return func(group, code string) []ranking.HistoryPoint { return points[[2]string{group, code}] }, nil
}

// mergeHistory joins published ranks with the Set's own, oldest first; on a day both know, the
// Set's (the live computation) is shown.
func mergeHistory(published, live []ranking.HistoryPoint) []ranking.HistoryPoint {
	byDay := map[time.Time]ranking.HistoryPoint{}
	for _, h := range published {
		byDay[h.AsOf] = h
	}
	for _, h := range live {
		byDay[h.AsOf] = h
	}
	out := make([]ranking.HistoryPoint, 0, len(byDay))
	for _, h := range byDay {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AsOf.Before(out[j].AsOf) })
	return out
}
