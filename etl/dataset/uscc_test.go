package dataset

import (
	"regexp"
	"testing"
)

// The pattern validUSCC checks byte by byte, as the regexp it replaced.
var usccPattern = regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$`)

func TestValidUSCC(t *testing.T) {
	for s, want := range map[string]bool{
		"91370812545717861D":  true,
		"91370812MAH7LT4R4C":  true,
		"9137081254571786":    false, // 16 characters
		"91370812545717861DX": false, // 19
		"91370812545717861I":  false, // I, O, S, V, Z are not used
		"9137O812545717861D":  false, // a letter among the six digits (area code)
		"91370812545717861d":  false, // lower case
		"９1370812545717861D":  false, // a full-width digit
		"":                    false,
	} {
		if got := validUSCC(s); got != want || got != usccPattern.MatchString(s) {
			t.Errorf("validUSCC(%q) = %v, want %v (regexp %v)", s, got, want, usccPattern.MatchString(s))
		}
	}
}

func FuzzValidUSCC(f *testing.F) {
	f.Add("91370812545717861D")
	f.Add("91370812MAH7LT4R4C")
	f.Fuzz(func(t *testing.T, s string) {
		if validUSCC(s) != usccPattern.MatchString(s) {
			t.Fatalf("validUSCC(%q) = %v, the regexp says %v", s, validUSCC(s), usccPattern.MatchString(s))
		}
	})
}
