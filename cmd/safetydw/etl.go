package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"safetydw/cron"
	"safetydw/etl/dataset"
	"safetydw/etl/files"
	"safetydw/etl/normalize"
	"safetydw/etl/source"
	"safetydw/queries/export"
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
		limitLoadMemory()
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
	var source, exportDir string
	var bom, force bool
	c := step("quarantine", "列出被隔离的记录，可导出修正 (list quarantined rows; --export writes them for correction)", func(p *cron.Pipeline, ctx context.Context) error {
		rows, err := quarantined(ctx, p, source)
		if err != nil {
			return err
		}
		if exportDir != "" {
			return exportQuarantine(rows, p.DropDir, exportDir, exportOptions{bom: bom, force: force})
		}
		listQuarantine(os.Stdout, rows)
		fmt.Fprintf(os.Stderr, "共 %d 行被隔离 (%d rows quarantined)\n", len(rows), len(rows))
		return nil
	})
	c.Flags().StringVar(&source, "source", "", "only this source (仅此数据源)")
	c.Flags().StringVar(&exportDir, "export", "", "write the rows per file into this folder, with the file's header (导出目录)")
	c.Flags().BoolVar(&bom, "bom", true, "--export: start each CSV with a UTF-8 BOM so Excel shows Chinese correctly; --bom=false turns it off (供 Excel 打开)")
	c.Flags().BoolVar(&force, "force", false, "--export: overwrite fix_* files already in the folder (覆盖已有文件)")
	return c
}

// listQuarantine prints the rows as a table. Every value came from a source file: Printable
// keeps its control characters (an ESC sequence, a tab that would break the columns) away
// from the terminal.
func listQuarantine(out io.Writer, rows []quarantinedRow) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "数据源\t文件/位置\t行\t字段\t原因\t原始内容")
	pr := export.Printable
	for _, q := range rows {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\n", pr(q.source), pr(q.locator), q.row, pr(q.field), pr(q.reason), pr(clip(q.raw, 80)))
	}
	w.Flush()
}

type quarantinedRow struct {
	source, locator, field, reason, raw string
	row                                 uint32
}

func quarantined(ctx context.Context, p *cron.Pipeline, source string) ([]quarantinedRow, error) {
	// FINAL in a subquery: on a cluster 18.16 fails "FINAL … ORDER BY" over a Distributed table
	// when a sorting-key column is not selected (Code 8, README "Cluster mode").
	rows, err := p.DB.Query(ctx, `SELECT source, locator, row_num, field, reason, raw
		FROM (SELECT source, locator, row_num, field, reason, raw FROM etl_quarantine FINAL WHERE source = ? OR ? = '')
		ORDER BY source, locator, row_num`, source, source)
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

type exportOptions struct{ bom, force bool }

// exportQuarantine writes one CSV per source file: the file's header line (read again from
// the drop folder), then the refused rows as they stood. Rows of other sources (API pages,
// database chunks) go to one file per source, JSON or text as received.
//
// The files are for a steward to open in Excel, correct and drop back: a cell that Excel would
// run as a formula gets an apostrophe in front (remove it if the value is really meant so),
// and a CSV starts with the BOM Excel needs to read UTF-8. Files of an earlier export are not
// overwritten without --force; every name is checked before the first file is written.
func exportQuarantine(rows []quarantinedRow, dropDir, dir string, o exportOptions) error {
	byFile := map[string][]quarantinedRow{}
	var order []string
	for _, q := range rows {
		if _, ok := byFile[q.locator]; !ok {
			order = append(order, q.locator)
		}
		byFile[q.locator] = append(byFile[q.locator], q)
	}
	paths := make(map[string]string, len(order))
	taken := map[string]bool{}
	for _, loc := range order {
		name := strings.NewReplacer("/", "_", "\\", "_", " ", "_", ":", "_").Replace(loc)
		ext := ".csv"
		if filepath.Ext(name) != ".csv" {
			ext = ".txt"
		}
		name = "fix_" + strings.TrimSuffix(name, ".csv")
		// a/b.csv and a_b.csv flatten to one name: number the second, never overwrite the first.
		path := filepath.Join(dir, name+ext)
		for n := 2; taken[path]; n++ {
			path = filepath.Join(dir, fmt.Sprintf("%s_%d%s", name, n, ext))
		}
		taken[path] = true
		paths[loc] = path
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--export %s: %w", dir, err)
	}
	for _, loc := range order {
		if err := checkNewFile(paths[loc], "--export", o.force); err != nil {
			return err
		}
	}
	for _, loc := range order {
		path := paths[loc]
		csvFile := filepath.Ext(path) == ".csv"
		var lines []string
		if header := headerLine(dropDir, loc); header != "" {
			lines = append(lines, header)
		}
		for _, q := range byFile[loc] {
			lines = append(lines, q.raw)
		}
		body := strings.Join(lines, "\n") + "\n"
		if csvFile {
			for i, l := range lines {
				lines[i] = export.NeutralizeCSVLine(l)
			}
			body = strings.Join(lines, "\n") + "\n"
			if o.bom {
				body = "\ufeff" + body
			}
		}
		err := writeNewFile(path, "--export", o.force, func(w io.Writer) error {
			_, err := io.WriteString(w, body)
			return err
		})
		if err != nil {
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
	// The first row is the header, or, in a file without one, a person's record.
	return normalize.RedactPII(source.Row{Values: rec}.RawText())
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
