package queries

import (
	"strings"
	"unicode/utf8"
)

// Header reads the "-- key: value" lines that open a metric or a saved query, up to the first
// line of SQL. A line "--   more" (three spaces) continues the previous key; continued Chinese
// text runs on without a space, other text with one.
func Header(body string) map[string]string {
	h := map[string]string{}
	var last string
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if !strings.HasPrefix(trimmed, "--") {
			break
		}
		text := strings.TrimPrefix(trimmed, "--")
		key, val, ok := strings.Cut(text, ":")
		if ok && !strings.HasPrefix(text, "   ") {
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			last = key
		} else {
			key, val = last, strings.TrimSpace(text)
		}
		if key != "" {
			h[key] = joinLines(h[key], val)
		}
	}
	return h
}

func joinLines(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	last, _ := utf8.DecodeLastRuneInString(a)
	first, _ := utf8.DecodeRuneInString(b)
	if last >= utf8.RuneSelf || first >= utf8.RuneSelf {
		return a + b
	}
	return a + " " + b
}
