package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/internal/telegramtest"
	"cnsbot/schedule"
	"cnsbot/storage/sqlite"
)

// Issue 10, figures a leader can trust.

// withFigures10 gives the district 085 a second commune, yearly plans of
// the district and reports: this month so far, last year's same days and,
// outside them, the rest of last year's month.
func (h *harness) withFigures10(tb testing.TB, lang string) (today time.Time) {
	tb.Helper()
	h.withReporting(tb, lang).withLeader(tb, lang)
	ctx := context.Background()
	imports := sqlite.NewImportService(h.db)
	if err := imports.ImportUnits(ctx, []*cnsbot.Unit{
		{Code: "02869", ParentCode: "085", Level: "commune", Name: "Bản Cái", FullName: "Xã Bản Cái"},
	}); err != nil {
		tb.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	today = h.now().In(loc)
	district, err := h.units.FindUnitByCode(ctx, "085")
	if err != nil {
		tb.Fatal(err)
	}
	id := func(code string) int64 {
		ind, err := sqlite.NewIndicatorService(h.db).FindIndicatorByCode(ctx, code)
		if err != nil {
			tb.Fatal(err)
		}
		return ind.ID
	}
	year := strconv.Itoa(today.Year())
	if err := imports.ImportTargets(ctx, []*cnsbot.Target{
		{IndicatorID: id("VNEID"), UnitID: district.ID, Period: year, Value: 2400},
		{IndicatorID: id("TKTT"), UnitID: district.ID, Period: year, Value: 10000},
	}); err != nil {
		tb.Fatal(err)
	}
	var rs []*cnsbot.Report
	add := func(code string, date time.Time, v float64) {
		rs = append(rs, &cnsbot.Report{UnitID: h.village.ID, IndicatorID: id(code), Date: date.Format(time.DateOnly),
			Value: v, IdempotencyKey: "f10-" + strconv.Itoa(len(rs))})
	}
	// 1914 / 2400 = 79,75% (chậm); 9999 / 10000 = 99,99% (chưa đạt).
	add("VNEID", today, 1904)
	add("VNEID", today, 10)
	for _, v := range []float64{2000, 2000, 2000, 2000, 1999} {
		add("TKTT", today, v)
	}
	first := time.Date(today.Year()-1, today.Month(), 1, 0, 0, 0, 0, loc)
	add("VNEID", first, 7) // within last year's same days
	if last := first.AddDate(0, 1, -1); last.Day() > today.Day() {
		add("VNEID", last, 1000) // after them: not compared
	}
	if err := imports.ImportReports(ctx, rs); err != nil {
		tb.Fatal(err)
	}
	return today
}

// Item 1 and 6: "cùng kỳ" is last year's same days, said which; no report
// at all then is "—", not 0. Item 2: 79,75% is 🔴 "79,8%", 99,99% is 🟡
// "99,9%". Item 3: without plans the communes are not ranked.
func TestProgressLikeForLike(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newHarness(t)
		today := h.withFigures10(t, lang)
		got := h.text(t, leaderTG, "/tiendo")
		// Last year's month from its first day for as many days as this
		// one has run, within that month (29 February: to the 28th).
		ly := time.Date(today.Year()-1, today.Month(), 1, 0, 0, 0, 0, time.UTC)
		to := min(ly.AddDate(0, 0, today.Day()-1).Format(time.DateOnly), ly.AddDate(0, 1, -1).Format(time.DateOnly))
		days := h.t(lang, "progress.same_period", "From", ly.Format(time.DateOnly), "To", to)
		if !strings.Contains(got.Text, days) {
			t.Fatalf("/tiendo lacks %q:\n%s", days, got.Text)
		}
		pct := map[string][2]string{"vi": {"79,8%", "99,9%"}, "en": {"79.8%", "99.9%"}}[lang]
		vneid := lineWith(got.Text, "VNeID")
		lastYear := map[string]string{"vi": "(cùng kỳ 7)", "en": "(a year ago 7)"}[lang]
		if !strings.Contains(vneid, lastYear) || !strings.Contains(vneid, "("+pct[0]+")") || !strings.HasPrefix(vneid, "🔴") {
			t.Fatalf("VNEID line=%q, want %s, %s and 🔴", vneid, lastYear, pct[0])
		}
		tktt := lineWith(got.Text, map[string]string{"vi": "thanh toán", "en": "Payment"}[lang])
		if !strings.Contains(tktt, "("+pct[1]+")") || !strings.HasPrefix(tktt, "🟡") {
			t.Fatalf("TKTT line=%q, want %s and 🟡", tktt, pct[1])
		}
		// Reports exist last year (VNEID): the others' 0 is a real 0.
		zero := map[string]string{"vi": "(cùng kỳ 0)", "en": "(a year ago 0)"}[lang]
		if !strings.Contains(tktt, zero) {
			t.Fatalf("TKTT line=%q, want %s", tktt, zero)
		}
		if want := h.t(lang, "progress.rank_no_plan"); !strings.Contains(got.Text, want) {
			t.Fatalf("/tiendo lacks %q:\n%s", want, got.Text)
		}
		// Bản Cái has never reported: no data, not 0.
		child := h.press(t, leaderTG, got, "Bản Cái")
		dash := map[string]string{"vi": "(cùng kỳ —)", "en": "(a year ago —)"}[lang]
		if !strings.Contains(lineWith(child.Text, "VNeID"), dash) {
			t.Fatalf("Bản Cái=%q, want %s", child.Text, dash)
		}
		// A year without any report has no ranking either.
		old := h.text(t, leaderTG, "/tiendo "+map[string]string{"vi": "năm 2019", "en": "năm 2019"}[lang])
		if want := h.t(lang, "progress.rank_no_data"); !strings.Contains(old.Text, want) || strings.Contains(old.Text, "🏆 "+map[string]string{"vi": "Dẫn đầu", "en": "Top"}[lang]) {
			t.Fatalf("/tiendo năm 2019=%q, want %q", old.Text, want)
		}
	})
}

// lineWith is the first line of text holding s.
func lineWith(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// Item 4: a district leader's /chitieu shows the province's sector figures,
// marked as such, and counts only indicators with a plan and a value.
// Item 6: CT05 (a rank) has one wording in the list and the detail.
func TestChitieuDistrictLeader(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		got := h.text(t, bacHaTG, "/chitieu")
		if strings.Contains(got.Text, "0/10") || !strings.Contains(got.Text, "5/10") {
			t.Fatalf("district /chitieu=%s", got.Text)
		}
		source := h.t(lang, "chitieu.source", "Level", "province", "Unit", "Tỉnh Lào Cai")
		if want := h.t(lang, "chitieu.source_all", "Source", source, "Unit", "Huyện Bắc Hà"); !strings.Contains(got.Text, want) {
			t.Fatalf("district /chitieu lacks %q:\n%s", want, got.Text)
		}
		if ct02 := lineOf(got.Text, "CT02"); !strings.Contains(ct02, "156/163") {
			t.Fatalf("CT02 line=%q, want 156/163", ct02)
		}
		rank := h.t(lang, "chitieu.result", "HasPct", true, "Rank", true, "Status", h.t(lang, "status.exceeded"))
		if ct05 := lineOf(got.Text, "CT05"); !strings.Contains(ct05, rank) || strings.Contains(ct05, "%") {
			t.Fatalf("CT05 line=%q, want %q", ct05, rank)
		}
		// The district's own figure, where it has one, with no mark.
		ctx := context.Background()
		leader, err := h.members.FindMemberByTelegramID(ctx, bacHaTG)
		if err != nil {
			t.Fatal(err)
		}
		ct04, err := sqlite.NewIndicatorService(h.db).FindIndicatorByCode(ctx, "CT04")
		if err != nil {
			t.Fatal(err)
		}
		if err := sqlite.NewImportService(h.db).ImportReports(ctx, []*cnsbot.Report{{UnitID: leader.UnitID, IndicatorID: ct04.ID,
			Date: h.now().Format(time.DateOnly), Value: 187, IdempotencyKey: "f10-ct04"}}); err != nil {
			t.Fatal(err)
		}
		mixed := h.text(t, bacHaTG, "/chitieu")
		if own := lineOf(mixed.Text, "CT04"); !strings.Contains(own, "187") || strings.Contains(own, source) {
			t.Fatalf("CT04 line=%q, want the district's 187 unmarked", own)
		}
		if ct02 := lineOf(mixed.Text, "CT02"); !strings.Contains(ct02, source) {
			t.Fatalf("CT02 line=%q, want %q", ct02, source)
		}
		detail := h.text(t, bacHaTG, "/chitieu ct05")
		if !strings.Contains(detail.Text, rank) || strings.Contains(detail.Text, "500") {
			t.Fatalf("CT05 detail=%q, want %q", detail.Text, rank)
		}
	})
}

// Item 4 in the Monday digest: a district leader reads the province's
// sector figures, not "0/10" built from figures the district does not keep.
func TestDigestDistrictLeader(t *testing.T) {
	h := newDemoHarness(t, "vi")
	ctx := context.Background()
	for _, s := range schedule.DefaultSchedules() {
		if err := sqlite.NewScheduleService(h.db).UpsertSchedule(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	digest, err := sqlite.NewScheduleService(h.db).FindScheduleByName(ctx, "weekly_digest")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.router.RunSchedule(ctx, digest, h.now().In(h.router.Location), ""); err != nil {
		t.Fatal(err)
	}
	var text string
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool {
		for _, m := range s.MessagesTo(bacHaTG) {
			if strings.Contains(m.Text, "📰") {
				text = m.Text
				return true
			}
		}
		return false
	})
	if !strings.Contains(text, "<b>5/10</b>") {
		t.Fatalf("district digest=%q, want 5/10", text)
	}
}
