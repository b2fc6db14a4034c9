package files

import (
	"encoding/json"
	"strings"
)

// The map-based reader that jsonRows replaced, kept as the reference the new decoder is
// compared with (TestJSONRowsAsBefore): the same rows, values and header for every input.

type rawObject struct {
	num int
	raw string
}

// objectsToTable puts a header row first (Num 0) and one row per object. An object that
// does not parse keeps its raw text and an empty value list, so the dataset quarantines it.
func refObjectsToTable(path string, objs []rawObject) (*Table, error) {
	var keys []string
	seen := map[string]int{}
	parsed := make([]map[string]any, len(objs))
	for i, o := range objs {
		dec := json.NewDecoder(strings.NewReader(o.raw))
		dec.UseNumber()
		var m map[string]any
		if dec.Decode(&m) != nil {
			continue
		}
		parsed[i] = m
		if refKnownKeys(m, seen) {
			continue // the usual case: records share their keys, whose order is known
		}
		for _, k := range refOrderedKeys(o.raw) {
			if _, ok := seen[k]; !ok {
				seen[k] = len(keys)
				keys = append(keys, k)
			}
		}
	}
	t := &Table{Path: path, Encoding: "json"}
	t.Rows = append(t.Rows, Row{Num: 0, Values: keys, Raw: strings.Join(keys, ",")})
	for i, o := range objs {
		m := parsed[i]
		if m == nil {
			t.Rows = append(t.Rows, Row{Num: o.num, Raw: o.raw})
			continue
		}
		vals := make([]string, len(keys))
		for k, v := range m {
			vals[seen[k]] = refJSONText(v)
		}
		t.Rows = append(t.Rows, Row{Num: o.num, Values: vals, Raw: o.raw})
	}
	return t, nil
}

// knownKeys says whether every key of m is in seen already; only an object with a new key
// is read a second time for the order of its keys.
func refKnownKeys(m map[string]any, seen map[string]int) bool {
	for k := range m {
		if _, ok := seen[k]; !ok {
			return false
		}
	}
	return true
}

// orderedKeys returns the top-level keys of a JSON object in document order.
func refOrderedKeys(raw string) []string {
	dec := json.NewDecoder(strings.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := tok.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

func refJSONText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
