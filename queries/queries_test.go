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
