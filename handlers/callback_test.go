package handlers

import "testing"

func TestParseCallback(t *testing.T) {
	for _, tt := range []struct {
		data string
		want Callback
		ok   bool
	}{
		{"lang:vi", Callback{Feature: "lang", Action: "vi"}, true},
		{"join:unit:42:3", Callback{Feature: "join", Action: "unit", ID: 42, Version: 3}, true},
		{"join:ok:7", Callback{Feature: "join", Action: "ok", ID: 7}, true},
		{"", Callback{}, false},
		{"join", Callback{}, false},
		{"join::1", Callback{}, false},
		{"join:ok:-1", Callback{}, false},
		{"join:ok:x", Callback{}, false},
		{"a:b:1:2:3", Callback{}, false},
	} {
		got, err := ParseCallback(tt.data)
		if (err == nil) != tt.ok || got != tt.want {
			t.Fatalf("ParseCallback(%q)=%+v,%v want %+v ok=%v", tt.data, got, err, tt.want, tt.ok)
		}
		if tt.ok {
			if back, _ := ParseCallback(got.String()); back != got {
				t.Fatalf("round trip %q → %q", tt.data, got.String())
			}
		}
	}
}

func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{"lang:vi", "join:unit:42:3", "join:ok:7", "a::", ":::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		c, err := ParseCallback(data)
		if err != nil {
			return
		}
		if c.Feature == "" || c.Action == "" || c.ID < 0 || c.Version < 0 {
			t.Fatalf("accepted %q as %+v", data, c)
		}
		if len(c.String()) > maxCallbackData {
			t.Fatalf("re-encoded %q longer than 64 bytes", data)
		}
	})
}
