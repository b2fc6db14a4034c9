package samplegen

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"safetydw/warehouse/refdata"
)

// update regenerates the committed set and the trap table in README.md:
//
//	go test ./sample_data/samplegen -run TestCommittedSetIsFresh -update
var update = flag.Bool("update", false, "regenerate ../ (the committed sample set) and the README trap table")

// committed are the options of the committed set under ../.
var committed = Options{Seed: 1, Scale: 0.1}

const committedDir = ".."

var (
	freshOnce sync.Once
	freshDir  string
	freshSum  Summary
	freshErr  error
)

// fresh generates the committed options once per test binary.
func fresh(t *testing.T) (string, Summary) {
	t.Helper()
	freshOnce.Do(func() {
		freshDir, freshErr = os.MkdirTemp("", "samplegen-fresh-")
		if freshErr != nil {
			return
		}
		o := committed
		o.Out = freshDir
		freshSum, freshErr = Generate(o)
	})
	if freshErr != nil {
		t.Fatal(freshErr)
	}
	return freshDir, freshSum
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if freshDir != "" {
		os.RemoveAll(freshDir)
	}
	os.Exit(code)
}

// listFiles returns the files under dir as slash paths, sorted.
func listFiles(t *testing.T, dir string, skip func(rel string, d fs.DirEntry) bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if skip != nil && rel != "." && skip(rel, d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	o := committed
	o.Out = a
	sa, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	o.Out = b
	sb, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sa) != fmt.Sprint(sb) {
		t.Errorf("summaries differ: %v vs %v", sa, sb)
	}
	fa, fb := listFiles(t, a, nil), listFiles(t, b, nil)
	if !slices.Equal(fa, fb) {
		t.Fatalf("file lists differ:\n%v\n%v", fa, fb)
	}
	if len(fa) != sa.Files {
		t.Errorf("Summary.Files = %d, wrote %d files", sa.Files, len(fa))
	}
	for _, f := range fa {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same options", f)
		}
	}
	// And a different seed gives different data.
	o = Options{Seed: 8, Scale: 0.05, SensorDays: 1, Out: t.TempDir()}
	if _, err := Generate(o); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(filepath.Join(a, "registry/enterprises.csv"))
	y, _ := os.ReadFile(filepath.Join(o.Out, "registry/enterprises.csv"))
	if bytes.Equal(x, y) {
		t.Error("seeds 7 and 8 wrote the same registry")
	}
}

func TestCommittedSetIsFresh(t *testing.T) {
	dir, _ := fresh(t)
	gen := listFiles(t, dir, nil)
	if *update {
		for _, f := range gen {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			p := filepath.Join(committedDir, filepath.FromSlash(f))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range gen {
		want, _ := os.ReadFile(filepath.Join(dir, f))
		got, err := os.ReadFile(filepath.Join(committedDir, filepath.FromSlash(f)))
		if err != nil {
			t.Errorf("committed set lacks %s (run go test -run TestCommittedSetIsFresh -update)", f)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("committed %s is stale (run go test -run TestCommittedSetIsFresh -update)", f)
		}
	}
	// Stale files: anything in the folders (and top-level files) the generator
	// owns that it did not write this time. Other files there (README.md,
	// samplegen/, the ETL's sources.yaml) belong to people.
	owned := map[string]bool{}
	for _, f := range gen {
		top, _, _ := strings.Cut(f, "/")
		owned[top] = true
	}
	notOwned := func(rel string, _ fs.DirEntry) bool {
		top, _, _ := strings.Cut(rel, "/")
		return !owned[top]
	}
	for _, f := range listFiles(t, committedDir, notOwned) {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Errorf("committed set holds %s, which the generator no longer writes", f)
		}
	}
	var size int64
	for _, f := range gen {
		fi, _ := os.Stat(filepath.Join(dir, f))
		size += fi.Size()
	}
	if size > 8<<20 {
		t.Errorf("committed set is %.1f MB, over the 8 MB budget", float64(size)/(1<<20))
	}
	t.Logf("committed set: %d files, %.2f MB", len(gen), float64(size)/(1<<20))
}

func TestRowCounts(t *testing.T) {
	_, s := fresh(t)
	ranges := map[string][2]int{
		"enterprises":               {590, 620},
		"enterprise_status_changes": {40, 200},
		"drills":                    {4400, 5000}, // ~1,200 a year, 2026 to November
		"mine_monthly":              {183, 183},   // 4 mines × 46 months, one missing
		"hazards":                   {2800, 3600},
		"hazard_events":             {9000, 14000},
		"inspections":               {2900, 3300},
		"cases":                     {270, 340},
		"training":                  {1500, 2200},
		"properties":                {2500, 2500},
		"reports":                   {330, 480},
		"accidents":                 {12, 16},
		"ledger_items":              {300, 600},
		"sensor_points":             {38, 44},
		"sensor_readings":           {30000, 36000},
	}
	for k, r := range ranges {
		if n := s.Rows[k]; n < r[0] || n > r[1] {
			t.Errorf("%s: %d rows, want %d..%d", k, n, r[0], r[1])
		}
	}
}

// --- readers ----------------------------------------------------------------

// readTable reads a CSV (GBK, UTF-8 or UTF-8 with BOM) or the first sheet of
// an XLSX file, and returns the header and data rows. For XLSX it skips a
// title row when the second row holds the header.
func readTable(t *testing.T, path string) (header []string, rows [][]string) {
	t.Helper()
	var all [][]string
	if strings.HasSuffix(path, ".xlsx") {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		all, err = f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(all) > 1 && len(all[0]) == 1 {
			all = all[1:] // title row
		}
	} else {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b = decodeText(t, b)
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		if all, err = r.ReadAll(); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if len(all) == 0 {
		t.Fatalf("%s is empty", path)
	}
	for i := range all[1:] {
		for len(all[i+1]) < len(all[0]) {
			all[i+1] = append(all[i+1], "") // GetRows drops trailing empty cells
		}
	}
	return all[0], all[1:]
}

func decodeText(t *testing.T, b []byte) []byte {
	t.Helper()
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		return b[3:]
	}
	if utf8.Valid(b) {
		return b
	}
	d, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type regEntry struct{ name, town, park, industry string }

func readRegistry(t *testing.T, dir string) map[string]regEntry {
	t.Helper()
	h, rows := readTable(t, filepath.Join(dir, "registry/enterprises.csv"))
	if !slices.Equal(h, registryHeader) {
		t.Fatalf("registry header %v", h)
	}
	out := map[string]regEntry{}
	for _, r := range rows {
		if _, dup := out[r[0]]; dup {
			t.Errorf("USCC %s twice in the registry", r[0])
		}
		out[r[0]] = regEntry{r[1], r[2], r[3], r[4]}
	}
	return out
}

// --- registry -----------------------------------------------------------------

func TestRegistry(t *testing.T) {
	dir, _ := fresh(t)
	raw, _ := os.ReadFile(filepath.Join(dir, "registry/enterprises.csv"))
	if !bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
		t.Error("enterprises.csv has no BOM")
	}
	reg := readRegistry(t, dir)
	names := map[string]bool{}
	for u, e := range reg {
		if !strings.HasPrefix(u, "91370812") || !validUSCC(u) {
			t.Errorf("implausible USCC %s", u)
		}
		if names[e.name] {
			t.Errorf("name %s twice", e.name)
		}
		names[e.name] = true
	}
	for _, h := range hcProducers {
		if !names[h.name] {
			t.Errorf("hazchem producer %s missing", h.name)
		}
	}
	for _, m := range refdata.CoalMines() {
		found := false
		for n := range names {
			found = found || strings.HasSuffix(n, m.Name)
		}
		if !found {
			t.Errorf("coal mine %s missing", m.Name)
		}
	}
	// The fixed units exist at any scale.
	small := t.TempDir()
	if _, err := Generate(Options{Seed: 3, Scale: 0.001, Out: small, SensorDays: 1}); err != nil {
		t.Fatal(err)
	}
	sreg := readRegistry(t, small)
	if len(sreg) < 11 {
		t.Errorf("scale 0.001 registry has %d units, want at least the 11 fixed ones", len(sreg))
	}
}

func TestUSCCCheckDigits(t *testing.T) {
	// Published example codes with correct check digits.
	for _, s := range []string{"91350100M000100Y43", "91110000600037341L"} {
		if !validUSCC(s) {
			t.Errorf("validUSCC(%s) = false", s)
		}
	}
	if validUSCC("91350100M000100Y44") {
		t.Error("a wrong check digit passed")
	}
}

// --- drills ---------------------------------------------------------------------

type drillFile struct {
	rel    string
	town   refdata.Town
	year   int
	header []string
	rows   [][]string
}

func readDrills(t *testing.T, dir string) []drillFile {
	t.Helper()
	var out []drillFile
	for _, f := range listFiles(t, filepath.Join(dir, "drills"), nil) {
		var year int
		var code string
		if _, err := fmt.Sscanf(strings.Replace(f, "/", " ", 1), "%d %9s", &year, &code); err != nil {
			t.Fatalf("unexpected drill file %s", f)
		}
		var town refdata.Town
		for _, tw := range refdata.Towns() {
			if tw.Code == code {
				town = tw
			}
		}
		h, rows := readTable(t, filepath.Join(dir, "drills", f))
		out = append(out, drillFile{"drills/" + f, town, year, h, rows})
	}
	return out
}

func TestDrillFiles(t *testing.T) {
	dir, _ := fresh(t)
	files := readDrills(t, dir)
	if want := len(refdata.Towns()) * 4; len(files) != want {
		t.Errorf("%d drill files, want %d", len(files), want)
	}
	reg := readRegistry(t, dir)
	for _, f := range files {
		fm := drillFormatFor(f.town.SortOrder)
		if !slices.Equal(f.header, fm.header) {
			t.Errorf("%s header %v", f.rel, f.header)
		}
		ids := map[string][]string{}
		for i, r := range f.rows {
			if u := r[dcUSCC]; u != "" {
				e, ok := reg[u]
				if !ok {
					t.Errorf("%s row %d: USCC %s not in the registry", f.rel, i+2, u)
				} else if e.name != r[dcName] {
					t.Errorf("%s row %d: name %s, registry says %s", f.rel, i+2, r[dcName], e.name)
				}
			}
			if id := r[dcID]; id != "" {
				// Only the planted duplicate may repeat an id, as an exact copy.
				if prev, seen := ids[id]; seen && !slices.Equal(prev, r) {
					t.Errorf("%s row %d: id %s repeats with different content", f.rel, i+2, id)
				}
				ids[id] = r
			}
		}
	}
}

func TestDrillEncodings(t *testing.T) {
	dir, _ := fresh(t)
	for _, tw := range refdata.Towns() {
		fm := drillFormatFor(tw.SortOrder)
		if fm.xlsx {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, "drills/2024", tw.Code+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		bom := bytes.HasPrefix(b, []byte("\xef\xbb\xbf"))
		switch fm.enc {
		case encGBK:
			if utf8.Valid(b) {
				t.Errorf("%s: GBK file is valid UTF-8", tw.Name)
			}
		case encUTF8:
			if !utf8.Valid(b) || bom {
				t.Errorf("%s: want UTF-8 without BOM", tw.Name)
			}
		case encUTF8BOM:
			if !utf8.Valid(b) || !bom {
				t.Errorf("%s: want UTF-8 with BOM", tw.Name)
			}
		}
	}
}

func TestDrillXLSXLayout(t *testing.T) {
	dir, _ := fresh(t)
	for _, tw := range refdata.Towns() {
		fm := drillFormatFor(tw.SortOrder)
		if !fm.xlsx {
			continue
		}
		f, err := excelize.OpenFile(filepath.Join(dir, "drills/2024", tw.Code+".xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		if sl := f.GetSheetList(); !slices.Equal(sl, []string{"演练台账"}) {
			t.Errorf("%s sheets %v", tw.Name, sl)
		}
		title, _ := f.GetCellValue("演练台账", "A1")
		if want := tw.Name + "2024年应急演练台账"; title != want {
			t.Errorf("%s title %q, want %q", tw.Name, title, want)
		}
		merged, _ := f.GetMergeCells("演练台账")
		if len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "O1" {
			t.Errorf("%s: title not merged over A1:O1: %v", tw.Name, merged)
		}
		h, _ := f.GetCellValue("演练台账", "A2")
		if h != "演练编号" {
			t.Errorf("%s: A2 = %q, want the header", tw.Name, h)
		}
		typ, _ := f.GetCellType("演练台账", "F3")
		raw, _ := f.GetCellValue("演练台账", "F3", excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue("演练台账", "F3")
		if strings.HasPrefix(fm.dateStyle, "xl-") {
			if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString || strings.Contains(raw, "/") || strings.Contains(raw, "-") {
				t.Errorf("%s: F3 should be an Excel date, got %q (type %v)", tw.Name, raw, typ)
			}
			if !strings.HasPrefix(shown, "2024") {
				t.Errorf("%s: F3 shows %q", tw.Name, shown)
			}
		} else if !strings.HasPrefix(raw, "2024/") {
			t.Errorf("%s: F3 should be text 2024/m/d, got %q", tw.Name, raw)
		}
		f.Close()
	}
}

func TestSibuShares(t *testing.T) {
	dir, _ := fresh(t)
	type acc struct{ all, sibu, partial int }
	byYear := map[int]*acc{}
	byTownYear := map[string]*acc{}
	yes := func(s string) bool { return s == "是" || s == "√" }
	for _, f := range readDrills(t, dir) {
		k := fmt.Sprintf("%s/%d", f.town.Name, f.year)
		byTownYear[k] = &acc{}
		if byYear[f.year] == nil {
			byYear[f.year] = &acc{}
		}
		for _, r := range f.rows {
			if r[dcOrg] != "企业" {
				continue
			}
			n := 0
			for c := dcFlag1; c < dcFlag1+4; c++ {
				if yes(r[c]) {
					n++
				}
			}
			for _, a := range []*acc{byYear[f.year], byTownYear[k]} {
				a.all++
				if n == 4 {
					a.sibu++
				}
				if n == 2 || n == 3 {
					a.partial++
				}
			}
		}
	}
	for y, want := range sibuShare {
		a := byYear[y]
		got := float64(a.sibu) / float64(a.all)
		if math.Abs(got-want) > 0.03 {
			t.Errorf("%d: 四不 share %.3f, want about %.2f", y, got, want)
		}
		t.Logf("%d: %d enterprise drills, 四不 %.3f, partial %.3f", y, a.all, got, float64(a.partial)/float64(a.all))
		if p := float64(a.partial) / float64(a.all); p < 0.07 || p > 0.14 {
			t.Errorf("%d: partial 四不 share %.3f, want about 0.10", y, p)
		}
	}
	below := map[int]int{}
	for k, a := range byTownYear {
		var y int
		fmt.Sscanf(k[strings.Index(k, "/")+1:], "%d", &y)
		target := map[int]float64{2024: 0.40, 2025: 0.50}[y]
		if target > 0 {
			t.Logf("%s: %.3f", k, float64(a.sibu)/float64(a.all))
		}
		if target > 0 && float64(a.sibu)/float64(a.all) < target {
			below[y]++
		}
	}
	if below[2024] == 0 || below[2025] == 0 {
		t.Errorf("want some towns below the 2024 and 2025 targets, got %v", below)
	}
}

// TestDrillTraps checks that each planted bad or duplicate row is where
// traps.csv says and is bad in the way it says.
func TestDrillTraps(t *testing.T) {
	dir, _ := fresh(t)
	files := map[string]drillFile{}
	for _, f := range readDrills(t, dir) {
		files[f.rel] = f
	}
	kinds := map[string]int{}
	for _, tp := range readTraps(t, dir) {
		f, ok := files[tp.File]
		if !ok {
			continue
		}
		kinds[tp.Kind]++
		first := 2
		if strings.HasSuffix(tp.File, ".xlsx") {
			first = 3
		}
		r := f.rows[tp.Row-first]
		var bad bool
		switch tp.Kind {
		case "bad_date":
			bad = strings.Contains(r[dcDate], "30") && (strings.Contains(r[dcDate], "-02-") || strings.Contains(r[dcDate], "/2/") ||
				strings.Contains(r[dcDate], "年2月") || strings.Contains(r[dcDate], ".02."))
		case "unknown_town":
			bad = r[dcTown] == foreignTown
		case "negative_participants":
			bad = strings.HasPrefix(r[dcPeople], "-")
		case "bad_flag":
			bad = slices.Contains(r[dcFlag1:dcFlag1+4], "不详")
		case "empty_id":
			bad = r[dcID] == ""
		case "duplicate_row":
			var src int
			fmt.Sscanf(tp.Detail, "exact copy of row %d", &src)
			bad = slices.Equal(r, f.rows[src-first]) && r[dcID] == tp.Key
		default:
			t.Errorf("unexpected drill trap kind %s", tp.Kind)
			continue
		}
		if !bad {
			t.Errorf("%s row %d: not a %s row: %v", tp.File, tp.Row, tp.Kind, r)
		}
	}
	for _, k := range badDrillKinds {
		if kinds[k] == 0 {
			t.Errorf("no %s row in the drill files", k)
		}
	}
	if kinds["duplicate_row"] < 2 {
		t.Errorf("%d duplicate rows, want at least 2", kinds["duplicate_row"])
	}
}

func readTraps(t *testing.T, dir string) []trap {
	t.Helper()
	h, rows := readTable(t, filepath.Join(dir, "traps.csv"))
	if len(h) != 6 {
		t.Fatalf("traps.csv header %v", h)
	}
	var out []trap
	for _, r := range rows {
		var n int
		fmt.Sscanf(r[1], "%d", &n)
		out = append(out, trap{File: r[0], Row: n, Key: r[2], Kind: r[3], Expect: r[4], Detail: r[5]})
	}
	return out
}

// --- README ---------------------------------------------------------------------

const (
	trapsBegin = "<!-- drill-traps:begin (generated by go test -update) -->\n"
	trapsEnd   = "<!-- drill-traps:end -->"
)

// drillTrapTable renders the committed drill traps as a Markdown table.
func drillTrapTable(traps []trap) string {
	var b strings.Builder
	b.WriteString("| file | row | 演练编号 | problem | detail |\n|---|---|---|---|---|\n")
	for _, tp := range traps {
		if !strings.HasPrefix(tp.File, "drills/") {
			continue
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", tp.File, tp.Row, tp.Key, tp.Kind, strings.ReplaceAll(tp.Detail, "|", "\\|"))
	}
	return b.String()
}

func TestReadmeListsDrillTraps(t *testing.T) {
	dir, _ := fresh(t)
	want := drillTrapTable(readTraps(t, dir))
	p := filepath.Join(committedDir, "README.md")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, trapsBegin), strings.Index(s, trapsEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q … %q block", trapsBegin, trapsEnd)
	}
	got := s[i+len(trapsBegin) : j]
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(p, []byte(s[:i+len(trapsBegin)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md drill trap table is stale (run go test -run TestReadmeListsDrillTraps -update); want:\n%s", want)
}

// --- mines ----------------------------------------------------------------------

func TestMineMonthly(t *testing.T) {
	dir, _ := fresh(t)
	h, rows := readTable(t, filepath.Join(dir, "mines/mine_monthly.xlsx"))
	if !slices.Equal(h, mineHeader) {
		t.Fatalf("header %v", h)
	}
	num := func(s string) float64 {
		var v float64
		if _, err := fmt.Sscan(strings.ReplaceAll(s, ",", ""), &v); err != nil {
			t.Fatalf("not a number: %q", s)
		}
		return v
	}
	type agg struct{ raw, intel, ug, n float64 }
	sum := map[string]*agg{} // mine/period
	add := func(k string, r []string) {
		if sum[k] == nil {
			sum[k] = &agg{}
		}
		sum[k].raw += num(r[2])
		sum[k].intel += num(r[3])
		sum[k].ug += num(r[6])
		sum[k].n++
	}
	months := map[string]int{}
	for _, r := range rows {
		months[r[0]]++
		switch {
		case strings.HasPrefix(r[1], "2023"):
			add(r[0]+"/2023", r)
		case r[1] == "2025-12":
			add(r[0]+"/2025-12", r)
		}
		if num(r[3]) > num(r[2]) || num(r[5]) > num(r[4]) {
			t.Errorf("%s %s: intelligent above total", r[0], r[1])
		}
	}
	if len(months) != len(refdata.CoalMines()) {
		t.Errorf("%d mines in the report", len(months))
	}
	high := 0
	for _, m := range refdata.CoalMines() {
		a, b := sum[m.Name+"/2023"], sum[m.Name+"/2025-12"]
		share := b.intel / b.raw
		cut := 1 - b.ug/(a.ug/a.n)
		t.Logf("%s: 2023 share %.2f, 2025-12 share %.2f, underground cut %.3f", m.Name, a.intel/a.raw, share, cut)
		if share >= 0.9 {
			high++
		}
		if cut < 0.03 || cut > 0.15 {
			t.Errorf("%s: underground cut %.3f vs 2023", m.Name, cut)
		}
	}
	if high != 3 {
		t.Errorf("%d mines at ≥90%% intelligent in 2025-12, want 3 (one lags)", high)
	}
}

// --- hazards --------------------------------------------------------------------

func readJSONLines[T any](t *testing.T, path string) []T {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	for i, line := range bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n")) {
		var v T
		d := json.NewDecoder(bytes.NewReader(line))
		d.DisallowUnknownFields()
		if err := d.Decode(&v); err != nil {
			t.Fatalf("%s line %d: %v", path, i+1, err)
		}
		out = append(out, v)
	}
	return out
}

func TestHazards(t *testing.T) {
	dir, _ := fresh(t)
	hs := readJSONLines[hazardJSON](t, filepath.Join(dir, "hazards/hazards.jsonl"))
	evs := readJSONLines[hazardEventJSON](t, filepath.Join(dir, "hazards/hazard_events.jsonl"))
	reg := readRegistry(t, dir)
	towns := map[string]bool{}
	for _, tw := range refdata.Towns() {
		towns[tw.Name] = true
	}
	ids := map[string]bool{}
	newMajor := map[string]int{}
	legacy, openEnd2024 := 0, 0
	for _, h := range hs {
		if ids[h.HazardID] {
			t.Errorf("hazard id %s twice", h.HazardID)
		}
		ids[h.HazardID] = true
		if _, ok := reg[h.USCC]; !ok {
			t.Errorf("%s: USCC %s not in the registry", h.HazardID, h.USCC)
		}
		if !towns[h.Town] {
			t.Errorf("%s: town %s", h.HazardID, h.Town)
		}
		if h.Level == "重大" {
			newMajor[h.FoundDate[:4]]++
			if h.StdClause == "" {
				t.Errorf("%s: 重大 without std_clause", h.HazardID)
			}
			if h.FoundDate <= "2023-12-31" && (h.ClosedDate == nil || *h.ClosedDate > "2023-12-31") {
				legacy++
				if h.ClosedDate == nil || *h.ClosedDate > "2024-12-31" {
					openEnd2024++
				}
			}
		}
		if (h.Status == "已销号") != (h.ClosedDate != nil) {
			t.Errorf("%s: status %s with closed_date %v", h.HazardID, h.Status, h.ClosedDate)
		}
		if h.FoundDate > "2026-11-30" || h.UpdatedAt[len(h.UpdatedAt)-6:] != "+08:00" {
			t.Errorf("%s: found %s updated %s", h.HazardID, h.FoundDate, h.UpdatedAt)
		}
	}
	t.Logf("%d hazards, %d events; new 重大 by year %v; 2023 legacy stock %d, open at 2024-12-31 %d", len(hs), len(evs), newMajor, legacy, openEnd2024)
	if legacy < 8 || legacy > 14 {
		t.Errorf("2023 legacy stock %d, want about 8–10", legacy)
	}
	if openEnd2024 < 1 || openEnd2024 > 3 {
		t.Errorf("%d legacy hazards open at the end of 2024, want a couple", openEnd2024)
	}
	if newMajor["2025"] >= newMajor["2024"] {
		t.Errorf("new 重大 hazards did not fall in 2025: %v", newMajor)
	}
	last := ""
	for _, e := range evs {
		if !ids[e.HazardID] {
			t.Errorf("event for unknown hazard %s", e.HazardID)
		}
		if e.EventTime < last {
			t.Errorf("events out of time order at %s", e.EventTime)
		}
		last = e.EventTime
	}
	kinds := map[string]int{}
	for _, tp := range readTraps(t, dir) {
		if tp.File != "hazards/hazards.jsonl" {
			continue
		}
		kinds[tp.Kind]++
		h := hs[tp.Row-1]
		if h.HazardID != tp.Key {
			t.Errorf("trap %s points at line %d, which holds %s", tp.Key, tp.Row, h.HazardID)
		}
		if tp.Kind == "closed_before_found" && (h.ClosedDate == nil || *h.ClosedDate >= h.FoundDate) {
			t.Errorf("%s is not closed before found", h.HazardID)
		}
	}
	if kinds["closed_before_found"] < 3 || kinds["duplicate_across_channels"] < 3 {
		t.Errorf("hazard traps %v", kinds)
	}
}

// --- enforcement -------------------------------------------------------------------

func deptCode(t *testing.T, name string) string {
	t.Helper()
	for _, a := range refdata.Aliases() {
		if a.Kind == "dept" && a.Alias == name {
			return a.Code
		}
	}
	t.Fatalf("department %q not in refdata aliases", name)
	return ""
}

func TestEnforcement(t *testing.T) {
	dir, _ := fresh(t)
	reg := readRegistry(t, dir)
	ih, ins := readTable(t, filepath.Join(dir, "enforcement/inspections.csv"))
	ch, cases := readTable(t, filepath.Join(dir, "enforcement/cases.csv"))
	if !slices.Equal(ih, inspectionHeader) || !slices.Equal(ch, caseHeader) {
		t.Fatalf("headers %v / %v", ih, ch)
	}
	insIDs := map[string]bool{}
	type acc struct{ enforcementWithViolations, cases, penalties int }
	byDeptYear := map[string]*acc{}
	get := func(k string) *acc {
		if byDeptYear[k] == nil {
			byDeptYear[k] = &acc{}
		}
		return byDeptYear[k]
	}
	lookback := map[string]bool{}
	for _, r := range ins {
		insIDs[r[0]] = true
		if _, ok := reg[r[4]]; !ok {
			t.Errorf("inspection %s: USCC %s not in the registry", r[0], r[4])
		}
		if r[8] == "行政执法检查" && r[11] != "0" {
			get(deptCode(t, r[1])+r[7][:4]).enforcementWithViolations++
		}
		if r[10] == "许可条件回头看" && r[7] <= "2024-12-31" {
			lookback[r[5]] = true
		}
	}
	var fines float64
	for _, r := range cases {
		if r[1] != "" && !insIDs[r[1]] {
			t.Errorf("case %s: inspection %s not in inspections.csv", r[0], r[1])
		}
		if _, ok := reg[r[4]]; !ok {
			t.Errorf("case %s: USCC %s not in the registry", r[0], r[4])
		}
		a := get(deptCode(t, r[2]) + r[7][:4])
		a.cases++
		if r[10] == "行政处罚" {
			a.penalties++
		}
		for _, c := range []int{13, 14} {
			var v float64
			if _, err := fmt.Sscan(strings.ReplaceAll(r[c], ",", ""), &v); err != nil {
				t.Errorf("case %s: fine %q", r[0], r[c])
			}
			fines += v
		}
	}
	nYears := float64(len(years()))
	t.Logf("%d inspections, %d cases, fines %.0f yuan (%.1f M/year at scale 1)", len(ins), len(cases), fines, fines/nYears/committed.Scale/1e6)
	for _, d := range zeroPenaltyDepts {
		for _, y := range []string{"2024", "2025"} {
			a := get(d + y)
			if a.enforcementWithViolations < 10 || a.cases != 0 {
				t.Errorf("%s %s: %d enforcement inspections with violations, %d cases; want ≥10 and 0", d, y, a.enforcementWithViolations, a.cases)
			}
		}
	}
	if a := get(notPunishingDept + "2024"); a.cases == 0 || a.penalties != 0 {
		t.Errorf("%s 2024: %d cases, %d penalties; want some cases and no penalties", notPunishingDept, a.cases, a.penalties)
	}
	for _, h := range hcProducers {
		if !lookback[h.name] {
			t.Errorf("no 许可条件回头看 inspection of %s in 2024", h.name)
		}
	}
}

// --- training -------------------------------------------------------------------

func TestTraining(t *testing.T) {
	dir, _ := fresh(t)
	b, err := os.ReadFile(filepath.Join(dir, "training/records.json"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []trainingJSON
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&recs); err != nil {
		t.Fatal(err)
	}
	reg := readRegistry(t, dir)
	sloppy := map[string]bool{}
	for _, tp := range readTraps(t, dir) {
		if tp.File == "training/records.json" {
			sloppy[tp.Key] = true
		}
	}
	lines := strings.Split(string(b), "\n")
	nos := map[string]bool{}
	for i, rec := range recs {
		if nos[rec.RecordNo] {
			t.Errorf("record %s twice", rec.RecordNo)
		}
		nos[rec.RecordNo] = true
		if !strings.Contains(lines[i+1], `"`+rec.RecordNo+`"`) {
			t.Fatalf("record %d is not on line %d", i, i+2)
		}
		if rec.USCC != "" {
			if _, ok := reg[rec.USCC]; !ok {
				t.Errorf("%s: USCC %s not in the registry", rec.RecordNo, rec.USCC)
			}
		}
		okID := len(rec.IDNo) == 18 && idCheck(rec.IDNo[:17]) == rec.IDNo[17]
		okPhone := len(rec.Phone) == 11 && rec.Phone[0] == '1'
		if (!okID || !okPhone) && !sloppy[rec.RecordNo] {
			t.Errorf("%s: ID %q / phone %q malformed but not listed as a trap", rec.RecordNo, rec.IDNo, rec.Phone)
		}
	}
	if len(recs) < 1000 || len(sloppy) == 0 {
		t.Errorf("%d training records, %d with sloppy PII", len(recs), len(sloppy))
	}
}

// --- the smaller sources -------------------------------------------------------------

func TestOtherSources(t *testing.T) {
	dir, s := fresh(t)
	reg := readRegistry(t, dir)
	hazardIDs := map[string]bool{}
	for _, h := range readJSONLines[hazardJSON](t, filepath.Join(dir, "hazards/hazards.jsonl")) {
		hazardIDs[h.HazardID] = true
	}
	_, cases := readTable(t, filepath.Join(dir, "enforcement/cases.csv"))
	caseIDs := map[string]bool{}
	for _, c := range cases {
		caseIDs[c[0]] = true
	}

	ph, props := readTable(t, filepath.Join(dir, "properties/properties.xlsx"))
	if !slices.Equal(ph, propertyHeader) {
		t.Errorf("properties header %v", ph)
	}
	propIDs := map[string]bool{}
	for _, p := range props {
		propIDs[p[0]] = true
	}

	rh, reps := readTable(t, filepath.Join(dir, "reports/reports.csv"))
	if !slices.Equal(rh, reportHeader) {
		t.Errorf("reports header %v", rh)
	}
	linked := 0
	for _, r := range reps {
		if r[4] != "" {
			if _, ok := reg[r[4]]; !ok {
				t.Errorf("report %s: USCC %s not in the registry", r[0], r[4])
			}
		}
		if r[7] != "" && !propIDs[r[7]] {
			t.Errorf("report %s: property %s not in the ledger", r[0], r[7])
		}
		if r[16] != "" {
			linked++
			if !hazardIDs[r[16]] {
				t.Errorf("report %s: hazard %s not in hazards.jsonl", r[0], r[16])
			}
		}
		if r[17] != "" && !caseIDs[r[17]] {
			t.Errorf("report %s: case %s not in cases.csv", r[0], r[17])
		}
	}
	if linked == 0 {
		t.Error("no report links to a hazard")
	}

	_, acc := readTable(t, filepath.Join(dir, "accidents/accidents.csv"))
	_, led := readTable(t, filepath.Join(dir, "ledgers/ledger_items.csv"))
	km := 0.0
	for _, l := range led {
		if l[0] == "村道安防工程" && strings.HasPrefix(l[8], "2024") {
			var v float64
			fmt.Sscan(l[10], &v)
			km += v
		}
		if l[0] == "农村公路危桥" && l[6] <= "2024-06-30" && (l[8] == "" || l[8] > "2024-12-31") {
			t.Errorf("危桥 %s not cleared by 2024-12-31", l[1])
		}
	}
	if km < 5 {
		t.Errorf("村道安防工程 %.1f km in 2024, want ≥ 5 (T41)", km)
	}
	if len(acc) < 12 || s.Rows["ledger_items"] != len(led) {
		t.Errorf("%d accidents, %d ledger items", len(acc), len(led))
	}

	// Sensors: every live point reports every 5 minutes except the listed outages.
	_, pts := readTable(t, filepath.Join(dir, "sensors/points.csv"))
	live := map[string]bool{}
	for _, p := range pts {
		if p[11] == "在用" {
			live[p[0]] = true
		}
	}
	off := map[string]bool{}
	for _, tp := range readTraps(t, dir) {
		if tp.Kind == "sensor_offline" {
			off[tp.File+"/"+tp.Key] = true
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "sensors/readings_*.csv"))
	if len(files) != 3 {
		t.Fatalf("%d reading files, want 3 (SensorDays default)", len(files))
	}
	for _, f := range files {
		rel := "sensors/" + filepath.Base(f)
		_, rows := readTable(t, f)
		count := map[string]int{}
		for _, r := range rows {
			count[r[0]]++
		}
		for id := range live {
			want := 288
			if off[rel+"/"+id] {
				if count[id] == 288 {
					t.Errorf("%s: %s listed offline but complete", rel, id)
				}
				continue
			}
			if count[id] != want {
				t.Errorf("%s: %s has %d readings, want %d", rel, id, count[id], want)
			}
		}
	}
	if len(off) < 3 {
		t.Errorf("%d offline episodes, want 3", len(off))
	}
}
