package queries

import (
	"reflect"
	"testing"
)

func TestHeader(t *testing.T) {
	body := "-- id: x\n-- name: 企业“四不”\n-- targets: T70 T71\n--   T72\n-- description: 第一行\n--   接着写\n--   and more\nSELECT 1 -- not: header"
	got := Header(body)
	want := map[string]string{"id": "x", "name": "企业“四不”", "targets": "T70 T71 T72", "description": "第一行接着写and more"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Header = %q\nwant %q", got, want)
	}
}

func TestMetricsDeclareTheirTargets(t *testing.T) {
	ms, err := Metrics()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Name == "" || m.Unit == "" || len(m.Targets) == 0 {
			t.Errorf("%s: header needs name, unit and targets: %+v", m.File, m)
		}
	}
	m, err := Lookup("sibu_drill_share")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Targets, []string{"T70", "T71", "T72"}) {
		t.Errorf("sibu_drill_share targets %v", m.Targets)
	}
}
