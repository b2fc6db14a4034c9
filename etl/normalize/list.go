package normalize

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// listSeparators are what ledgers put between the items of a list cell: 专项、复查 in the
// 互联网+执法 export, commas and semicolons elsewhere.
var listSeparators = strings.NewReplacer("，", "、", ",", "、", "；", "、", ";", "、", "|", "、", "\n", "、")

// List reads a cell holding several values: a JSON array (["消防","电气焊"], as the platforms'
// APIs send them) or text joined with 、 , ; or |. Items are trimmed; empty and repeated items
// are dropped, the order is kept. An empty cell is an empty list.
func List(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "[]" || s == "null" {
		return nil, nil
	}
	var items []string
	if flat, ok := flatStrings(s); ok {
		items = flat
	} else if strings.HasPrefix(s, "[") {
		var raw []any
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			return nil, fmt.Errorf("列表无效 %q (invalid JSON list)", s)
		}
		for _, v := range raw {
			str, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("列表项应为文本 %q (list items must be strings)", s)
			}
			items = append(items, str)
		}
	} else {
		items = strings.Split(listSeparators.Replace(s), "、")
	}
	out := items[:0]
	seen := map[string]bool{}
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" || seen[it] {
			continue
		}
		seen[it] = true
		out = append(out, it)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// ListOf reads a list whose items must come from a closed set (inspection modes, measures).
func ListOf(s string, allowed ...string) ([]string, error) {
	items, err := List(s)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if _, err := OneOf(it, allowed...); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// flatStrings reads the usual JSON list the short way: ["a","b"] written without spaces, its
// strings free of escapes and control characters and valid UTF-8, where json.Unmarshal reads
// them as they stand. Any other text says false and goes to json.Unmarshal.
func flatStrings(s string) ([]string, bool) {
	if len(s) < 4 || !strings.HasPrefix(s, `["`) || !strings.HasSuffix(s, `"]`) || !utf8.ValidString(s) {
		return nil, false
	}
	items := strings.Split(s[2:len(s)-2], `","`)
	for _, it := range items {
		for i := 0; i < len(it); i++ {
			if c := it[i]; c == '"' || c == '\\' || c < 0x20 {
				return nil, false
			}
		}
	}
	return items, true
}
