package sqlite

import "testing"

func TestFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Huyện Bắc Hà", "huyen bac ha"},
		{"  Xã  Đồng   Tâm ", "xa dong tam"},
		{"ĐIỆN BIÊN", "dien bien"},
		{"Tổ dân phố 5", "to dan pho 5"},
		{"", ""},
	} {
		if got, want := fold(tt.in), tt.want; got != want {
			t.Fatalf("fold(%q)=%q, want %q", tt.in, got, want)
		}
	}
}
