package bot_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"cnsbot/locales"

	"github.com/xuri/excelize/v2"
)

// Issue 10, items 5, 7, 8, 9: unit types where names clash, units of
// measure in the reader's language, CSV for Vietnamese Excel, the silent
// teams in /xuat.

// lastDocument returns the bytes of the last document the bot sent.
func (h *harness) lastDocument(tb testing.TB) []byte {
	tb.Helper()
	docs := h.tg.RequestsFor("sendDocument")
	if len(docs) == 0 {
		tb.Fatal("no document sent")
	}
	var data []byte
	for _, b := range docs[len(docs)-1].Files {
		data = b
	}
	return data
}

// The province and its city are both "Lào Cai", the district and its town
// both "Bắc Hà": wherever both are in view, each carries its type.
func TestClashingNamesCarryTheirType(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		got := h.text(t, provinceTG, "/tiendo")
		if !strings.Contains(got.ReplyMarkup, `"TP Lào Cai"`) || !strings.Contains(got.ReplyMarkup, `"Bắc Hà"`) {
			t.Fatalf("/tiendo buttons=%s", got.ReplyMarkup)
		}
		city := h.press(t, provinceTG, got, "TP Lào Cai")
		if !strings.Contains(city.Text, "Thành phố Lào Cai") {
			t.Fatalf("TP Lào Cai opened %q", city.Text)
		}
		if strings.Contains(city.Text, "Lào Cai (") || strings.Contains(city.ReplyMarkup, `"Lào Cai"`) {
			t.Fatalf("city view: %q %s", city.Text, city.ReplyMarkup)
		}
		district := h.text(t, bacHaTG, "/tiendo")
		if !strings.Contains(district.ReplyMarkup, `"Thị trấn Bắc Hà"`) {
			t.Fatalf("Bắc Hà buttons=%s", district.ReplyMarkup)
		}
		h.text(t, provinceTG, "/xuat")
		data := h.lastDocument(t)
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		sheets := strings.Join(f.GetSheetList(), "|")
		if !strings.Contains(sheets, "Tỉnh Lào Cai") || !strings.Contains(sheets, "TP Lào Cai") || strings.Contains(sheets, "(2)") {
			t.Fatalf("sheets=%s", sheets)
		}
	})
}

// Units of measure come from the locale files: an English reader sees
// "1,562 teams", not "1,562 tổ"; a Vietnamese one keeps "1.562 tổ".
func TestMeasuresInReadersLanguage(t *testing.T) {
	want := map[string]struct{ ct04, people, receipt string }{
		"vi": {"1.562 tổ", " người", "3</b> người"},
		"en": {"1,562 teams", " people", "3</b> people"},
	}
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		got := h.text(t, provinceTG, "/chitieu")
		if ct04 := lineOf(got.Text, "CT04"); !strings.Contains(ct04, want[lang].ct04) {
			t.Fatalf("CT04 line=%q", ct04)
		}
		progress := h.text(t, provinceTG, "/tiendo nam nay")
		if !strings.Contains(progress.Text, want[lang].people) {
			t.Fatalf("/tiendo=%q", progress.Text)
		}
		receipt := h.text(t, demoMember, "/bc vneid 3")
		if !strings.Contains(receipt.Text, want[lang].receipt) {
			t.Fatalf("receipt=%q", receipt.Text)
		}
		if lang == "en" {
			for _, vi := range []string{" người", " tổ", " hộ", " buổi", " tài khoản"} {
				if strings.Contains(progress.Text+got.Text+receipt.Text, vi) {
					t.Fatalf("English text holds %q:\n%s\n%s\n%s", vi, got.Text, progress.Text, receipt.Text)
				}
			}
		}
	})
}

// The number step's prompt and the answer to a value over the maximum name
// the unit of measure in the reader's language too.
func TestMeasuresInPromptsAndErrors(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newHarness(t).withReporting(t, lang)
		people := h.t(lang, "measure.nguoi")
		pick := h.text(t, reporterTG, "/baocao")
		ask := h.press(t, reporterTG, pick, "VNeID")
		if want := "(" + people + ")"; !strings.Contains(ask.Text, want) {
			t.Fatalf("number prompt=%q, want it to hold %q", ask.Text, want)
		}
		h.text(t, reporterTG, "/huy")
		tooMany := h.text(t, reporterTG, "/bc vneid 5000")
		if want := locales.FormatNumber(lang, 2000) + " " + people; !strings.Contains(tooMany.Text, want) {
			t.Fatalf("over the maximum=%q, want it to hold %q", tooMany.Text, want)
		}
	})
}

// /xuat csv opens in the reader's Excel: semicolons and a decimal comma for
// Vietnamese, commas and a decimal point for English.
func TestExportCSVLayout(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		h.text(t, bacHaTG, "/xuat nam nay csv")
		data := h.lastDocument(t)
		if !bytes.HasPrefix(data, []byte("\ufeff")) {
			t.Fatalf("document % x: no byte order mark", data[:min(len(data), 4)])
		}
		r := csv.NewReader(bytes.NewReader(data[3:]))
		r.Comma = map[string]rune{"vi": ';', "en": ','}[lang]
		recs, err := r.ReadAll()
		if err != nil || len(recs) < 3 || len(recs[0]) != 8 {
			t.Fatalf("csv=%q err=%v", recs, err)
		}
		other := map[string]string{"vi": ".", "en": ","}[lang]
		for _, rec := range recs[1:] {
			for _, cell := range rec[3:7] {
				if strings.Contains(cell, other) {
					t.Fatalf("%s CSV number %q in %q", lang, cell, rec)
				}
			}
		}
	})
}

// A province leader's /chuabaocao groups the silent teams by district, and
// the /xuat it points to holds all of them on a sheet of their own, with
// the team lead and whether the bot can reach them.
func TestSilentTeamsGroupedAndExported(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		got := h.text(t, provinceTG, "/chuabaocao")
		if !strings.Contains(got.Text, "\n<b>Huyện ") {
			t.Fatalf("/chuabaocao not grouped by district:\n%s", got.Text)
		}
		for _, l := range strings.Split(got.Text, "\n") {
			if strings.HasPrefix(l, "• ") && (strings.Contains(l, "Huyện ") || strings.Contains(l, "Thành phố ")) {
				t.Fatalf("a line repeats its district: %q", l)
			}
		}
		cmd := map[string]string{"vi": "/xuat tuần ", "en": "/export tuần "}[lang]
		i := strings.Index(got.Text, cmd)
		if i < 0 {
			t.Fatalf("no pointer to %q:\n%s", cmd, got.Text)
		}
		pointer := strings.SplitN(got.Text[i:], "<", 2)[0]
		h.text(t, provinceTG, pointer)
		f, err := excelize.OpenReader(bytes.NewReader(h.lastDocument(t)))
		if err != nil {
			t.Fatal(err)
		}
		sheet := h.t(lang, "xuat.silent_sheet")
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatalf("sheets=%v: %v", f.GetSheetList(), err)
		}
		var n, leads, reachable int
		yes := map[string]string{"vi": "Có", "en": "Yes"}[lang]
		for _, r := range rows[2:] {
			if len(r) < 5 || r[0] == "" {
				continue
			}
			n++
			if !strings.HasPrefix(r[1], "Huyện ") && !strings.HasPrefix(r[1], "Thành phố ") && !strings.HasPrefix(r[1], "Thị xã ") {
				t.Fatalf("group %q is not a district: %q", r[1], r)
			}
			if r[3] != "" {
				leads++
			}
			if r[4] == yes {
				reachable++
			}
		}
		if n < 100 || leads == 0 {
			t.Fatalf("%d silent teams, %d with a lead:\n%q", n, leads, rows[:min(len(rows), 5)])
		}
		if !strings.Contains(got.Text, h.t(lang, "missing.list_header", "Count", n)) {
			t.Fatalf("/chuabaocao counts differ from the sheet's %d:\n%s", n, got.Text)
		}
	})
}
