package etl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"safetydw/etl/chload"
	"safetydw/etl/dataset"
	"safetydw/etl/files"
)

// FileSource is a drop folder connector: files matching Patterns are read with Dataset.
// Each file is loaded once per content hash; a corrected file (new content) loads again.
type FileSource struct {
	Name     string   // source name in the run ledger
	System   string   // src_system written on every row
	Dataset  string   // dataset declaration to read rows with
	Patterns []string // globs relative to the drop folder
	Encoding string   // "" detects UTF-8/GBK
	Sheet    string   // "" takes the first sheet
}

// SampleSources are the sources of the sample drop folder (sample_data/), in load order:
// the registry first, because facts borrow its industry and territorial unit.
var SampleSources = []FileSource{
	{Name: "registry", System: "registry", Dataset: "enterprises", Patterns: []string{"registry/enterprises.csv"}},
	{Name: "drills", System: "town_ledger", Dataset: "drills", Patterns: []string{"drills/*/*.csv", "drills/*/*.xlsx"}},
}

// RunFiles runs each source over dir in order and stops at the first failing source.
func (r *Runner) RunFiles(ctx context.Context, dir string, sources []FileSource) ([]Stats, error) {
	var all []Stats
	for _, src := range sources {
		st, err := r.runFileSource(ctx, dir, src)
		all = append(all, st)
		if err != nil {
			return all, fmt.Errorf("source %s: %w", src.Name, err)
		}
	}
	return all, nil
}

func (r *Runner) runFileSource(ctx context.Context, dir string, src FileSource) (Stats, error) {
	started := r.now()
	st := Stats{RunID: newRunID(started), Source: src.Name}
	err := r.loadFiles(ctx, dir, src, &st, uint64(started.UnixMilli()))
	if rerr := r.recordRun(ctx, "files", st, started, err); rerr != nil && err == nil {
		err = fmt.Errorf("record run: %w", rerr)
	}
	return st, err
}

func (r *Runner) loadFiles(ctx context.Context, dir string, src FileSource, st *Stats, version uint64) error {
	paths, err := match(dir, src.Patterns)
	if err != nil {
		return err
	}
	ds, err := r.datasetFor(ctx, src.Dataset)
	if err != nil {
		return err
	}
	loaded, err := r.loadedHashes(ctx, src.Name)
	if err != nil {
		return err
	}
	for _, rel := range paths {
		body, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])
		if loaded[hash] {
			st.Skipped++
			continue
		}
		res, err := r.loadFile(ctx, src, ds, rel, hash, body, version)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		st.Files++
		st.Read += res.Read
		st.Loaded += res.Loaded
		st.Quarantined += len(res.Rejects)
		loaded[hash] = true
	}
	r.logf("%s: %d 个文件 (files), 跳过已载入 %d (skipped), 读取 %d 行 (read), 载入 %d (loaded), 隔离 %d (quarantined)",
		src.Name, st.Files, st.Skipped, st.Read, st.Loaded, st.Quarantined)
	return nil
}

// loadFile inserts a file's rows, then its rejects, then marks it loaded. A crash before the
// mark makes the next run read the file again; facts and quarantine are keyed, so nothing doubles.
func (r *Runner) loadFile(ctx context.Context, src FileSource, ds *dataset.Dataset, rel, hash string, body []byte, version uint64) (*dataset.Result, error) {
	t, err := files.Read(rel, body, files.Options{Encoding: src.Encoding, Sheet: src.Sheet})
	var res *dataset.Result
	if err != nil {
		// An unreadable file is quarantined whole, as one row, so it is listed and not lost.
		res = &dataset.Result{Read: 1, Rejects: []dataset.Reject{{Row: 0, Field: "文件", Reason: err.Error(), Raw: rawPreview(body)}}}
	} else {
		res = ds.Transform(t, dataset.Meta{SourceSystem: src.System, File: rel, Version: version})
	}
	defer res.Release()
	if _, err := chload.Insert(ctx, r.DB, ds.Table, res.Records); err != nil {
		return nil, err
	}
	if err := r.quarantine(ctx, src.Name, rel, hash, res.Rejects); err != nil {
		return nil, err
	}
	if err := r.markLoaded(ctx, src.Name, rel, hash, len(body), res); err != nil {
		return nil, err
	}
	for _, rej := range res.Rejects {
		r.logf("  隔离 (quarantined) %s 第 %d 行 字段 %s: %s", rel, rej.Row, rej.Field, rej.Reason)
	}
	return res, nil
}

func rawPreview(body []byte) string {
	const max = 4096
	if len(body) > max {
		body = body[:max]
	}
	return string(body)
}

func match(dir string, patterns []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, p := range patterns {
		m, err := filepath.Glob(filepath.Join(dir, p))
		if err != nil {
			return nil, fmt.Errorf("pattern %s: %w", p, err)
		}
		for _, f := range m {
			rel, _ := filepath.Rel(dir, f)
			if !seen[rel] {
				seen[rel] = true
				out = append(out, rel)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func (r *Runner) loadedHashes(ctx context.Context, source string) (map[string]bool, error) {
	rows, err := r.DB.Query(ctx, "SELECT DISTINCT sha256 FROM etl_files WHERE source = ?", source)
	if err != nil {
		return nil, fmt.Errorf("read file ledger: %w", err)
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		m[h] = true
	}
	return m, rows.Err()
}

func (r *Runner) quarantine(ctx context.Context, source, locator, hash string, rejects []dataset.Reject) error {
	if len(rejects) == 0 {
		return nil
	}
	b, err := r.DB.PrepareBatch(ctx, "INSERT INTO etl_quarantine (run_id, source, locator, locator_sha256, row_num, field, reason, raw, quarantined_at)")
	if err != nil {
		return err
	}
	now := r.now()
	for _, rej := range rejects {
		if err := b.Append("", source, locator, hash, uint32(rej.Row), rej.Field, rej.Reason, rej.Raw, now); err != nil {
			return err
		}
	}
	return b.Send()
}

func (r *Runner) markLoaded(ctx context.Context, source, rel, hash string, size int, res *dataset.Result) error {
	b, err := r.DB.PrepareBatch(ctx, "INSERT INTO etl_files (source, sha256, path, size, rows_read, rows_loaded, rows_quarantined, run_id, loaded_at)")
	if err != nil {
		return err
	}
	if err := b.Append(source, hash, rel, uint64(size), uint64(res.Read), uint64(res.Loaded), uint64(len(res.Rejects)), "", r.now()); err != nil {
		return err
	}
	return b.Send()
}

var _ = time.Now
