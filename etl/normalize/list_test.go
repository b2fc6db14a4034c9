package normalize

import (
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
