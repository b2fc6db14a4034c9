// Package adhoc runs analysts' SQL: the saved queries of queries/adhoc/*.sql and any query
// typed on the command line, with named parameters.
//
// A saved query starts with a header like the metrics' one:
//
//	-- id: sibu_drills_by_town           (the file is named after it)
//	-- name: 镇街企业“四不”演练明细
//	-- params: town:String year:UInt16
//	-- description: …
//	--   continued on lines that start with "--" and three spaces
//
// and refers to its parameters as @town, @year. Values are converted to the declared type here
// and then bound by clickhouse-go (clickhouse.Named), which writes them as escaped literals:
// 18.16 has no server-side query parameters (stack-notes B), and a value is never pasted into
// the SQL by this package. A UInt16 parameter only ever becomes a number.
package adhoc

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"safetydw/queries"
	"safetydw/queries/export"
)

//go:embed *.sql
var savedFiles embed.FS

// Param is one declared parameter.
type Param struct {
	Name string
	Type string // a ClickHouse type name: String, Date, Int8…Int64, UInt8…UInt64, Float32, Float64
}

// Query is a saved query, or a typed one (which may carry the same header).
type Query struct {
	ID          string
	Name        string // Chinese title
	Description string
	Params      []Param
	SQL         string // the whole text, header comments included, without a trailing ';'
	File        string
}

// Saved returns the saved queries, sorted by id.
func Saved() ([]Query, error) {
	entries, err := fs.ReadDir(savedFiles, ".")
	if err != nil {
		return nil, err
	}
	var qs []Query
	for _, e := range entries {
		body, err := savedFiles.ReadFile(e.Name())
		if err != nil {
			return nil, err
		}
		q, err := Parse(e.Name(), string(body))
		if err != nil {
			return nil, err
		}
		if q.ID == "" || q.Name == "" {
			return nil, fmt.Errorf("saved query %s: the header needs at least id and name", e.Name())
		}
		if q.ID+".sql" != e.Name() {
			return nil, fmt.Errorf("saved query %s declares id %s; name the file after the id", e.Name(), q.ID)
		}
		qs = append(qs, q)
	}
	sort.Slice(qs, func(i, j int) bool { return qs[i].ID < qs[j].ID })
	return qs, nil
}

// Lookup returns the saved query with the id.
func Lookup(id string) (Query, error) {
	qs, err := Saved()
	if err != nil {
		return Query{}, err
	}
	var ids []string
	for _, q := range qs {
		if q.ID == id {
			return q, nil
		}
		ids = append(ids, q.ID)
	}
	return Query{}, fmt.Errorf("no saved query %q (没有这个已存查询); saved: %s", id, strings.Join(ids, ", "))
}

var paramName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Parse reads a query and its header. Every key is optional here; Saved requires id and name.
// A declared parameter must be used as @name in the SQL and a used one declared, so a typo
// fails before the query reaches the server.
func Parse(file, body string) (Query, error) {
	q := Query{File: file, SQL: strings.TrimRight(strings.TrimSpace(body), "; \t\r\n")}
	if q.SQL == "" {
		return q, fmt.Errorf("%s: the query is empty (查询为空)", file)
	}
	h := queries.Header(q.SQL)
	q.ID, q.Name, q.Description = h["id"], h["name"], h["description"]
	ps, err := parseParams(h["params"])
	if err != nil {
		return q, fmt.Errorf("%s: %w", file, err)
	}
	q.Params = ps
	declared := map[string]bool{}
	for _, p := range q.Params {
		if declared[p.Name] {
			return q, fmt.Errorf("%s: parameter %s declared twice", file, p.Name)
		}
		declared[p.Name] = true
	}
	used := placeholders(q.SQL)
	for name := range used {
		if !declared[name] {
			return q, fmt.Errorf("%s: @%s is used but not declared; add it to the header: -- params: %s:String", file, name, name)
		}
	}
	for _, p := range q.Params {
		if !used[p.Name] {
			return q, fmt.Errorf("%s: parameter %s is declared but the query never uses @%s", file, p.Name, p.Name)
		}
	}
	return q, nil
}

// placeholders finds the @names of sql outside string literals, quoted identifiers and
// comments: the places where clickhouse-go substitutes them. An '@' in '%@gov.cn' is text.
func placeholders(sql string) map[string]bool {
	used := map[string]bool{}
	isName := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	scan(sql, func(i int) int {
		if sql[i] != '@' || i+1 >= len(sql) || !isName(sql[i+1]) { // the driver's rule, digits included
			return i
		}
		j := i + 1
		for j < len(sql) && isName(sql[j]) {
			j++
		}
		used[sql[i+1:j]] = true
		return j - 1
	})
	return used
}

// scan calls visit with the index of each byte of sql outside string literals, quoted
// identifiers and comments; visit returns the index of the last byte it consumed.
func scan(sql string, visit func(i int) int) {
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == '\'' || c == '"' || c == '`':
			// Skip to the closing quote; a backslash escapes the next byte, a doubled quote is one.
			for i++; i < len(sql); i++ {
				if sql[i] == '\\' {
					i++
				} else if sql[i] == c {
					if i+1 < len(sql) && sql[i+1] == c {
						i++
						continue
					}
					break
				}
			}
		case c == '-' && strings.HasPrefix(sql[i:], "--"), c == '#':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return
			}
			i += end + 3
		default:
			i = visit(i)
		}
	}
}

// parseParams reads "town:String year:UInt16".
func parseParams(s string) ([]Param, error) {
	var ps []Param
	for _, f := range strings.Fields(s) {
		name, typ, ok := strings.Cut(f, ":")
		if !ok || !paramName.MatchString(name) {
			return nil, fmt.Errorf("parameter %q: write name:Type, e.g. town:String", f)
		}
		if _, err := convert(typ, zeroOf(typ)); err != nil {
			return nil, fmt.Errorf("parameter %s: %w", name, err)
		}
		ps = append(ps, Param{Name: name, Type: typ})
	}
	return ps, nil
}

// zeroOf is a valid text for each supported type, to check a declared type once.
func zeroOf(typ string) string {
	if typ == "Date" {
		return "1970-01-01"
	}
	return "0"
}

// Args checks values against the declared parameters and converts each to its type, as
// clickhouse.Named arguments for the query's @placeholders.
func (q Query) Args(values map[string]string) ([]any, error) {
	declared := map[string]bool{}
	var names []string
	for _, p := range q.Params {
		declared[p.Name] = true
		names = append(names, p.Name+":"+p.Type)
	}
	var unknown []string
	for k := range values {
		if !declared[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		if len(names) == 0 {
			return nil, fmt.Errorf("unknown parameter %s (未知参数): the query declares none; declare them in a header line such as  -- params: town:String year:UInt16",
				strings.Join(unknown, ", "))
		}
		return nil, fmt.Errorf("unknown parameter %s (未知参数); the query takes %s", strings.Join(unknown, ", "), strings.Join(names, " "))
	}
	args := make([]any, 0, len(q.Params))
	for _, p := range q.Params {
		v, ok := values[p.Name]
		if !ok {
			return nil, fmt.Errorf("missing parameter %s (缺少参数), e.g. --param %s=…; the query takes %s", p.Name, p.Name, strings.Join(names, " "))
		}
		val, err := convert(p.Type, v)
		if err == nil {
			err = checkDimension(p.Name, v)
		}
		if err != nil {
			return nil, fmt.Errorf("parameter %s (参数值无效): %w", p.Name, err)
		}
		args = append(args, clickhouse.Named(p.Name, val))
	}
	return args, nil
}

// convert turns a parameter's text into the Go value of its type.
func convert(typ, s string) (any, error) {
	bits := map[string]int{"8": 8, "16": 16, "32": 32, "64": 64}
	switch {
	case typ == "String":
		return s, nil
	case typ == "Date":
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, fmt.Errorf("%q is not a date like 2025-01-31", s)
		}
		// Bound as the string '2025-01-31', which ClickHouse compares with a Date column;
		// write toDate(@p) where a function needs a Date.
		return s, nil
	case strings.HasPrefix(typ, "UInt") && bits[typ[4:]] > 0:
		n, err := strconv.ParseUint(s, 10, bits[typ[4:]])
		if err != nil {
			return nil, fmt.Errorf("%q is not a %s", s, typ)
		}
		return n, nil
	case strings.HasPrefix(typ, "Int") && bits[typ[3:]] > 0:
		n, err := strconv.ParseInt(s, 10, bits[typ[3:]])
		if err != nil {
			return nil, fmt.Errorf("%q is not an %s", s, typ)
		}
		return n, nil
	case typ == "Float32" || typ == "Float64":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%q is not a finite %s", s, typ)
		}
		return f, nil
	}
	return nil, fmt.Errorf("unsupported parameter type %q (use String, Date, Int8…Int64, UInt8…UInt64, Float32 or Float64)", typ)
}

// Run binds the values and runs the query on conn, returning the whole result.
func Run(ctx context.Context, conn driver.Conn, q Query, values map[string]string) (*export.Result, error) {
	args, err := q.Args(values)
	if err != nil {
		return nil, err
	}
	rows, err := conn.Query(ctx, q.SQL, args...)
	if err != nil {
		return nil, err
	}
	return export.Collect(rows)
}
