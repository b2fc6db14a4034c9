package cron

import (
	"bytes"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"safetydw/queries/export"
)

// table writes string rows under Chinese headers, aligned as `safetydw sql` aligns them.
func table(w io.Writer, headers []string, rows [][]string) error {
	r := &export.Result{}
	for _, h := range headers {
		r.Columns = append(r.Columns, export.NewColumn(h, "String"))
	}
	for _, row := range rows {
		vals := make([]any, len(row))
		for i, v := range row {
			vals[i] = v
		}
		r.Rows = append(r.Rows, vals)
	}
	return export.WriteTable(w, r)
}

func when(t time.Time) string {
	if t.Unix() <= 0 {
		return "—"
	}
	return t.In(China).Format("2006-01-02 15:04:05")
}

// WriteSummaries prints `safetydw jobs`.
func WriteSummaries(w io.Writer, sums []JobSummary) error {
	var rows [][]string
	for _, s := range sums {
		status := s.Last.Status
		if status == "" {
			status = "未运行 (never ran)"
		}
		next := when(s.Next)
		if s.Next.IsZero() {
			next = "依赖触发 (after dependencies)"
		}
		rows = append(rows, []string{s.Job, s.Schedule, when(s.Last.Started), status, when(s.LastOK), next, oneLine(s.LastError)})
	}
	return table(w, []string{"作业", "计划", "上次运行", "状态", "上次成功", "下次运行", "最近错误"}, rows)
}

// WriteRuns prints `safetydw jobs --runs N`.
func WriteRuns(w io.Writer, runs []Run) error {
	var rows [][]string
	for _, r := range runs {
		rows = append(rows, []string{r.Job, r.Trigger, when(r.Scheduled), when(r.Started), when(r.Finished), r.Status,
			strconv.Itoa(r.Attempt), strconv.FormatUint(r.Rows, 10), strconv.FormatUint(r.Quarantined, 10), oneLine(r.Error), r.Owner})
	}
	return table(w, []string{"作业", "触发", "计划时间", "开始", "结束", "状态", "尝试", "载入行数", "隔离行数", "错误", "调度实例"}, rows)
}

// oneLine keeps an error's first line, short enough for a terminal row.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}

// LogWriter turns the pipeline's progress lines into log records, one per line, with time.
func LogWriter(l *slog.Logger) io.Writer { return &logWriter{l: l} }

type logWriter struct {
	l   *slog.Logger
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line) // an unfinished line waits for its end
			return len(p), nil
		}
		if line = strings.TrimRight(line, "\n"); strings.TrimSpace(line) != "" {
			w.l.Info(line)
		}
	}
}
