package textvi

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
)

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"abc", "abc"},
		{"Đồng Văn", "dong van"},
		{"  Đồng   Văn \n", "dong van"},
		{"Hòa", "hoa"},
		{"Hoà", "hoa"},
		{"Ho\u0300a", "hoa"}, // decomposed, new-style tone placement
		{"Hoa\u0300", "hoa"}, // decomposed, old-style
		{"Thủy", "thuy"},     // precomposed ủ
		{"Thuỷ", "thuy"},     // precomposed ỷ
		{"THỦY", "thuy"},     // upper case
		{"Bắc Hà", "bac ha"}, // ă with acute, à
		{"BÁO CÁO", "bao cao"},
		{"ĐƯỢC", "duoc"},
		{"Ðồng", "dong"}, // U+00D0 eth from VNI fonts
		{"Lào\u200bCai", "laocai"},
		{"\ufeffSa Pa", "sa pa"},
		{"a\u200c\u200db", "ab"},
		{"Tổ\tdân\u00a0phố 5", "to dan pho 5"},
		{"hd 15 ho cai vneid", "hd 15 ho cai vneid"},
		{"Kỹ thuật", "ky thuat"},
		{"Ơ ư ơ", "o u o"},
		{"İstanbul", "istanbul"},
		{"a\xffb", "a\ufffdb"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldEqualPairs(t *testing.T) {
	pairs := [][2]string{
		{"Hòa", "Hoà"},
		{"Thủy", "Thuỷ"},
		{"Khánh Hòa", "khanh hoa"},
		{"Nguyễn Văn Tuấn", "NGUYEN VAN TUAN"},
		{"Quý", "Qúy"},
	}
	for _, p := range pairs {
		if a, b := Fold(p[0]), Fold(p[1]); a != b {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
}

func TestFoldConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := Fold("Đồng Văn Thuỷ"); got != "dong van thuy" {
					t.Errorf("Fold = %q", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"", "Đồng Văn", "Hoà", "Thuỷ", "  a  b ", "\u200bx\ufeff", "İ", "ǅ", "Σ",
		"a\u0301\u0323", "\xff\xfe", "ﬃ", "ᾼ", "Ω", "K", "x\u0345", "가", "\u1100\u1161",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: Fold(%q) = %q, Fold(that) = %q", s, got, again)
		}
		for _, r := range got {
			if unicode.Is(unicode.Mn, r) {
				t.Fatalf("Fold(%q) = %q has combining mark %U", s, got, r)
			}
			// Some upper-case letters (mathematical 𝐀, ϒ) have no lower-case
			// form; what matters is that nothing is left to lower.
			if unicode.ToLower(r) != r {
				t.Fatalf("Fold(%q) = %q has upper-case %U", s, got, r)
			}
			if isZeroWidth(r) {
				t.Fatalf("Fold(%q) = %q has zero-width %U", s, got, r)
			}
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q: white space not collapsed", s, got)
		}
	})
}

func TestContains(t *testing.T) {
	tests := []struct {
		haystack, needle string
		want             bool
	}{
		{"Thôn Bản Phố, xã Bắc Hà", "ban pho", true},
		{"Thôn Bản Phố, xã Bắc Hà", "Bản Phố", true},
		{"Thôn Bản Phố, xã Bắc Hà", "bac ha", true},
		{"Thôn Bản Phố, xã Bắc Hà", "ha", true},
		{"Thôn Bản Phố, xã Bắc Hà", "pho xa bac", true}, // punctuation only separates words
		{"Thôn Bản Phố, xã Bắc Hà", "pho bac", false},
		{"Phong Niên", "pho", false},
		{"Phong Niên", "phong", true},
		{"Tổ dân phố số 5", "tdp 5", false},
		{"Tổ dân phố số 5", "so 5", true},
		{"TDP 15", "5", false},
		{"Xã Kỹ Sơn", "ki son", true},
		{"Xã Kĩ Sơn", "kỹ sơn", true},
		{"Quý Xa", "qui xa", false},
		{"Thủy", "thui", false},
		{"Lý Thường Kiệt", "li thuong kiet", true},
		{"anything", "", false},
		{"anything", "  ", false},
		{"", "a", false},
	}
	for _, tt := range tests {
		if got := Contains(tt.haystack, tt.needle); got != tt.want {
			t.Errorf("Contains(%q, %q) = %v, want %v", tt.haystack, tt.needle, got, tt.want)
		}
	}
}

func TestStripUnitType(t *testing.T) {
	tests := []struct{ in, want string }{
		{"xa bac ha", "bac ha"},
		{"huyen bac ha", "bac ha"},
		{"phuong kim tan", "kim tan"},
		{"thi tran bac ha", "bac ha"},
		{"thi xa sa pa", "sa pa"},
		{"thanh pho lao cai", "lao cai"},
		{"tp lao cai", "lao cai"},
		{"tp. lao cai", "lao cai"},
		{"thon ban pho", "ban pho"},
		{"ban pho", "pho"},
		{"to dan pho so 5", "so 5"},
		{"tdp 5", "5"},
		{"tinh lao cai", "lao cai"},
		{"xa", "xa"},
		{"thi tran", "thi tran"},
		{"xanh", "xanh"},
		{"tpx", "tpx"},
		{"bac ha", "bac ha"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := StripUnitType(tt.in); got != tt.want {
			t.Errorf("StripUnitType(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCollatorOrder(t *testing.T) {
	// Each slice is in Vietnamese order.
	orders := [][]string{
		{"a", "ă", "â", "b"},
		{"Bảo", "Bắc"}, // ă is a letter after a, not an accented a
		{"an", "ăn", "ân"},
		{"d", "đ", "e"},
		{"Dung", "Đông"},
		{"o", "ô", "ơ", "p"},
		{"u", "ư", "v"},
		{"e", "ê", "g"},
		{"Bảo Thắng", "Bảo Yên", "Bắc Hà", "Bến", "Bình", "Đồng Văn", "Lào Cai", "Ô Quý Hồ", "Sa Pa", "Ư"},
		{"Tổ 2", "Tổ 10"},
	}
	for _, want := range orders {
		for i := 0; i+1 < len(want); i++ {
			if !Less(want[i], want[i+1]) {
				t.Errorf("Less(%q, %q) = false, want true", want[i], want[i+1])
			}
			if Less(want[i+1], want[i]) {
				t.Errorf("Less(%q, %q) = true, want false", want[i+1], want[i])
			}
		}
		got := slices.Clone(want)
		slices.Reverse(got)
		Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("Sort = %q, want %q", got, want)
		}
	}
}

func TestSortBy(t *testing.T) {
	type unit struct {
		id   int
		name string
	}
	us := []unit{{1, "Đồng Văn"}, {2, "Bảo Yên"}, {3, "Dương Quỳ"}, {4, "Bảo Yên"}, {5, "Ân Thi"}}
	SortBy(us, func(u unit) string { return u.name })
	var ids []int
	for _, u := range us {
		ids = append(ids, u.id)
	}
	if want := []int{5, 2, 4, 3, 1}; !slices.Equal(ids, want) {
		t.Errorf("SortBy ids = %v, want %v", ids, want)
	}
}

func TestCollatorConcurrent(t *testing.T) {
	c := NewCollator()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				ss := []string{"đ", "d", "â", "ă", "a"}
				c.Sort(ss)
				if !slices.Equal(ss, []string{"a", "ă", "â", "d", "đ"}) {
					t.Errorf("Sort = %q", ss)
					return
				}
				if !c.Less("o", "ơ") {
					t.Error(`Less("o", "ơ") = false`)
					return
				}
			}
		})
	}
	wg.Wait()
}
