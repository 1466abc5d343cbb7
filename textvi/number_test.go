package textvi

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
	}{
		{"0", 0},
		{"15", 15},
		{"1.562", 1562},
		{"7.363", 7363},
		{"97,4", 97.4},
		{"97.4", 97.4},
		{"95,71", 95.71},
		{"1.234.567", 1234567},
		{"1,234,567", 1234567},
		{"1.234,5", 1234.5},
		{"1,234.5", 1234.5},
		{"1.234.567,89", 1234567.89},
		{"0,125", 0.125},
		{"0.125", 0.125},
		{"1234.567", 1234.567},
		{"12.3456", 12.3456},
		{",5", 0.5},
		{"97,4%", 97.4},
		{" 1.562 ", 1562},
		{"-3", -3},
		{"+2,5", 2.5},
		{"1\u00a0", 1},
	} {
		got, err := ParseNumber(tt.in)
		if err != nil {
			t.Errorf("ParseNumber(%q): %v", tt.in, err)
		} else if got != tt.want {
			t.Errorf("ParseNumber(%q)=%v, want %v", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{
		"", " ", "abc", "12ab", ".", ",", "1.2.3", "1.23.456", "1,2.5", "1.234,5,6",
		"1.234.5", "--1", "1e5", "0x10", "NaN", "Inf", "1 562", "%", "-", "1,5.234,5",
	} {
		if v, err := ParseNumber(in); err == nil {
			t.Errorf("ParseNumber(%q)=%v, want an error", in, v)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1.562", "97,4", "97.4", "1.234.567", "1.234,5", "0,125", "-3", "97,4%", "", "1e5", ",5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseNumber(s)
		if err != nil {
			return
		}
		// The value must be the input's digits, in order, with a decimal
		// point put somewhere: parsing never invents or drops a digit.
		var digits strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' {
				digits.WriteRune(r)
			}
		}
		d := digits.String()
		if d == "" {
			t.Fatalf("ParseNumber(%q)=%v from no digits", s, v)
		}
		for k := 0; k <= len(d); k++ {
			ip, frac := d[:len(d)-k], d[len(d)-k:]
			w, err := strconv.ParseFloat("0"+ip+".0"+frac, 64)
			if frac != "" {
				w, err = strconv.ParseFloat("0"+ip+"."+frac, 64)
			}
			if err == nil && (w == v || -w == v) {
				return
			}
		}
		t.Fatalf("ParseNumber(%q)=%v is not made of the digits %q", s, v, d)
	})
}

func TestIsInteger(t *testing.T) {
	for v, want := range map[float64]bool{0: true, 15: true, 1562: true, -3: true, 1.5: false, 97.4: false} {
		if got := IsInteger(v); got != want {
			t.Errorf("IsInteger(%v)=%v, want %v", v, got, want)
		}
	}
}

// An answer to "how many?" may name what was counted (04/12/2026, issue 10).
func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"15", 15, true},
		{"15 người", 15, true},
		{"15 nguoi", 15, true},
		{"15người", 15, true},
		{"2 buổi", 2, true},
		{"1.250 người", 1250, true},
		{"3 tài khoản.", 3, true},
		{" 12 hộ gia đình ", 12, true},
		{"-5 người", -5, true},
		{"1,5 buổi", 1.5, true},
		{"abc", 0, false},
		{"người", 0, false},
		{"", 0, false},
		{"15 người 20", 0, false},
		{"15 20", 0, false},
		{"15 người, 20 hộ", 0, false},
		{"được 15 người", 0, false},
		{"15/7 người", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseCount(tt.in)
		if ok := err == nil; ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseCount(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrNotNumber) {
			t.Errorf("ParseCount(%q) error %v does not wrap ErrNotNumber", tt.in, err)
		}
	}
}

func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"15 người", "2 buổi", "1.250 nguoi", "15 người 20", "abc", "-5 hộ", "97,4%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseCount(s)
		if err != nil {
			return
		}
		// A count read alone is the number ParseNumber reads.
		if n, nerr := ParseNumber(s); nerr == nil && n != v {
			t.Fatalf("ParseCount(%q) = %v, ParseNumber = %v", s, v, n)
		}
	})
}
