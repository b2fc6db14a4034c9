package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/spf13/cobra"

	"safetydw/queries/adhoc"
	"safetydw/queries/export"
	"safetydw/warehouse"
)

type sqlOptions struct {
	saved, file, format, output string
	params                      []string
	bom, list, force, tables    bool
}

// sqlCmd runs analysts' SQL through the read-only analyst account, never the ETL one: the
// server itself refuses writes and enforces the time, row and memory limits of its profile.
func sqlCmd() *cobra.Command {
	var o sqlOptions
	c := &cobra.Command{
		Use:   "sql [QUERY]",
		Short: "以只读分析账号执行 SQL 查询 (ad-hoc SQL as the read-only analyst account)",
		Long: `以只读分析账号执行一条 SELECT 查询，结果输出为对齐表格、CSV、JSON、XLSX 或 Parquet。
Runs one SELECT as the read-only analyst account and writes the result as a table, CSV, JSON, XLSX or Parquet.

查询来源 (the query comes from): 参数 QUERY、--file 文件（- 为标准输入）、--saved 已存查询，
或在都未给出时读取标准输入。已存查询在 queries/adhoc/ 中（--list 列出）。
参数用 --param 名=值 传入，查询中写作 @名；取值按声明的类型绑定，不拼接进 SQL。

账号 (account): CLICKHOUSE_ANALYST_USER / CLICKHOUSE_ANALYST_PASSWORD（默认本机 analyst 账号），
服务器与数据库同其他命令：CLICKHOUSE_ADDR、CLICKHOUSE_DB。`,
		Example: `  safetydw sql "SELECT name, kind FROM dim_town ORDER BY sort_order"
  safetydw sql --list
  safetydw sql --saved sibu_drills_by_town --param town=鼓楼街道 --param year=2025
  safetydw sql --saved targets_due --param year=2025 --format xlsx --output 2025年到期目标.xlsx
  safetydw sql --file my_query.sql --format csv --bom --output 结果.csv
  echo "SELECT count() FROM fact_drill" | safetydw sql --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("format") {
				o.format = formatFor(o.output)
			}
			if !cmd.Flags().Changed("bom") {
				o.bom = bomFor(o.output) && strings.EqualFold(o.format, string(export.CSV))
			}
			return runSQL(cmd, args, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.saved, "saved", "", "run a saved query of queries/adhoc/ (运行已存查询)")
	f.StringArrayVar(&o.params, "param", nil, "query parameter name=value, repeatable (查询参数，可重复)")
	f.StringVar(&o.file, "file", "", "read the query from a file, - for stdin (从文件读取查询)")
	f.StringVar(&o.format, "format", "table", "output format: table|csv|json|xlsx|parquet; default: from the --output file's extension, else table (输出格式)")
	f.BoolVar(&o.bom, "bom", false, "CSV: start with a UTF-8 BOM so Excel shows Chinese correctly; on by default for an --output *.csv file, --bom=false turns it off (供 Excel 打开)")
	f.StringVar(&o.output, "output", "", "write to this file instead of stdout; required for xlsx and parquet; an existing file needs --force (输出文件)")
	f.BoolVar(&o.force, "force", false, "overwrite an existing --output file (覆盖已有文件)")
	f.BoolVar(&o.list, "list", false, "list the saved queries (列出已存查询)")
	f.BoolVar(&o.tables, "tables", false, "list the tables the analyst account can query, with what each holds (列出可查询的表)")
	return c
}

func runSQL(cmd *cobra.Command, args []string, o sqlOptions) error {
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if o.list {
		return listSaved(out)
	}
	if o.tables {
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		return listTables(ctx, out)
	}
	format, err := export.ParseFormat(o.format)
	if err != nil {
		return err
	}
	if format.Binary() && o.output == "" {
		return fmt.Errorf("--format %s needs --output FILE (二进制格式须指定输出文件)", format)
	}
	if o.bom && format != export.CSV {
		return fmt.Errorf("--bom only applies to --format csv (--bom 仅用于 CSV)")
	}
	if o.output != "" {
		if err := checkNewFile(o.output, "--output", o.force); err != nil { // before the query runs
			return err
		}
	}
	q, err := sqlQuery(cmd, args, o)
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, p := range o.params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return fmt.Errorf("--param %q: write name=value (参数格式为 名=值)", p)
		}
		if _, dup := values[k]; dup {
			return fmt.Errorf("--param %s given twice (参数重复)", k)
		}
		values[k] = v
	}
	if _, err := q.Args(values); err != nil { // before connecting: a typo needs no server
		return err
	}

	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	cfg := warehouse.AnalystConfigFromEnv()
	db, err := warehouse.Open(ctx, cfg, false)
	if err != nil {
		return loginError(cfg, err)
	}
	defer db.Close()
	start := time.Now()
	res, err := adhoc.Run(ctx, db, q, values)
	if err != nil {
		return serverError(q, err)
	}
	if err := writeResult(out, format, res, o); err != nil {
		return err
	}
	where := ""
	if o.output != "" {
		where = " → " + o.output
	}
	fmt.Fprintf(errOut, "%d 行 (rows), %.2f s%s\n", len(res.Rows), time.Since(start).Seconds(), where)
	return nil
}

// sqlQuery finds the one query to run: a saved one, a file, the argument, or stdin.
func sqlQuery(cmd *cobra.Command, args []string, o sqlOptions) (adhoc.Query, error) {
	given := 0
	for _, set := range []bool{o.saved != "", o.file != "", len(args) > 0} {
		if set {
			given++
		}
	}
	if given > 1 {
		return adhoc.Query{}, fmt.Errorf("give the query once: as an argument, --file or --saved (查询只能给出一次)")
	}
	switch {
	case o.saved != "":
		return adhoc.Lookup(o.saved)
	case len(args) > 0:
		return adhoc.Parse("argument", args[0])
	case o.file != "" && o.file != "-":
		body, err := os.ReadFile(o.file)
		if err != nil {
			return adhoc.Query{}, err
		}
		return adhoc.Parse(o.file, string(body))
	}
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 && o.file != "-" {
			return adhoc.Query{}, fmt.Errorf("no query: give one as an argument, --file, --saved or on stdin (未给出查询)")
		}
	}
	body, err := io.ReadAll(in)
	if err != nil {
		return adhoc.Query{}, err
	}
	return adhoc.Parse("stdin", string(body))
}

// writeResult writes to stdout or, through a temporary file published at the end, to --output,
// so a failed export never leaves half a workbook behind.
func writeResult(out io.Writer, format export.Format, res *export.Result, o sqlOptions) error {
	opts := export.Options{BOM: o.bom}
	if o.output == "" {
		return export.Write(out, format, res, opts)
	}
	return writeNewFile(o.output, "--output", o.force, func(w io.Writer) error {
		return export.Write(w, format, res, opts)
	})
}

// formatFor is the format an --output file's extension names (结果.xlsx → xlsx), table otherwise.
func formatFor(output string) string {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(output)), ".")
	for _, f := range export.Formats {
		if ext == string(f) && f != export.Table {
			return ext
		}
	}
	return string(export.Table)
}

// bomFor says whether a file gets the UTF-8 BOM by default: a *.csv file is most often opened
// by Excel, which reads it as GBK on a Chinese Windows without the BOM.
func bomFor(path string) bool { return strings.EqualFold(filepath.Ext(path), ".csv") }

// listTables lists the tables the analyst account sees in its database, each with what it
// holds from the data dictionary.
func listTables(ctx context.Context, out io.Writer) error {
	docs, err := warehouse.Dictionary()
	if err != nil {
		return err
	}
	holds := map[string]string{}
	for _, d := range docs {
		holds[d.Name] = d.Description
	}
	cfg := warehouse.AnalystConfigFromEnv()
	db, err := warehouse.Open(ctx, cfg, false)
	if err != nil {
		return loginError(cfg, err)
	}
	defer db.Close()
	names, err := db.Tables(ctx)
	if err != nil {
		return serverError(adhoc.Query{}, err)
	}
	res := &export.Result{Columns: []export.Column{{Name: "表", Kind: export.KindString}, {Name: "说明", Kind: export.KindString}}}
	for _, n := range names {
		res.Rows = append(res.Rows, []any{n, holds[n]})
	}
	return export.WriteTable(out, res)
}

func listSaved(out io.Writer) error {
	qs, err := adhoc.Saved()
	if err != nil {
		return err
	}
	for _, q := range qs {
		fmt.Fprintf(out, "%s  %s\n", q.ID, q.Name)
		if len(q.Params) > 0 {
			var ps []string
			for _, p := range q.Params {
				ps = append(ps, "--param "+p.Name+"=…("+p.Type+")")
			}
			fmt.Fprintf(out, "    参数 (params): %s\n", strings.Join(ps, " "))
		}
		if q.Description != "" {
			fmt.Fprintf(out, "    %s\n", q.Description)
		}
	}
	return nil
}

// serverError shows a ClickHouse exception as the server reports it, code first, and what to
// do about the common ones.
func serverError(q adhoc.Query, err error) error {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		if hint := adhoc.Hint(q, ex); hint != "" {
			return fmt.Errorf("ClickHouse Code: %d. %s: %s\n  提示 (hint): %s", ex.Code, ex.Name, ex.Message, hint)
		}
		return fmt.Errorf("ClickHouse Code: %d. %s: %s", ex.Code, ex.Name, ex.Message)
	}
	return err
}

// loginError explains the failures of logging in as the analyst.
func loginError(cfg warehouse.Config, err error) error {
	var ex *clickhouse.Exception
	if !errors.As(err, &ex) {
		if strings.Contains(err.Error(), "EOF") {
			// 18.16 drops the connection during the handshake instead of sending code 291.
			return fmt.Errorf("%w\n  若服务器在运行：数据库 %s 可能不在分析账号 %s 的 allow_databases 中（18.16 此时直接断开连接）；用 CLICKHOUSE_DB 选择\n"+
				"  (if the server runs, database %[2]s may be outside %[3]s's allow_databases: 18.16 closes the connection instead of reporting code 291)", err, cfg.Database, cfg.User)
		}
		return err
	}
	hint := ""
	switch ex.Code {
	case 192, 193, 195, 516: // unknown user, wrong password, address not allowed, authentication failed
		hint = "\n  本机分析账号由 warehouse/clickhouse/users.d/analyst.xml 提供，运行 `make clickhouse` 同步；" +
			"其他服务器请设置 CLICKHOUSE_ANALYST_USER / CLICKHOUSE_ANALYST_PASSWORD (README: Ad-hoc SQL)"
	case 81, 291: // unknown database, database not allowed for this user
		hint = "\n  分析账号只能访问其 allow_databases 中的数据库；用 CLICKHOUSE_DB 选择 (choose with CLICKHOUSE_DB)"
	}
	return fmt.Errorf("login as %s to %s/%s failed (分析账号登录失败): ClickHouse Code: %d. %s: %s%s",
		cfg.User, cfg.Addr, cfg.Database, ex.Code, ex.Name, ex.Message, hint)
}
