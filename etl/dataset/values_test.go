package dataset

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"safetydw/etl/normalize"
)

// The fast paths of parseInto give, bit for bit, what normalize.Number and normalize.Count give
// for the cells they take, and leave every other cell to them.
func TestPlainNumbersMatchNormalize(t *testing.T) {
	// Hand-worked: value, and whether the fast path takes the cell.
	decimals := []struct {
		s    string
		want float64
		fast bool
	}{
		{"12.34", 12.34, true},
		{"-0.5", -0.5, true},
		{"-0", math.Copysign(0, -1), true},
		{"007.50", 7.5, true},
		{".25", 0.25, true},
		{"3.", 3, true},
		{"999999999999999", 999999999999999, true}, // 15 digits
		{"9999999999999999", 1e16, false},          // 16: normalize.Number
		{".000000000000001", 1e-15, true},          // 15 decimals, 15 digits
		{"0.000000000000001", 1e-15, false},        // 16 digits with the leading 0
		{"1,234.5", 1234.5, false},                 // separators
		{" 1.5", 1.5, false},                       // space
		{"1e3", 1000, false},                       // exponent
		{"+2", 2, false},                           // plus sign
	}
	for _, d := range decimals {
		got, fast := plainDecimal(d.s)
		if fast != d.fast || (fast && math.Float64bits(got) != math.Float64bits(d.want)) {
			t.Errorf("plainDecimal(%q) = %v, %v; want %v, %v", d.s, got, fast, d.want, d.fast)
		}
		var c cell
		if err := parseInto(&c, Float32, d.s); err != nil || math.Float64bits(c.f) != math.Float64bits(d.want) {
			t.Errorf("parseInto(%q) = %v, %v; want %v", d.s, c.f, err, d.want)
		}
	}
	for _, s := range []string{"", "-", ".", "1.2.3", "--1", "1-", "abc"} {
		if _, fast := plainDecimal(s); fast {
			t.Errorf("plainDecimal(%q) took a cell that is not a plain decimal", s)
		}
	}
	counts := []struct {
		s    string
		want uint32
		fast bool
	}{
		{"0", 0, true}, {"1", 1, true}, {"007", 7, true}, {"999999999", 999999999, true},
		{"4294967295", 4294967295, false}, {"1,000", 1000, false}, {"12.0", 12, false}, {"+3", 3, false},
	}
	for _, d := range counts {
		got, fast := plainCount(d.s)
		if fast != d.fast || (fast && got != d.want) {
			t.Errorf("plainCount(%q) = %d, %v; want %d, %v", d.s, got, fast, d.want, d.fast)
		}
		var c cell
		if err := parseInto(&c, UInt32, d.s); err != nil || c.u != uint64(d.want) {
			t.Errorf("parseInto(%q) = %d, %v; want %d", d.s, c.u, err, d.want)
		}
	}
	// Random cells of the shapes sensor platforms send, against normalize itself.
	r := rand.New(rand.NewPCG(13, 13))
	for i := 0; i < 200_000; i++ {
		v := (r.Float64() - 0.3) * math.Pow(10, float64(r.IntN(12)-3))
		s := strconv.FormatFloat(v, 'f', r.IntN(8), 64)
		want, err := normalize.Number(s)
		got, fast := plainDecimal(s)
		if err != nil || (fast && math.Float64bits(got) != math.Float64bits(want)) {
			t.Fatalf("%q: plainDecimal %v (fast %v), normalize.Number %v, %v", s, got, fast, want, err)
		}
		n := strconv.Itoa(r.IntN(1_000_000_000))
		wantN, err := normalize.Count(n)
		gotN, fast := plainCount(n)
		if err != nil || !fast || gotN != wantN {
			t.Fatalf("%q: plainCount %d (fast %v), normalize.Count %d, %v", n, gotN, fast, wantN, err)
		}
	}
}
