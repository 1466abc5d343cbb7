package bot_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/demo"
	"cnsbot/internal/telegramtest"
	"cnsbot/storage/sqlite"

	"github.com/xuri/excelize/v2"
)

// Telegram ids of the demo personas, registered by withDemo.
const (
	demoAdminTG = 7001 // province admin
	provinceTG  = 7002 // province leader
	bacHaTG     = 7003 // Bắc Hà district leader
	demoLeadTG  = 7004 // team lead of Thôn Làng Mới, Xã Bản Phố
	demoMember  = 7005 // member of that team
)

// The demo database is built once per test binary and copied for each test
// that needs it: loading it takes seconds (more under -race).
var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

// demoTemplate returns the path of the demo database: the demo province
// (units, roster, indicators, plans, the seed's sector figures and every
// 20th activity report, for speed) with the five personas registered.
func demoTemplate(tb testing.TB) string {
	tb.Helper()
	demoOnce.Do(func() {
		if demoDir, demoErr = os.MkdirTemp("", "cnsbot-demo-"); demoErr != nil {
			return
		}
		db := sqlite.NewDB(filepath.Join(demoDir, "demo.db"))
		if demoErr = db.Open(); demoErr != nil {
			return
		}
		defer db.Close()
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
		ds := demo.Generate(time.Now(), loc)
		var kept []demo.ReportRow
		for i, r := range ds.Reports {
			if i%20 == 0 {
				kept = append(kept, r)
			}
		}
		ds.Reports = kept
		members := sqlite.NewMemberService(db)
		svc := demo.Services{Import: sqlite.NewImportService(db), Units: sqlite.NewUnitService(db), Members: members,
			Indicators: sqlite.NewIndicatorService(db), Teams: sqlite.NewTeamService(db)}
		if _, demoErr = demo.LoadDataset(ctx, svc, ds); demoErr != nil {
			return
		}
		for i, p := range demo.Personas {
			m, err := members.FindMemberByPhone(ctx, p.Phone)
			if err != nil {
				demoErr = err
				return
			}
			tg, active := int64(7001+i), cnsbot.StatusActive
			if _, demoErr = members.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{TelegramID: &tg, Status: &active}); demoErr != nil {
				return
			}
		}
		_, demoErr = db.SQL().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	})
	if demoErr != nil {
		tb.Fatal(demoErr)
	}
	return filepath.Join(demoDir, "demo.db")
}

// newDemoHarness runs the bot on a copy of the demo database, the
// personas speaking lang.
func newDemoHarness(tb testing.TB, lang string) *harness {
	tb.Helper()
	data, err := os.ReadFile(demoTemplate(tb))
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "cnsbot.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	h := buildHarness(tb, path, false, harnessOptions{})
	for tg := int64(7001); tg <= 7005; tg++ {
		m, err := h.members.FindMemberByTelegramID(context.Background(), tg)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := h.members.UpdateMember(context.Background(), m.ID, cnsbot.MemberUpdate{Locale: &lang}); err != nil {
			tb.Fatal(err)
		}
	}
	return h
}

// The seed article's figures, from a province leader's /chitieu.
func TestChitieuSeedFigures(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		got := h.text(t, provinceTG, "/chitieu")
		for _, want := range []string{"5/10", "156/163", "96%", "103%"} {
			if !strings.Contains(got.Text, want) {
				t.Fatalf("/chitieu lacks %q:\n%s", want, got.Text)
			}
		}
		pct := map[string]string{"vi": "97,4%", "en": "97.4%"}[lang]
		ct01 := lineOf(got.Text, "CT01")
		if !strings.Contains(ct01, pct) || !strings.Contains(ct01, "95%") || !strings.Contains(ct01, "103%") {
			t.Fatalf("CT01 line=%q", ct01)
		}
		if ct02 := lineOf(got.Text, "CT02"); !strings.Contains(ct02, "156/163") || !strings.Contains(ct02, "96%") {
			t.Fatalf("CT02 line=%q", ct02)
		}
		if lang == "vi" && !strings.Contains(got.Text, "5/10 chỉ tiêu đạt và vượt kế hoạch năm") {
			t.Fatalf("header=%q", got.Text)
		}
		detail := h.text(t, provinceTG, "/chitieu ct02")
		if !strings.Contains(detail.Text, "156/163") || !strings.Contains(detail.Text, "21/07") && !strings.Contains(detail.Text, "-07-21") {
			t.Fatalf("detail=%q", detail.Text)
		}
	})
}

// lineOf is the line of text naming the indicator code in bold.
func lineOf(text, code string) string { return lineWith(text, "<b>"+code+"</b>") }

// /tiendo drills into a child unit and switches period by editing the
// message in place.
func TestProgressDrillDown(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		got := h.text(t, provinceTG, "/tiendo")
		if !strings.Contains(got.Text, "Tỉnh Lào Cai") || !strings.Contains(got.ReplyMarkup, "Bắc Hà") {
			t.Fatalf("/tiendo=%q %s", got.Text, got.ReplyMarkup)
		}
		edits := len(h.tg.Edits())
		child := h.press(t, provinceTG, got, "Bắc Hà")
		if len(h.tg.Edits()) != edits+1 || !strings.Contains(child.Text, "Huyện Bắc Hà") {
			t.Fatalf("drill-down=%q", child.Text)
		}
		year := h.press(t, provinceTG, child, h.t(lang, "progress.year_button"))
		if !strings.Contains(year.Text, h.t(lang, "period.year", "Year", h.now().Year())) {
			t.Fatalf("year=%q", year.Text)
		}
		// Named unit and period in the arguments.
		got = h.text(t, provinceTG, "/tiendo Bac Ha quy 3")
		if !strings.Contains(got.Text, "Huyện Bắc Hà") || !strings.Contains(got.Text, h.t(lang, "period.quarter", "Roman", "III", "Year", h.quarterYear(3))) {
			t.Fatalf("/tiendo Bac Ha quy 3=%q", got.Text)
		}
	})
}

// quarterYear is the year "quý N" means today: the latest such quarter.
func (h *harness) quarterYear(n int) int {
	now := h.now().In(h.router.Location)
	if int(now.Month()-1)/3+1 < n {
		return now.Year() - 1
	}
	return now.Year()
}

// /chuabaocao lists silent teams with the rates, and the leader's button
// reminds exactly their members.
func TestMissingAndRemind(t *testing.T) {
	h := newDemoHarness(t, "vi")
	ctx := context.Background()
	// The persona team reports this week; one more team's member is
	// registered and silent.
	h.text(t, demoMember, "/bc vneid 3")
	got := h.text(t, bacHaTG, "/chuabaocao")
	if !strings.Contains(got.Text, "Huyện Bắc Hà") || !strings.Contains(got.ReplyMarkup, "rem:") {
		t.Fatalf("/chuabaocao=%q %s", got.Text, got.ReplyMarkup)
	}
	if _, banPho, ok := strings.Cut(got.Text, "<b>Xã Bản Phố</b>"); ok {
		if banPho, _, _ = strings.Cut(banPho, "\n<b>"); strings.Contains(banPho, "• Thôn Làng Mới\n") || strings.HasSuffix(banPho, "• Thôn Làng Mới") {
			t.Fatalf("a team that reported is listed as silent:\n%s", got.Text)
		}
	}
	silent, err := h.silentMember(ctx, "085")
	if err != nil {
		t.Fatal(err)
	}
	confirm := h.press(t, bacHaTG, got, "Nhắc ngay")
	h.press(t, bacHaTG, confirm, "Gửi nhắc")
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.MessagesTo(silent)) == 1 })
	if n := len(h.tg.MessagesTo(demoMember)); n != 1 { // only the receipt of /bc
		t.Fatalf("a member whose team reported got %d messages", n)
	}
	// A second tap within the hour sends nothing more.
	h.press(t, bacHaTG, got, "Nhắc ngay")
	if !strings.Contains(h.lastAnswer(), "1 giờ") {
		t.Fatalf("second tap answered %q", h.lastAnswer())
	}
	// A member sees their own team only, without the button.
	mine := h.text(t, demoMember, "/chuabaocao")
	if strings.Contains(mine.ReplyMarkup, "rem:") || !strings.Contains(mine.Text, "1/1") {
		t.Fatalf("member's /chuabaocao=%q %s", mine.Text, mine.ReplyMarkup)
	}
}

// silentMember registers one member of a team under unitCode that has not
// reported this week and returns their Telegram id.
func (h *harness) silentMember(ctx context.Context, unitCode string) (int64, error) {
	unit, err := h.units.FindUnitByCode(ctx, unitCode)
	if err != nil {
		return 0, err
	}
	week := cnsbot.WeekPeriod(h.now().In(h.router.Location))
	acts, err := sqlite.NewFigureService(h.db).TeamActivity(ctx, unit.ID, week.From, week.To)
	if err != nil {
		return 0, err
	}
	for _, a := range acts {
		if a.Reports > 0 {
			continue
		}
		ms, _, err := h.members.FindMembers(ctx, cnsbot.MemberFilter{TeamID: a.TeamID, Limit: 1})
		if err != nil || len(ms) == 0 {
			continue
		}
		tg, active := int64(8000), cnsbot.StatusActive
		_, err = h.members.UpdateMember(ctx, ms[0].ID, cnsbot.MemberUpdate{TelegramID: &tg, Status: &active})
		return tg, err
	}
	return 0, nil
}

// /xuat sends an XLSX whose cells are numbers, a sheet per child unit;
// /bieudo sends a PNG.
func TestExportAndChart(t *testing.T) {
	h := newDemoHarness(t, "vi")
	h.text(t, bacHaTG, "/xuat nam nay")
	docs := h.tg.RequestsFor("sendDocument")
	if len(docs) != 1 {
		t.Fatalf("%d documents sent", len(docs))
	}
	var data []byte
	for _, b := range docs[0].Files {
		data = b
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) < 2 || !strings.Contains(sheets[0], "Bắc Hà") {
		t.Fatalf("sheets=%v", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil || len(rows) < 5 {
		t.Fatalf("rows=%v err=%v", rows, err)
	}
	numeric := 0
	for r := 1; r <= len(rows); r++ {
		for c := 4; c <= 7; c++ { // KH năm, TH kỳ này, Lũy kế, TH/KH
			cell, _ := excelize.CoordinatesToCellName(c, r)
			typ, err := f.GetCellType(sheets[0], cell)
			if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				continue
			}
			raw, err := f.GetCellValue(sheets[0], cell, excelize.Options{RawCellValue: true})
			if _, perr := strconv.ParseFloat(raw, 64); err == nil && perr == nil {
				numeric++
			}
		}
	}
	if numeric == 0 {
		t.Fatalf("no numeric cells in %v", rows)
	}
	h.text(t, bacHaTG, "/bieudo")
	photos := h.tg.RequestsFor("sendPhoto")
	if len(photos) != 1 {
		t.Fatalf("%d photos sent", len(photos))
	}
	for _, b := range photos[0].Files {
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
	}
	// Members export nothing.
	h.text(t, demoMember, "/xuat")
	if len(h.tg.RequestsFor("sendDocument")) != 1 {
		t.Fatal("a member got an export")
	}
}

// No command, argument, button or question lets a district leader see
// another district's figures.
func TestScope(t *testing.T) {
	h := newDemoHarness(t, "vi")
	ctx := context.Background()
	batXat, err := h.units.FindUnitByCode(ctx, "082")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := h.t("vi", "figures.out_of_scope")
	for _, text := range []string{"/tiendo Bát Xát", "/tiendo bat xat thang 7", "/chuabaocao Bát Xát", "/xuat Bát Xát",
		"/bieudo Bát Xát", "tiến độ Bát Xát thế nào", "Bat Xat da bao cao chua", "/tiendo Tỉnh Lào Cai", "/chitieu Bát Xát"} {
		got := h.text(t, bacHaTG, text)
		if got.Text != forbidden && !strings.Contains(got.Text, "Huyện Bắc Hà") {
			t.Fatalf("%q → %q, want refused", text, got.Text)
		}
		if strings.Contains(got.Text, "Bát Xát") && got.Text != forbidden {
			t.Fatalf("%q showed Bát Xát:\n%s", text, got.Text)
		}
	}
	month := cnsbot.MonthPeriod(h.now().Year(), h.now().Month()).Code()
	for _, data := range []string{"td:" + month + ":" + itoa(batXat.ID), "rem:" + month + ":" + itoa(batXat.ID)} {
		h.do(t, telegramtest.Callback(h.ids.Next(), bacHaTG, bacHaTG, 1, data))
		if got := h.lastAnswer(); got != forbidden {
			t.Fatalf("forged button %q answered %q", data, got)
		}
	}
	if n := len(h.tg.RequestsFor("sendDocument")) + len(h.tg.RequestsFor("sendPhoto")); n != 0 {
		t.Fatalf("%d files sent out of scope", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
