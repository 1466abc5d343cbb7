package schedule_test

import (
	"strings"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/schedule"
)

func TestParse(t *testing.T) {
	from := time.Date(2026, 7, 21, 3, 0, 0, 0, time.UTC) // Tuesday 10:00 in Vietnam
	for _, tt := range []struct {
		spec string
		want time.Time // the first slot after from, UTC
	}{
		{"0 16 * * 5", time.Date(2026, 7, 24, 9, 0, 0, 0, time.UTC)}, // Friday 16:00 local = 09:00 UTC
		{"0 16 * * FRI", time.Date(2026, 7, 24, 9, 0, 0, 0, time.UTC)},
		{"0 16 13 * *", time.Date(2026, 8, 13, 9, 0, 0, 0, time.UTC)},
		{"0 8 * * 1", time.Date(2026, 7, 27, 1, 0, 0, 0, time.UTC)},
		{"0 9 * * *", time.Date(2026, 7, 22, 2, 0, 0, 0, time.UTC)},
		{"30 6 * * *", time.Date(2026, 7, 21, 23, 30, 0, 0, time.UTC)}, // 06:30 local is the day before in UTC
		{"*/15 10 * * *", time.Date(2026, 7, 21, 3, 15, 0, 0, time.UTC)},
		{"  0 16 * * 5 ", time.Date(2026, 7, 24, 9, 0, 0, 0, time.UTC)},
		{"0 0 29 2 *", time.Date(2028, 2, 28, 17, 0, 0, 0, time.UTC)},
	} {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := schedule.Parse(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Next(from); !got.Equal(tt.want) {
				t.Fatalf("Next=%v, want %v", got.UTC(), tt.want)
			}
		})
	}

	for _, spec := range []string{
		"", "0 16 * *", "0 0 16 * * 5", "@daily", "@every 1h", "TZ=UTC 0 16 * * 5",
		"CRON_TZ=Asia/Tokyo 0 16 * * 5", "TZ=UTC", "0 0 30 2 *", "61 * * * *", "0 24 * * *",
		"x y z a b", "0 16 * * 8", "5-1 * * * *",
	} {
		t.Run("Err/"+spec, func(t *testing.T) {
			if s, err := schedule.Parse(spec); err == nil {
				t.Fatalf("Parse(%q)=%+v, want an error", spec, s)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, spec := range []string{"0 16 * * 5", "*/5 1-3 1,15 JAN-MAR MON", "TZ=UTC", "@every 1s", "0 0 30 2 *"} {
		f.Add(spec)
	}
	from := time.Date(2026, 7, 21, 3, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := schedule.Parse(spec)
		if err != nil {
			return
		}
		next := s.Next(from)
		if next.IsZero() {
			t.Fatalf("Parse(%q) accepted a spec that does not fire", spec)
		}
		if next.Second() != 0 || next.Nanosecond() != 0 {
			t.Fatalf("Parse(%q): slot %v not on a whole minute", spec, next)
		}
	})
}

func TestValidate(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		ds := schedule.DefaultSchedules()
		if got, want := len(ds), 4; got != want {
			t.Fatalf("len=%d, want %d", got, want)
		}
		for _, s := range ds {
			if err := schedule.Validate(s); err != nil {
				t.Fatal(err)
			} else if s.Paused || s.UnitID != 0 || s.Source != schedule.SourceConfig {
				t.Fatalf("%s: Paused=%v UnitID=%d Source=%q, want on, whole tree, config", s.Name, s.Paused, s.UnitID, s.Source)
			}
		}
	})

	ok := func() *cnsbot.Schedule {
		return &cnsbot.Schedule{Name: "zalo_group", Cron: "0 16 * * 5", Audience: cnsbot.AudienceGroup, ChatID: -1001, Source: "chat"}
	}
	if err := schedule.Validate(ok()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		change func(s *cnsbot.Schedule)
		field  string
	}{
		{"Name", func(s *cnsbot.Schedule) { s.Name = "" }, "name"},
		{"NameSpace", func(s *cnsbot.Schedule) { s.Name = "weekly missing" }, "name"},
		{"Cron", func(s *cnsbot.Schedule) { s.Cron = "0 16 * *" }, "cron"},
		{"Audience", func(s *cnsbot.Schedule) { s.Audience = "everyone" }, "audience"},
		{"ChatID", func(s *cnsbot.Schedule) { s.ChatID = 0 }, "chat_id"},
		{"Unit", func(s *cnsbot.Schedule) { s.UnitID = -1 }, "unit"},
		{"Source", func(s *cnsbot.Schedule) { s.Source = "" }, "source"},
	} {
		t.Run("Err"+tt.name, func(t *testing.T) {
			s := ok()
			tt.change(s)
			err := schedule.Validate(s)
			if got, want := cnsbot.ErrorCode(err), cnsbot.EINVALID; got != want {
				t.Fatalf("ErrorCode=%q, want %q (err=%v)", got, want, err)
			}
			if got, want := cnsbot.ErrorArgs(err)["Field"], tt.field; got != want {
				t.Fatalf("Field=%v, want %q", got, want)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("error %q does not name %q", err, tt.field)
			}
		})
	}
}

func TestManualSlot(t *testing.T) {
	now := time.Date(2026, 7, 24, 9, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{now, now.Add(59*time.Second + 999*time.Millisecond)} {
		slot := schedule.ManualSlot(at)
		if !schedule.IsManual(slot) {
			t.Fatalf("IsManual(%v)=false", slot)
		} else if got, want := slot.Truncate(time.Minute), now; !got.Equal(want) {
			t.Fatalf("minute=%v, want %v", got, want)
		} else if slot.Equal(now) {
			t.Fatal("manual slot equals the cron slot")
		}
	}
	if schedule.IsManual(now) {
		t.Fatal("IsManual(cron slot)=true")
	}
}
