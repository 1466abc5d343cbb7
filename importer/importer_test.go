package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cnsbot"
	"cnsbot/importer"
)

// MustImportError asserts that err is an *ImportError and returns it.
func MustImportError(tb testing.TB, err error) *importer.ImportError {
	tb.Helper()
	var ie *importer.ImportError
	if !errors.As(err, &ie) {
		tb.Fatalf("err=%v (%T), want *ImportError", err, err)
	}
	return ie
}

// seedUnits adds a small tree: province 10, district 082, communes, villages.
func seedUnits(db *fakeDB) {
	db.addUnit("10", "", "province", "Lào Cai")
	db.addUnit("082", "10", "district", "Bát Xát")
	db.addUnit("02665", "082", "commune", "Bát Xát")
	for i := 1; i <= 20; i++ {
		db.addUnit(fmt.Sprintf("T%03d", i), "02665", "village", fmt.Sprintf("Thôn %d", i))
	}
}

func TestImportMembers(t *testing.T) {
	ctx := context.Background()
	roles := []string{"member", "thành viên", "Tổ trưởng", "team_lead", "to truong", "leader", "admin"}
	// membersCSV returns 1,000 rows; bad maps a line number to a broken row.
	membersCSV := func(bad map[int]string) string {
		var b strings.Builder
		b.WriteString("full_name,phone,unit_code,role\n")
		for i := 0; i < 1000; i++ {
			line := i + 2
			if row, ok := bad[line]; ok {
				b.WriteString(row + "\n")
				continue
			}
			fmt.Fprintf(&b, "Nguyễn Văn %d,09%08d,T%03d,%s\n", i, i, i%20+1, roles[i%len(roles)])
		}
		return b.String()
	}

	t.Run("OK", func(t *testing.T) {
		db := newFakeDB()
		seedUnits(db)
		res, err := importer.NewImporter(db.services()).ImportReader(ctx, "members", "csv", strings.NewReader(membersCSV(nil)))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Rows, 1000; got != want {
			t.Fatalf("Rows=%d, want %d", got, want)
		}
		if got, want := len(db.gotMembers), 1000; got != want {
			t.Fatalf("imported %d members, want %d", got, want)
		}
		m := db.gotMembers[2]
		if m.FullName != "Nguyễn Văn 2" || m.Phone != "0900000002" || m.Role != cnsbot.RoleTeamLead ||
			m.UnitID != db.units["T003"].ID || m.Status != cnsbot.StatusPending {
			t.Fatalf("member 2=%+v", m)
		}
	})

	// The acceptance case: 1,000 rows, exactly 3 bad, nothing written and the
	// error names exactly those lines.
	t.Run("ErrThreeBadRows", func(t *testing.T) {
		db := newFakeDB()
		seedUnits(db)
		csv := membersCSV(map[int]string{
			17:  "Lò Thị Mai,12ab,T001,member",
			501: "Vàng A Sử,0987654321,99999,member",
			998: "Giàng Seo Pao,0912000998,T002,boss",
		})
		_, err := importer.NewImporter(db.services()).ImportReader(ctx, "members", "csv", strings.NewReader(csv))
		ie := MustImportError(t, err)
		if got, want := ie.Lines(), []int{17, 501, 998}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Lines=%v, want %v\n%v", got, want, err)
		}
		if db.calls != 0 {
			t.Fatalf("ImportMembers called %d times, want 0", db.calls)
		}
		want := strings.Join([]string{
			`line 17: phone "12ab": not a Vietnamese phone number`,
			`line 501: unit_code "99999": no such unit`,
			`line 998: role "boss": not a role (member, team_lead, leader, admin or thành viên, tổ trưởng, lãnh đạo, quản trị)`,
		}, "\n")
		if got := err.Error(); got != want {
			t.Fatalf("Error()=\n%s\nwant\n%s", got, want)
		}
		if got, want := cnsbot.ErrorCode(err), cnsbot.EINVALID; got != want {
			t.Fatalf("ErrorCode=%q, want %q", got, want)
		}
	})

	t.Run("ErrDuplicatePhone", func(t *testing.T) {
		db := newFakeDB()
		seedUnits(db)
		csv := "full_name,phone,unit_code,role\n" +
			"A,0912 345 678,T001,member\n" +
			"B,+84912345678,T002,member\n" +
			",0913000000,T003,member\n"
		_, err := importer.NewImporter(db.services()).ImportReader(ctx, "members", "csv", strings.NewReader(csv))
		ie := MustImportError(t, err)
		want := []importer.RowError{
			{Line: 3, Column: "phone", Value: "+84912345678", Reason: "also on line 2"},
			{Line: 4, Column: "full_name", Reason: "required"},
		}
		if !reflect.DeepEqual(ie.Rows, want) {
			t.Fatalf("Rows=%+v, want %+v", ie.Rows, want)
		}
	})

	t.Run("PhoneOnRosterIsUpdated", func(t *testing.T) {
		db := newFakeDB()
		seedUnits(db)
		db.members["0911111111"] = &cnsbot.Member{ID: 1, Phone: "0911111111"}
		csv := "full_name,phone,unit_code,role\n" +
			"A,0912345678,T001,member\n" +
			"C,+84 911 111 111,T003,leader\n"
		res, err := importer.NewImporter(db.services()).ImportReader(ctx, "members", "csv", strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := *res, (importer.Result{Kind: "members", Rows: 2, Updated: 1}); got != want {
			t.Fatalf("Result=%+v, want %+v", got, want)
		}
	})

	t.Run("ErrMissingColumns", func(t *testing.T) {
		db := newFakeDB()
		_, err := importer.NewImporter(db.services()).ImportReader(ctx, "members", "csv",
			strings.NewReader("Họ và tên,Ghi chú\nA,x\n"))
		ie := MustImportError(t, err)
		if got, want := err.Error(), "line 1: missing columns: phone, unit_code, role"; got != want || len(ie.Rows) != 1 {
			t.Fatalf("Error()=%q, want %q", got, want)
		}
	})

	t.Run("BOMSemicolonVietnameseHeaders", func(t *testing.T) {
		db := newFakeDB()
		seedUnits(db)
		// Excel on a Vietnamese Windows: BOM, semicolons, quoted cells, CRLF,
		// headers with diacritics (one of them decomposed) and a STT column.
		csv := "\ufeffSTT;Họ và tên;SĐT;Mã đơn vị;Chu\u031bc vu\u0323\r\n" +
			"1;\"Hoàng Thị Thu; Hà\";0912.345.678;T001;Tổ trưởng\r\n" +
			"\r\n" +
			"2;Lý Văn Nam;84987654321;T002;thanh vien\r\n"
		res, err := importer.NewImporter(db.services()).ImportReader(ctx, "members", "csv", strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Rows, 2; got != want {
			t.Fatalf("Rows=%d, want %d", got, want)
		}
		m := db.gotMembers[0]
		if m.FullName != "Hoàng Thị Thu; Hà" || m.Phone != "0912345678" || m.Role != cnsbot.RoleTeamLead {
			t.Fatalf("member 0=%+v", m)
		}
		if got, want := db.gotMembers[1].Phone, "0987654321"; got != want {
			t.Fatalf("Phone=%q, want %q", got, want)
		}
	})

	t.Run("LineNumbersAfterMultilineCell", func(t *testing.T) {
		db := newFakeDB()
		seedUnits(db)
		csv := "Họ tên,Điện thoại,Mã đơn vị,Vai trò\n" +
			"\"Tên\ndài\",0912345678,T001,member\n" +
			"B,0912345679,T001,chief\n"
		_, err := importer.NewImporter(db.services()).ImportReader(ctx, "members", "csv", strings.NewReader(csv))
		if got, want := MustImportError(t, err).Lines(), []int{4}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Lines=%v, want %v", got, want)
		}
	})
}

func TestImportXLSX(t *testing.T) {
	ctx := context.Background()
	t.Run("Members", func(t *testing.T) {
		db := newFakeDB()
		seedUnits(db)
		f := excelize.NewFile()
		sheet := f.GetSheetName(0)
		rows := [][]any{
			{"Họ và tên", "Số điện thoại", "Mã đơn vị", "Vai trò"},
			{"Lò Văn A", 912345678, "T001", "thành viên"}, // a phone typed as a number loses its 0
			{"Lò Văn B", "0987654321", "T002", "lãnh đạo"},
			{}, // a blank row keeps the numbering
			{"Lò Văn C", "12ab", "T003", "member"},
		}
		for i, r := range rows {
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(t.TempDir(), "members.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		im := importer.NewImporter(db.services())
		_, err := im.Import(ctx, "members", path)
		ie := MustImportError(t, err)
		if got, want := ie.Error(), `line 5: phone "12ab": not a Vietnamese phone number`; got != want {
			t.Fatalf("Error()=%q, want %q", got, want)
		}
		if err := f.SetCellValue(sheet, "B5", "0977000111"); err != nil {
			t.Fatal(err)
		}
		if err := f.Save(); err != nil {
			t.Fatal(err)
		}
		res, err := im.Import(ctx, "members", path)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Rows, 3; got != want {
			t.Fatalf("Rows=%d, want %d", got, want)
		}
		if got, want := db.gotMembers[0].Phone, "0912345678"; got != want {
			t.Fatalf("Phone=%q, want %q", got, want)
		}
		if got, want := db.gotMembers[1].Role, cnsbot.RoleLeader; got != want {
			t.Fatalf("Role=%q, want %q", got, want)
		}
	})

	t.Run("Values", func(t *testing.T) {
		db := newFakeDB()
		seedUnits(db)
		db.addIndicator("CT02", cnsbot.KindSector, "%")
		db.addIndicator("CT04", cnsbot.KindSector, "tổ")
		db.addIndicator("CT09", cnsbot.KindSector, "%")
		f := excelize.NewFile()
		sheet := f.GetSheetName(0)
		day := time.Date(2023, 7, 21, 0, 0, 0, 0, time.UTC)
		rows := [][]any{
			{"Mã chỉ tiêu", "Mã đơn vị", "Ngày", "Thực hiện", "Tử số", "Mẫu số"},
			{"CT02", "10", day, 95.7, 156, 163},
			{"CT04", "10", "21/07/2023", 1.234}, // a number cell: 1.234, not 1234
			{"CT09", "10", "2023-07-21", "97,6", "1.525", "1.562"},
		}
		for i, r := range rows {
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
				t.Fatal(err)
			}
		}
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		_ = f.SetCellStyle(sheet, "C2", "C2", style)
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		res, err := importer.NewImporter(db.services()).ImportReader(ctx, "values", "xlsx", &buf)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Rows, 3; got != want {
			t.Fatalf("Rows=%d, want %d", got, want)
		}
		r := db.gotReports
		if r[0].Date != "2023-07-21" || r[0].Value != 95.7 || *r[0].Numerator != 156 || *r[0].Denominator != 163 {
			t.Fatalf("report 0=%+v", r[0])
		}
		if r[1].Value != 1.234 || r[1].Date != "2023-07-21" {
			t.Fatalf("report 1=%+v", r[1])
		}
		if r[2].Value != 97.6 || *r[2].Numerator != 1525 || *r[2].Denominator != 1562 {
			t.Fatalf("report 2=%+v", r[2])
		}
		if r[0].Source != cnsbot.SourceImport || r[0].IdempotencyKey != "import:CT02:10:2023-07-21" {
			t.Fatalf("report 0=%+v", r[0])
		}
	})
}

func TestImportUnits(t *testing.T) {
	ctx := context.Background()
	t.Run("Laocai2023", func(t *testing.T) {
		db := newFakeDB()
		res, err := importer.NewImporter(db.services()).Import(ctx, "units", "testdata/laocai-units-2023.csv")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Rows, 162; got != want {
			t.Fatalf("Rows=%d, want %d", got, want)
		}
		levels := map[string]int{}
		pos := map[string]int{}
		for i, u := range db.gotUnits {
			levels[u.Level]++
			pos[u.Code] = i
		}
		if got, want := levels, map[string]int{"province": 1, "district": 9, "commune": 152}; !reflect.DeepEqual(got, want) {
			t.Fatalf("levels=%v, want %v", got, want)
		}
		for _, u := range db.gotUnits {
			if u.ParentCode != "" && pos[u.ParentCode] > pos[u.Code] {
				t.Fatalf("unit %s comes before its parent %s", u.Code, u.ParentCode)
			}
		}
		if u := db.gotUnits[1]; u.Code != "080" || u.Name != "Lào Cai" || u.FullName != "Thành phố Lào Cai" || u.ParentCode != "10" {
			t.Fatalf("unit 1=%+v", u)
		}
	})

	t.Run("Communes2025", func(t *testing.T) {
		// province_code stands for parent_code, and the type gives the level.
		db := newFakeDB()
		im := importer.NewImporter(db.services())
		_, err := im.Import(ctx, "units", "testdata/laocai-communes-2025.csv")
		ie := MustImportError(t, err)
		if got, want := len(ie.Rows), 99; got != want {
			t.Fatalf("%d bad rows, want %d", got, want)
		}
		if got, want := ie.Rows[0].Error(), `line 2: parent_code "15": no such unit in the database or in this file`; got != want {
			t.Fatalf("Rows[0]=%q, want %q", got, want)
		}
		p := db.addUnit("15", "", "province", "Lào Cai")
		res, err := im.Import(ctx, "units", "testdata/laocai-communes-2025.csv")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Rows, 99; got != want {
			t.Fatalf("Rows=%d, want %d", got, want)
		}
		if u := db.gotUnits[0]; u.Level != "commune" || u.ParentID != p.ID || u.FullName != "Phường Lào Cai" {
			t.Fatalf("unit 0=%+v", u)
		}
	})

	t.Run("ParentLaterInFile", func(t *testing.T) {
		db := newFakeDB()
		csv := "Mã,Mã cấp trên,Cấp,Tên,Hiệu lực từ,Hiệu lực đến\n" +
			"T1,C1,village,Thôn 1,01/07/2025,\n" +
			"C1,P1,commune,Xã 1,2025-07-01,\n" +
			"P1,,province,Tỉnh 1,,\n"
		if _, err := importer.NewImporter(db.services()).ImportReader(ctx, "units", "csv", strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range db.gotUnits {
			got = append(got, u.Code)
		}
		if want := []string{"P1", "C1", "T1"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("order=%v, want %v", got, want)
		}
		if got, want := db.gotUnits[2].ValidFrom, "2025-07-01"; got != want {
			t.Fatalf("ValidFrom=%q, want %q", got, want)
		}
	})

	t.Run("ErrBadRows", func(t *testing.T) {
		db := newFakeDB()
		db.addUnit("10", "", "province", "Lào Cai")
		csv := "code,parent_code,level,name,valid_from,valid_to\n" +
			"10,,province,Lào Cai,,\n" + // 2: stored already: fine, it is updated
			"A,B,commune,A,,\n" + // 3: cycle with B
			"B,A,commune,B,,\n" +
			"C,10,commune,,,\n" + // 5: no name
			"C,10,commune,C,,\n" + // 6: duplicate
			"D,ZZ,commune,D,,\n" + // 7: unknown parent
			"E,10,,E,,\n" + // 8: no level
			"F,10,commune,F,2025-07-01,2025-06-30\n" + // 9: to before from
			"G,10,commune,G,32/01/2025,\n" + // 10: bad date
			"H,H,commune,H,,\n" // 11: its own parent
		_, err := importer.NewImporter(db.services()).ImportReader(ctx, "units", "csv", strings.NewReader(csv))
		ie := MustImportError(t, err)
		if got, want := ie.Lines(), []int{3, 5, 6, 7, 8, 9, 10, 11}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Lines=%v, want %v\n%v", got, want, err)
		}
		if db.calls != 0 {
			t.Fatal("ImportUnits called")
		}
	})
}

func TestImportIndicators(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		db := newFakeDB()
		csv := "Mã,Tên chỉ tiêu,Tên tiếng Anh,ĐVT,Loại,Cách tổng hợp,Chiều,Từ khóa,Tối thiểu,Tối đa\n" +
			"VNEID,Hỗ trợ VNeID,VNeID help,người,activity,sum,higher,\"vneid; định danh;định danh điện tử;;ddđt\",0,1.000\n" +
			"CT05,Xếp hạng NDXP,NDXP rank,hạng/63,ngành,cuối kỳ,thấp,,1,63\n"
		res, err := importer.NewImporter(db.services()).ImportReader(ctx, "indicators", "csv", strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Rows, 2; got != want {
			t.Fatalf("Rows=%d, want %d", got, want)
		}
		v := db.gotInds[0]
		if got, want := v.Aliases, []string{"vneid", "định danh", "định danh điện tử", "ddđt"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Aliases=%q, want %q", got, want)
		}
		if *v.Min != 0 || *v.Max != 1000 || v.Position != 1 || v.NameEN != "VNeID help" {
			t.Fatalf("indicator 0=%+v", v)
		}
		c := db.gotInds[1]
		if c.Kind != cnsbot.KindSector || c.Aggregation != cnsbot.AggLast || c.Direction != cnsbot.DirLower {
			t.Fatalf("indicator 1=%+v", c)
		}
	})

	t.Run("ErrBadRows", func(t *testing.T) {
		db := newFakeDB()
		db.addIndicator("DVC", cnsbot.KindActivity, "người")
		csv := "code,name_vi,name_en,unit,kind,aggregation,direction,aliases,min,max\n" +
			"DVC,Dịch vụ công,,người,activity,sum,higher,,,\n" + // stored already: updated
			"QR,QR,,hộ,team,sum,higher,,,\n" + // bad kind
			"qr,QR,,hộ,activity,avg,higher,,,\n" + // duplicate code, bad aggregation
			"HO,Hộ,,hộ,activity,sum,up,,,\n" + // bad direction
			"X,X,,x,activity,sum,higher,,10,5\n" + // max < min
			"Y,Y,,y,activity,sum,higher,,abc,\n" // bad min
		_, err := importer.NewImporter(db.services()).ImportReader(ctx, "indicators", "csv", strings.NewReader(csv))
		ie := MustImportError(t, err)
		if got, want := ie.Lines(), []int{3, 4, 5, 6, 7}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Lines=%v, want %v\n%v", got, want, err)
		}
		if got, want := len(ie.Rows), 6; got != want {
			t.Fatalf("%d errors, want %d:\n%v", got, want, err)
		}
	})
}

func TestImportTargets(t *testing.T) {
	ctx := context.Background()
	db := newFakeDB()
	seedUnits(db)
	vneid := db.addIndicator("VNEID", cnsbot.KindActivity, "người")
	csv := "Mã chỉ tiêu;Mã đơn vị;Kỳ;Kế hoạch\n" +
		"vneid;10;2026;12.000\n" +
		"VNEID;082;2026-h1;1.500,5\n" +
		"VNEID;082;2026-Q3;700\n"
	res, err := importer.NewImporter(db.services()).ImportReader(ctx, "targets", "csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Rows, 3; got != want {
		t.Fatalf("Rows=%d, want %d", got, want)
	}
	want := &cnsbot.Target{IndicatorID: vneid.ID, UnitID: db.units["082"].ID, Period: "2026-H1", Value: 1500.5}
	if got := db.gotTargets[1]; !reflect.DeepEqual(got, want) {
		t.Fatalf("target 1=%+v, want %+v", got, want)
	}
	if got, want := db.gotTargets[0].Value, 12000.0; got != want {
		t.Fatalf("Value=%v, want %v", got, want)
	}

	t.Run("ErrBadRows", func(t *testing.T) {
		db.calls = 0
		csv := "indicator_code,unit_code,period,value\n" +
			"VNEID,10,2026-Q5,1\n" +
			"NOPE,10,2026,1\n" +
			"VNEID,XX,2026,1\n" +
			"VNEID,10,2026,x\n" +
			"VNEID,10,2026-07,5\n" +
			"VNEID,10,2026-7,6\n" + // same period as the line before
			"VNEID,10,2026-W30,\n"
		_, err := importer.NewImporter(db.services()).ImportReader(ctx, "targets", "csv", strings.NewReader(csv))
		ie := MustImportError(t, err)
		if got, want := ie.Lines(), []int{2, 3, 4, 5, 7, 8}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Lines=%v, want %v\n%v", got, want, err)
		}
		if db.calls != 0 {
			t.Fatal("ImportTargets called")
		}
	})
}

func TestImportValues(t *testing.T) {
	ctx := context.Background()
	db := newFakeDB()
	seedUnits(db)
	db.addIndicator("CT02", cnsbot.KindSector, "%")
	db.addIndicator("VNEID", cnsbot.KindActivity, "người")
	rank := db.addIndicator("CT05", cnsbot.KindSector, "hạng/63")
	lo, hi := 1.0, 63.0
	rank.Min, rank.Max = &lo, &hi
	t.Run("OK", func(t *testing.T) {
		csv := "indicator_code,unit_code,date,value,numerator,denominator,note\n" +
			"CT02,10,21/7/2023,,156,163,báo Lào Cai\n" +
			"CT05,10,2023-07-21,1,,,\n"
		if _, err := importer.NewImporter(db.services()).ImportReader(ctx, "values", "csv", strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
		r := db.gotReports[0]
		if got, want := fmt.Sprintf("%.2f", r.Value), "95.71"; got != want {
			t.Fatalf("Value=%s, want %s", got, want)
		}
		if r.Note != "báo Lào Cai" || r.Date != "2023-07-21" || r.MemberID != 0 || r.TeamID != 0 {
			t.Fatalf("report 0=%+v", r)
		}
	})
	t.Run("ErrBadRows", func(t *testing.T) {
		db.calls = 0
		csv := "indicator_code,unit_code,date,value,numerator,denominator\n" +
			"VNEID,10,21/07/2023,5,,\n" + // activity indicator
			"CT05,10,21/07/2023,70,,\n" + // above max
			"CT02,10,31/06/2023,90,,\n" + // bad date
			"CT02,10,21/07/2023,90,9,\n" + // numerator without denominator
			"CT02,10,21/07/2023,90,9,0\n" + // zero denominator
			"CT02,10,,90,,\n" + // no date
			"CT02,082,20/07/2023,,,\n" + // no value
			"CT02,082,22/07/2023,1,,\n" +
			"CT02,082,2023-07-22,2,,\n" + // same fact twice
			"CT02,10,21/7/2023,95,,\n" // 11: imported in OK above
		db.reports = append(db.reports, db.gotReports...)
		_, err := importer.NewImporter(db.services()).ImportReader(ctx, "values", "csv", strings.NewReader(csv))
		ie := MustImportError(t, err)
		if got, want := ie.Rows[len(ie.Rows)-1].Error(), "line 11: already imported: correct the stored value instead"; got != want {
			t.Fatalf("last error %q, want %q", got, want)
		}
		if got, want := ie.Lines(), []int{2, 3, 4, 5, 6, 7, 8, 10, 11}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Lines=%v, want %v\n%v", got, want, err)
		}
		if db.calls != 0 {
			t.Fatal("ImportReports called")
		}
	})
}

func TestImportErrors(t *testing.T) {
	ctx := context.Background()
	im := importer.NewImporter(newFakeDB().services())
	for name, tt := range map[string]struct {
		kind, format, body string
	}{
		"UnknownKind":   {"teams", "csv", "a\n1\n"},
		"UnknownFormat": {"units", "ods", "a\n1\n"},
		"Empty":         {"units", "csv", ""},
		"HeaderOnly":    {"members", "csv", "full_name,phone,unit_code,role\n"},
		"NotUTF8":       {"members", "csv", "full_name,phone,unit_code,role\nL\xf2 V\xe3n,0912345678,T1,member\n"},
		"BadXLSX":       {"members", "xlsx", "not a zip"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := im.ImportReader(ctx, tt.kind, tt.format, strings.NewReader(tt.body))
			if got, want := cnsbot.ErrorCode(err), cnsbot.EINVALID; got != want {
				t.Fatalf("ErrorCode(%v)=%q, want %q", err, got, want)
			}
		})
	}
	t.Run("Extension", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x.xls")
		if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := im.Import(ctx, "units", path); cnsbot.ErrorCode(err) != cnsbot.EINVALID {
			t.Fatalf("err=%v, want EINVALID", err)
		}
	})
}
