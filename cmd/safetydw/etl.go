package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"safetydw/cron"
	"safetydw/etl/dataset"
	"safetydw/etl/files"
	"safetydw/etl/source"
)

func etlCmd() *cobra.Command {
	c := &cobra.Command{Use: "etl", Short: "抽取、校验、载入源数据 (extract, validate and load source data)"}
	c.AddCommand(
		runCmd(),
		step("replay", "仅凭 Parquet 归档重建数据表 (rebuild the loaded tables from the --landing archive alone)", (*cron.Pipeline).Replay),
		quarantineCmd(),
		&cobra.Command{
			Use:   "datasets",
			Short: "列出可用的数据集 (list the datasets a source may name)",
			Args:  cobra.NoArgs,
			Run: func(*cobra.Command, []string) {
				w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
				for _, n := range dataset.Names() {
					d, _ := dataset.New(n, dataset.Env{})
					fmt.Fprintf(w, "%s\t%s\t%s\n", n, d.Table, d.Description)
				}
				w.Flush()
			},
		},
	)
	return c
}

// runCmd loads every source; --reload forces files loaded before (by content) to load again,
// once the setting that spoiled their first load is fixed.
func runCmd() *cobra.Command {
	var reload []string
	c := step("run", "运行全部数据源 (run every source of --sources)", func(p *cron.Pipeline, ctx context.Context) error {
		p.Reload = reload
		return p.Load(ctx)
	})
	c.Flags().StringArrayVar(&reload, "reload", nil, "重新载入匹配的文件，即使内容已载入过；可重复 (load the files matching this glob, relative to --drop, again; repeatable)")
	return c
}

// quarantineCmd lists refused rows, and exports them with their file's header so a data
// steward can correct them and drop the corrected file back into the drop folder (a new
// file by content, so it loads; the refused rows stay listed as history).
func quarantineCmd() *cobra.Command {
	var source, export string
	c := step("quarantine", "列出被隔离的记录，可导出修正 (list quarantined rows; --export writes them for correction)", func(p *cron.Pipeline, ctx context.Context) error {
		rows, err := quarantined(ctx, p, source)
		if err != nil {
			return err
		}
		if export != "" {
			return exportQuarantine(rows, p.DropDir, export)
		}
		w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "数据源\t文件/位置\t行\t字段\t原因\t原始内容")
		for _, q := range rows {
			fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\n", q.source, q.locator, q.row, q.field, q.reason, clip(q.raw, 80))
		}
		w.Flush()
		fmt.Fprintf(os.Stderr, "共 %d 行被隔离 (%d rows quarantined)\n", len(rows), len(rows))
		return nil
	})
	c.Flags().StringVar(&source, "source", "", "only this source (仅此数据源)")
	c.Flags().StringVar(&export, "export", "", "write the rows per file into this folder, with the file's header (导出目录)")
	return c
}

type quarantinedRow struct {
	source, locator, field, reason, raw string
	row                                 uint32
}

func quarantined(ctx context.Context, p *cron.Pipeline, source string) ([]quarantinedRow, error) {
	rows, err := p.DB.Query(ctx, `SELECT source, locator, row_num, field, reason, raw FROM etl_quarantine FINAL
		WHERE source = ? OR ? = '' ORDER BY source, locator, row_num`, source, source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []quarantinedRow
	for rows.Next() {
		var q quarantinedRow
		if err := rows.Scan(&q.source, &q.locator, &q.row, &q.field, &q.reason, &q.raw); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// exportQuarantine writes one CSV per source file: the file's header line (read again from
// the drop folder), then the refused rows as they stood. Rows of other sources (API pages,
// database chunks) go to one file per source, JSON or text as received.
func exportQuarantine(rows []quarantinedRow, dropDir, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	byFile := map[string][]quarantinedRow{}
	var order []string
	for _, q := range rows {
		if _, ok := byFile[q.locator]; !ok {
			order = append(order, q.locator)
		}
		byFile[q.locator] = append(byFile[q.locator], q)
	}
	for _, loc := range order {
		name := strings.NewReplacer("/", "_", " ", "_", ":", "_").Replace(loc)
		if filepath.Ext(name) != ".csv" {
			name += ".txt"
		}
		path := filepath.Join(dir, "fix_"+name)
		var lines []string
		if header := headerLine(dropDir, loc); header != "" {
			lines = append(lines, header)
		}
		for _, q := range byFile[loc] {
			lines = append(lines, q.raw)
		}
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: %d 行待修正 (rows to correct)\n", path, len(byFile[loc]))
	}
	return nil
}

// headerLine returns the first line of a CSV in the drop folder, as UTF-8; empty when the
// file is gone, not a CSV or not a regular file inside the folder.
func headerLine(dropDir, loc string) string {
	if filepath.Ext(loc) != ".csv" {
		return ""
	}
	rec, err := files.FirstRow(dropDir, loc)
	if err != nil || rec == nil {
		return ""
	}
	return source.Row{Values: rec}.RawText()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
