package locales

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/goccy/go-yaml"

	"cnsbot"
)

func load(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func rawKeys(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := files.ReadFile(lang + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.yaml: %v", lang, err)
	}
	return m
}

func TestSameKeys(t *testing.T) {
	vi, en := rawKeys(t, "vi"), rawKeys(t, "en")
	var missingEn, missingVi []string
	for k := range vi {
		if _, ok := en[k]; !ok {
			missingEn = append(missingEn, k)
		}
	}
	for k := range en {
		if _, ok := vi[k]; !ok {
			missingVi = append(missingVi, k)
		}
	}
	slices.Sort(missingEn)
	slices.Sort(missingVi)
	if len(missingEn) > 0 {
		t.Errorf("en.yaml lacks keys: %s", strings.Join(missingEn, ", "))
	}
	if len(missingVi) > 0 {
		t.Errorf("vi.yaml lacks keys: %s", strings.Join(missingVi, ", "))
	}
	for k, v := range vi {
		if strings.TrimSpace(v) == "" {
			t.Errorf("vi.yaml: %s is empty", k)
		}
	}
	for k, v := range en {
		if strings.TrimSpace(v) == "" {
			t.Errorf("en.yaml: %s is empty", k)
		}
	}
}

// The keys other packages rely on by name.
func TestRequiredKeys(t *testing.T) {
	c := load(t)
	required := []string{
		"error.internal", "error.unavailable", "error.forbidden", "error.not_found",
		"error.conflict", "error.invalid", "error.invalid_phone", "error.already_decided",
		"error.stale_button", "error.private_only", "error.too_long",
		"start.welcome", "start.share_phone_button", "start.not_own_contact",
		"start.registered", "start.profile", "start.phone_taken", "start.invite_invalid",
		"start.unknown_phone", "start.ask_unit", "start.unit_choices", "start.unit_none",
		"start.request_sent", "start.request_pending", "start.need_registration",
		"join.admin_notice", "join.approve_button", "join.reject_button",
		"join.approved_admin", "join.rejected_admin", "join.approved_user",
		"join.rejected_user", "join.pending_list", "join.pending_none",
		"help.header", "help.cmd_start", "help.cmd_help", "help.cmd_cancel",
		"help.cmd_language", "help.cmd_requests", "help.footer",
		"cancel.done", "cancel.nothing",
		"lang.choose", "lang.vi_button", "lang.en_button", "lang.set",
		"lang.name_vi", "lang.name_en",
		"command.unknown", "text.not_understood", "draft.expired", "flood.warning",
		"common.back_button", "common.cancel_button", "common.none",
	}
	for _, r := range []cnsbot.Role{cnsbot.RoleMember, cnsbot.RoleTeamLead, cnsbot.RoleLeader, cnsbot.RoleAdmin} {
		required = append(required, "role."+string(r))
	}
	for _, lang := range c.Languages() {
		required = append(required, "lang.name_"+lang)
	}
	for _, k := range required {
		if !c.Has(k) {
			t.Errorf("missing key %s", k)
		}
	}
}

// sample holds a value for every arg any template uses. User text carries
// HTML specials to prove it is escaped.
var sample = map[string]any{
	"Name":        "Nguyễn Thị <Hoà> & Co",
	"Phone":       "+84 912 <345> 678",
	"Role":        "tổ trưởng",
	"Unit":        "Thôn Bản Phố <Bắc Hà>",
	"Team":        "Tổ CNSCĐ & Bản Phố",
	"Language":    "Tiếng Việt",
	"Query":       "ban <pho>",
	"Admin":       "Trần Văn B & C",
	"BotUsername": "cnsbot_test_bot",
	"Max":         4096,
	"Count":       1562,
	"Minutes":     30,
	"Command":     "/abc<x>",
	"Args":        "tuần <49>",
	"Date":        "2026-07-21",
	"From":        "2026-07-15",
	"To":          "2026-07-21",
	"Items":       "• Định danh: <b>15</b> người",
	"Note":        "mất sóng <3G>",
	"Indicator":   "Định danh điện tử & VNeID",
	"Code":        "VNEID",
	"Value":       1250,
	"Old":         12,
	"Min":         0,
	"Text":        "abc <x>",
	"Days":        7,
	"ID":          42,
	"Total":       123,
	"Evidence":    true,
	"For":         "Lò Thị <Mai>",
	"By":          "Lò Thị <Mai>",
	"Met":         5,
	"Year":        2026,
	"N":           1,
	"Roman":       "III",
	"Actual":      "156/163 (95,7%)",
	"Plan":        "100%",
	"Pct":         "96%",
	"Status":      "chưa đạt",
	"Icon":        "🟡",
	"Measure":     "%",
	"Numerator":   "sản phẩm lên sàn",
	"Denominator": "sản phẩm OCOP",
	"Behind":      "80",
	"Period":      "Tháng 7/2026",
	"YTD":         "1.234",
	"LastYear":    "987",
	"Source":      "số liệu cấp tỉnh — Tỉnh Lào Cai",
	"Uncounted":   2,
	"Result":      "đạt 96% (chưa đạt)",
	"HasPct":      true,
	"Rank":        false,
	"Level":       "province",
	"HasPlan":     true,
	"Top":         "Bắc Hà",
	"TopScore":    "95%",
	"Bottom":      "Si Ma Cai",
	"BottomScore": "40%",
	"Reported":    120,
	"Expected":    150,
	"Rate":        80.0,
	"OnTime":      110,
	"OnTimeRate":  73.3,
	"Time":        "08:15",
	"Members":     42,
	"Teams":       9,
	"Understood":  "Bắc Hà, tháng 7",
	"Audience":    "tổ <trưởng>",
	"Message":     "📢 <b>Thông báo</b>",
	"Sent":        100,
	"Queued":      20,
	"Failed":      2,
	"Blocked":     3,
	"Title":       "Họp <giao ban>",
	"Silent":      12,
	"Cron":        "0 16 * * FRI",
	"Paused":      false,
	"Next":        "16:00 27/11/2026",
	"At":          "16:00 27/11",
	"Error":       true,
	"Version":     "v1.0 <x>",
	"Uptime":      "3h2m1s",
	"Mode":        "polling",
	"Webhook":     "https://bot.example.org/<x>",
	"Depth":       12,
	"Runs":        "• weekly_missing lúc 16:00 27/11: 12 người",
	// issue 10 — reach
	"Uncovered":    3,
	"Unreachable":  "Không nhận được: 5 người chưa đăng ký",
	"Unregistered": 5,
	"Page":         2,
	"Pages":        3,
}

var (
	tagPattern    = regexp.MustCompile(`<[^>]*>`)
	allowedTag    = regexp.MustCompile(`^</?(b|i|code)>$`)
	entityPattern = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);`)
)

func TestTemplatesExecute(t *testing.T) {
	c := load(t)
	for _, lang := range c.Languages() {
		for _, key := range c.Keys() {
			tmpl, ok := c.texts[lang][key]
			if !ok {
				t.Errorf("%s: no %s", lang, key)
				continue
			}
			for _, name := range fields(tmpl) {
				if _, ok := sample[name]; !ok {
					t.Errorf("%s %s: arg .%s has no sample value: add it to the test's sample map", lang, key, name)
				}
			}
			for _, a := range bareFields(tmpl) {
				t.Errorf("%s %s: %s prints an arg without esc/num/pct/date", lang, key, a)
			}
			strict, err := tmpl.Clone()
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := strict.Option("missingkey=error").Execute(&b, sample); err != nil {
				t.Errorf("%s %s: %v", lang, key, err)
				continue
			}
			out := b.String()
			if got := c.T(lang, key, sample); got != out {
				t.Errorf("%s %s: T = %q, Execute = %q", lang, key, got, out)
			}
			checkHTML(t, lang+" "+key, out)
		}
	}
}

// checkHTML fails unless out is valid for Telegram's HTML parse mode with the
// tags the bot uses.
func checkHTML(t *testing.T, what, out string) {
	t.Helper()
	if strings.Contains(out, "<no value>") {
		t.Errorf("%s: output has <no value>: %q", what, out)
	}
	for _, tag := range tagPattern.FindAllString(out, -1) {
		if !allowedTag.MatchString(tag) {
			t.Errorf("%s: tag %s not allowed (only b, i, code): %q", what, tag, out)
		}
	}
	if strings.Contains(tagPattern.ReplaceAllString(out, ""), "<") || strings.Contains(tagPattern.ReplaceAllString(out, ""), ">") {
		t.Errorf("%s: raw < or > outside a tag: %q", what, out)
	}
	for i := strings.IndexByte(out, '&'); i >= 0; {
		if !entityPattern.MatchString(out[i:]) {
			t.Errorf("%s: raw & at %d: %q", what, i, out)
			break
		}
		j := strings.IndexByte(out[i+1:], '&')
		if j < 0 {
			break
		}
		i += 1 + j
	}
}

// fields returns the names of the args (.Name) a template uses.
func fields(tmpl *template.Template) []string {
	seen := map[string]bool{}
	walk(tmpl.Tree.Root, func(n parse.Node) {
		if f, ok := n.(*parse.FieldNode); ok {
			seen[f.Ident[0]] = true
		}
	})
	return slices.Sorted(maps.Keys(seen))
}

// bareFields returns the actions that print an arg directly, like {{.Name}}.
func bareFields(tmpl *template.Template) []string {
	var bare []string
	walk(tmpl.Tree.Root, func(n parse.Node) {
		a, ok := n.(*parse.ActionNode)
		if !ok || len(a.Pipe.Decl) > 0 || len(a.Pipe.Cmds) == 0 {
			return
		}
		last := a.Pipe.Cmds[len(a.Pipe.Cmds)-1]
		if _, ok := last.Args[0].(*parse.IdentifierNode); !ok {
			bare = append(bare, a.String())
		}
	})
	return bare
}

func walk(n parse.Node, fn func(parse.Node)) {
	if n == nil {
		return
	}
	fn(n)
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, fn)
		}
	case *parse.ActionNode:
		walk(n.Pipe, fn)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walk(c, fn)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walk(a, fn)
		}
	case *parse.IfNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.RangeNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.WithNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.TemplateNode:
		walk(n.Pipe, fn)
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		"duplicate key":   "a.b: x\na.b: y\n",
		"not snake_case":  "a.Bad: x\n",
		"not dotted":      "plain: x\n",
		"template syntax": "a.b: \"{{esc .Name\"\n",
		"unknown func":    "a.b: \"{{upper .Name}}\"\n",
		"nested":          "a.b:\n  c: x\n",
	}
	for name, data := range tests {
		if _, err := parseFile("vi", "test.yaml", []byte(data)); err == nil {
			t.Errorf("%s: parse succeeded", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if _, err := parseFile("vi", "test.yaml", []byte("a.b_c: \"{{esc .Name}}\"\n")); err != nil {
		t.Errorf("valid file: %v", err)
	}
}

func TestT(t *testing.T) {
	c := load(t)
	args := map[string]any{"Name": "<A>", "Admin": "B"}
	tests := []struct {
		lang, key string
		args      map[string]any
		want      string
	}{
		{"vi", "role.team_lead", nil, "tổ trưởng"},
		{"en", "role.team_lead", nil, "team lead"},
		{"en-US", "role.leader", nil, "leader"},
		{"fr", "role.leader", nil, "lãnh đạo"},
		{"", "role.admin", nil, "quản trị"},
		{"vi", "no.such_key", nil, "no.such_key"},
		{"en", "no.such_key", nil, "no.such_key"},
		{"vi", "join.approved_admin", args, "✅ B đã duyệt yêu cầu tham gia của &lt;A&gt;."},
		{"en", "join.pending_list", map[string]any{"Count": 1562}, "<b>Requests to join waiting for approval (1,562):</b>"},
		{"vi", "join.pending_list", map[string]any{"Count": 1562}, "<b>Yêu cầu tham gia chờ duyệt (1.562):</b>"},
	}
	for _, tt := range tests {
		if got := c.T(tt.lang, tt.key, tt.args); got != tt.want {
			t.Errorf("T(%q, %q) = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	// An empty Team leaves its line out.
	a := map[string]any{"Name": "A", "Role": "r", "Unit": "U", "Team": ""}
	if got := c.T("vi", "start.registered", a); strings.Contains(got, "Tổ:") {
		t.Errorf("start.registered with empty Team = %q", got)
	}
	a["Team"] = "T"
	if got := c.T("vi", "start.registered", a); !strings.Contains(got, "Tổ: T") {
		t.Errorf("start.registered with Team = %q", got)
	}
}

func TestCatalogLists(t *testing.T) {
	c := load(t)
	if got := c.Languages(); !slices.Equal(got, []string{"vi", "en"}) {
		t.Errorf("Languages = %q", got)
	}
	keys := c.Keys()
	if !slices.IsSorted(keys) || len(keys) == 0 || !slices.Contains(keys, "start.welcome") {
		t.Errorf("Keys = %q", keys)
	}
	keys[0] = "changed"
	if c.Keys()[0] == "changed" {
		t.Error("Keys returns the catalog's own slice")
	}
}

func TestNormalize(t *testing.T) {
	tests := map[string]string{
		"vi": "vi", "vi-VN": "vi", "en": "en", "en-US": "en", "EN_gb": "en", "En": "en",
		"": "vi", "fr": "vi", "ru-RU": "vi", " en ": "en", "eng": "vi",
	}
	for in, want := range tests {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v      float64
		vi, en string
	}{
		{1562, "1.562", "1,562"},
		{97.4, "97,4", "97.4"},
		{0.5, "0,5", "0.5"},
		{1234567.891, "1.234.567,89", "1,234,567.89"},
		{-3, "-3", "-3"},
		{0, "0", "0"},
		{999, "999", "999"},
		{1000, "1.000", "1,000"},
		{-1234.5, "-1.234,5", "-1,234.5"},
		{2.005, "2,01", "2.01"}, // half up on the digits shown, though the float is 2.00499…
		{9.999, "10", "10"},
		{999999.999, "1.000.000", "1,000,000"},
		{-0.001, "0", "0"},
		{100.10, "100,1", "100.1"},
	}
	for _, tt := range tests {
		if got := FormatNumber("vi", tt.v); got != tt.vi {
			t.Errorf("FormatNumber(vi, %v) = %q, want %q", tt.v, got, tt.vi)
		}
		if got := FormatNumber("en", tt.v); got != tt.en {
			t.Errorf("FormatNumber(en, %v) = %q, want %q", tt.v, got, tt.en)
		}
	}
}

func TestFormatInt(t *testing.T) {
	tests := []struct {
		n      int64
		vi, en string
	}{
		{1562, "1.562", "1,562"},
		{-3, "-3", "-3"},
		{0, "0", "0"},
		{123456, "123.456", "123,456"},
		{-1234567, "-1.234.567", "-1,234,567"},
		{-9223372036854775808, "-9.223.372.036.854.775.808", "-9,223,372,036,854,775,808"},
	}
	for _, tt := range tests {
		if got := FormatInt("vi", tt.n); got != tt.vi {
			t.Errorf("FormatInt(vi, %d) = %q, want %q", tt.n, got, tt.vi)
		}
		if got := FormatInt("en-US", tt.n); got != tt.en {
			t.Errorf("FormatInt(en, %d) = %q, want %q", tt.n, got, tt.en)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		v      float64
		vi, en string
	}{
		{97.4, "97,4%", "97.4%"},
		{102.53, "102,5%", "102.5%"},
		{100, "100%", "100%"},
		{0.15, "0,2%", "0.2%"}, // half up
		{97.45, "97,5%", "97.5%"},
		{33.333333, "33,3%", "33.3%"},
		{1250.06, "1.250,1%", "1,250.1%"},
		{-5.25, "-5,3%", "-5.3%"},
		{0, "0%", "0%"},
	}
	for _, tt := range tests {
		if got := FormatPercent("vi", tt.v); got != tt.vi {
			t.Errorf("FormatPercent(vi, %v) = %q, want %q", tt.v, got, tt.vi)
		}
		if got := FormatPercent("en", tt.v); got != tt.en {
			t.Errorf("FormatPercent(en, %v) = %q, want %q", tt.v, got, tt.en)
		}
	}
}

func TestFormatDate(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	d := time.Date(2023, 7, 21, 16, 5, 0, 0, hcm)
	if got := FormatDate("vi", d); got != "21/07/2023" {
		t.Errorf("FormatDate(vi) = %q", got)
	}
	if got := FormatDate("en", d); got != "2023-07-21" {
		t.Errorf("FormatDate(en) = %q", got)
	}
	if got := FormatDate("", time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)); got != "02/01/2025" {
		t.Errorf("FormatDate(\"\") = %q", got)
	}
	if got := FormatDateTime("vi", d); got != "21/07/2023 16:05" {
		t.Errorf("FormatDateTime(vi) = %q", got)
	}
	if got := FormatDateTime("en", d); got != "2023-07-21 16:05" {
		t.Errorf("FormatDateTime(en) = %q", got)
	}
}

func TestFuncs(t *testing.T) {
	d := time.Date(2023, 7, 21, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		lang, text string
		arg        any
		want       string
	}{
		{"vi", "{{num .}}", 1562, "1.562"},
		{"en", "{{num .}}", 1562, "1,562"},
		{"vi", "{{num .}}", int64(-3), "-3"},
		{"vi", "{{num .}}", uint64(1000000), "1.000.000"},
		{"vi", "{{num .}}", 97.4, "97,4"},
		{"vi", "{{num .}}", float32(0.5), "0,5"},
		{"en", "{{num .}}", 1234567.891, "1,234,567.89"},
		{"vi", "{{num .}}", "a<b", "a&lt;b"},
		{"vi", "{{pct .}}", 97.4, "97,4%"},
		{"en", "{{pct .}}", 97.4, "97.4%"},
		{"vi", "{{pct .}}", 102.53, "102,5%"},
		{"vi", "{{pct .}}", 100, "100%"},
		{"vi", "{{date .}}", d, "21/07/2023"},
		{"en", "{{date .}}", d, "2023-07-21"},
		{"vi", "{{date .}}", &d, "21/07/2023"},
		{"vi", "{{date .}}", "2023-07-21", "21/07/2023"},
		{"en", "{{date .}}", "2023-07-21", "2023-07-21"},
		{"vi", "{{date .}}", "hôm qua", "hôm qua"},
		{"vi", "{{datetime .}}", d, "21/07/2023 09:30"},
		{"vi", "{{esc .}}", `<a href="x">&</a>`, "&lt;a href=&#34;x&#34;&gt;&amp;&lt;/a&gt;"},
		{"vi", "{{esc .}}", nil, ""},
		{"vi", "{{esc .}}", 42, "42"},
		{"en-GB", "{{num .}}", 1562.5, "1,562.5"},
	}
	for _, tt := range tests {
		tmpl := template.Must(template.New("t").Funcs(Funcs(tt.lang)).Parse(tt.text))
		var b strings.Builder
		if err := tmpl.Execute(&b, tt.arg); err != nil {
			t.Errorf("%s %s %v: %v", tt.lang, tt.text, tt.arg, err)
			continue
		}
		if got := b.String(); got != tt.want {
			t.Errorf("%s %s %#v = %q, want %q", tt.lang, tt.text, tt.arg, got, tt.want)
		}
	}
}

func TestConcurrentT(t *testing.T) {
	c := load(t)
	done := make(chan bool)
	for i := range 8 {
		go func() {
			lang := c.Languages()[i%2]
			for range 100 {
				c.T(lang, "join.pending_list", map[string]any{"Count": i})
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}

func TestCatalogWith(t *testing.T) {
	c := load(t)
	t.Run("OK", func(t *testing.T) {
		more, err := c.With(map[string]map[string]string{
			"vi": {"ping.pong": "Còn chạy, {{esc .Name}}: {{num .N}}"},
			"en": {"ping.pong": "Running, {{esc .Name}}: {{num .N}}"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := more.T("vi", "ping.pong", map[string]any{"Name": "<A>", "N": 1562}), "Còn chạy, &lt;A&gt;: 1.562"; got != want {
			t.Fatalf("T=%q, want %q", got, want)
		}
		if got := more.T("en", "help.footer", nil); got != c.T("en", "help.footer", nil) {
			t.Fatalf("the file's texts changed: %q", got)
		}
		if c.Has("ping.pong") {
			t.Fatal("With changed the original catalog")
		}
	})
	t.Run("ErrMissingLanguage", func(t *testing.T) {
		if _, err := c.With(map[string]map[string]string{"vi": {"ping.pong": "x"}}); err == nil {
			t.Fatal("a key without its English text was accepted")
		}
	})
	t.Run("ErrKey", func(t *testing.T) {
		if _, err := c.With(map[string]map[string]string{"vi": {"Ping": "x"}, "en": {"Ping": "x"}}); err == nil {
			t.Fatal("a key that is not dotted snake_case was accepted")
		}
	})
}

func TestPlainText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"<b>Đã gửi</b> 12 tin", "Đã gửi 12 tin"},
		{`<a href="https://t.me/x">mở</a> &lt;3 &amp; &quot;ok&quot; &#39;`, `mở <3 & "ok" '`},
		{"<code>/bc vneid 15</code>\n<i>ghi chú</i>", "/bc vneid 15\nghi chú"},
		{"1 < 2 > 0", "1 < 2 > 0"},
	} {
		if got := PlainText(tt.in); got != tt.want {
			t.Fatalf("PlainText(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
}
