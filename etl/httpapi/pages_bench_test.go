package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetydw/etl/httpapi"
)

// BenchmarkPages drains 50,000 hazard-like records (20 keys) through the connector from a
// server that answers pre-rendered pages, so that only the connector's own cost (request,
// page parsing, watermark keys, rows) is timed, not a stand-in's.
func BenchmarkPages(b *testing.B) {
	const n = 50_000
	for _, size := range []int{500, 5000} {
		b.Run(fmt.Sprintf("page%d", size), func(b *testing.B) {
			var pages []string
			for from := 0; from < n; from += size {
				var sb strings.Builder
				sb.WriteString(`{"data":[`)
				for i := from; i < min(from+size, n); i++ {
					if i > from {
						sb.WriteByte(',')
					}
					ts := time.Date(2023, 1, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)).Add(time.Duration(i) * time.Minute)
					fmt.Fprintf(&sb, `{"hazard_id":"YH%010d","src_id":"ZC-%07d-20230101-16","uscc":"91370812545717861D","town":"新兖镇","level":"一般","channel":"企业自查","found_by_level":"企业","found_by_dept":"","found_date":"2023-01-01","deadline_date":"2023-01-10","is_gua_pai":false,"rectified_date":"2023-01-17","verified_date":null,"verify_dept":"","closed_date":"2023-01-20","status":"已销号","tags":["消防"],"std_clause":"","updated_at":"%s"}`,
						i, i, ts.Format(time.RFC3339))
				}
				fmt.Fprintf(&sb, `],"total":%d}`, n)
				pages = append(pages, sb.String())
			}
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				p, _ := strconv.Atoi(r.URL.Query().Get("page"))
				if p < 1 || p > len(pages) {
					io.WriteString(w, fmt.Sprintf(`{"data":[],"total":%d}`, n))
					return
				}
				io.WriteString(w, pages[p-1])
			}))
			defer hs.Close()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c, err := httpapi.Open(httpapi.Config{URL: hs.URL + "/api/hazards", PageSize: size, IDField: "hazard_id", Log: io.Discard}, nil)
				if err != nil {
					b.Fatal(err)
				}
				rows := 0
				for {
					bt, err := c.Next(context.Background())
					if err != nil {
						b.Fatal(err)
					}
					if bt == nil {
						break
					}
					rows += len(bt.Table.Rows) - 1
				}
				c.Close()
				if rows != n {
					b.Fatalf("%d rows", rows)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
