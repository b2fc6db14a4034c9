package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The encoding/json page and key reading that jsontext replaced, kept as the reference the
// new reading is compared with (TestPageAsBefore, TestKeyAsBefore).

type refPage struct {
	records    []json.RawMessage
	total      *int
	nextCursor string
}

// key reads a record's (updated_at, id); ok is false when either is missing or unreadable.
func (c *Connector) refKey(raw json.RawMessage) (time.Time, string, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return time.Time{}, "", false
	}
	id := refScalarText(m[c.cfg.IDField])
	ts, err := ParseTime(refScalarText(m[c.cfg.UpdatedField]))
	if id == "" || err != nil {
		return time.Time{}, "", false
	}
	return ts, id, true
}

// scalarText is a JSON string's text or a number's literal; "" for anything else.
func refScalarText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return ""
	}
	return n.String()
}

// parsePage accepts {"data"|"records"|"items": [...], "total": n, "next_cursor": "..."}, the
// same one level down ({"code": 0, "data": {"records": [...], "total": n}}, as MyBatis-Plus
// pages come), and a bare array.
func refParsePage(body []byte) (*refPage, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var recs []json.RawMessage
		if err := json.Unmarshal(body, &recs); err != nil {
			return nil, err
		}
		return &refPage{records: recs}, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, err
	}
	pg, found, err := refPageFrom(top)
	if err != nil || found {
		return pg, err
	}
	if inner, ok := top["data"]; ok {
		var m map[string]json.RawMessage
		if json.Unmarshal(inner, &m) == nil {
			pg, found, err := refPageFrom(m)
			if err != nil || found {
				return pg, err
			}
		}
	}
	return nil, errors.New("没有 data、records 或 items 数组 (no data, records or items array)")
}

func refPageFrom(m map[string]json.RawMessage) (*refPage, bool, error) {
	for _, k := range []string{"data", "records", "items"} {
		raw, ok := m[k]
		if !ok || len(bytes.TrimSpace(raw)) == 0 || bytes.TrimSpace(raw)[0] != '[' {
			continue
		}
		pg := &refPage{}
		if err := json.Unmarshal(raw, &pg.records); err != nil {
			return nil, true, fmt.Errorf("%s: %w", k, err)
		}
		if t, ok := m["total"]; ok {
			var n int
			if json.Unmarshal(t, &n) == nil {
				pg.total = &n
			}
		}
		for _, ck := range []string{"next_cursor", "nextCursor"} {
			if raw, ok := m[ck]; ok {
				pg.nextCursor = refScalarText(raw)
			}
		}
		return pg, true, nil
	}
	return nil, false, nil
}
