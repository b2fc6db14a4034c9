package normalize

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestList(t *testing.T) {
	for in, want := range map[string][]string{
		`["消防","电气焊"]`:     {"消防", "电气焊"},
		`[]`:               nil,
		"":                 nil,
		"专项、四不两直":          {"专项", "四不两直"},
		"专项，复查, 日常；专项":     {"专项", "复查", "日常"},
		"、罚款、":             {"罚款"},
		`["a", " a ", ""]`: {"a"},
		`["a"," a ",""]`:   {"a"},
		`["a","b","a"]`:    {"a", "b"},
		`["x\"y","z"]`:     {"x\"y", "z"},
		`["","x"]`:         {"x"},
	} {
		if got, err := List(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("List(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{`["消防"`, `[1,2]`} {
		if got, err := List(in); err == nil {
			t.Errorf("List(%q) = %q, want an error", in, got)
		}
	}
	if _, err := ListOf("专项、巡逻", "专项", "复查"); err == nil {
		t.Error("ListOf accepted an item outside the set")
	}
	if got, err := ListOf("复查、专项", "专项", "复查"); err != nil || !slices.Equal(got, []string{"复查", "专项"}) {
		t.Errorf("ListOf = %q, %v", got, err)
	}
}

// FuzzFlatStrings: a list the short way reads exactly as json.Unmarshal reads it.
func FuzzFlatStrings(f *testing.F) {
	for _, s := range []string{`["消防","电气焊"]`, `[""]`, `["a","b"]`, `["a\"b"]`, `["\u00e9"]`, "[\"a\xffb\"]", `["a"]x"]`, `["a",1,"b"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := flatStrings(s)
		if !ok {
			return
		}
		var want []string
		if err := json.Unmarshal([]byte(s), &want); err != nil || !slices.Equal(got, want) {
			t.Fatalf("flatStrings(%q) = %q; json.Unmarshal = %q, %v", s, got, want, err)
		}
	})
}
