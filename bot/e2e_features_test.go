package bot_test

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"cnsbot"
	"cnsbot/handlers"
	"cnsbot/internal/telegramtest"

	"github.com/go-telegram/bot/models"
)

// Telegram ids of the harness's leader (the admin and the team are seeded
// by newHarness and withReporting).
const leaderTG = 4000

// withLeader adds a registered district leader speaking lang.
func (h *harness) withLeader(tb testing.TB, lang string) *harness {
	tb.Helper()
	h.addMember(tb, "Lãnh đạo huyện", "0912000009", "085", cnsbot.RoleLeader, leaderTG, lang)
	return h
}

// addMember puts a person on the roster of the unit with code and registers
// them as Telegram user tg speaking lang.
func (h *harness) addMember(tb testing.TB, name, phone, code string, role cnsbot.Role, tg int64, lang string) *cnsbot.Member {
	tb.Helper()
	ctx := context.Background()
	unit, err := h.units.FindUnitByCode(ctx, code)
	if err != nil {
		tb.Fatal(err)
	}
	m := &cnsbot.Member{FullName: name, Phone: phone, UnitID: unit.ID, Role: role}
	if err := h.members.CreateMember(ctx, m); err != nil {
		tb.Fatal(err)
	}
	active := cnsbot.StatusActive
	if m, err = h.members.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{TelegramID: &tg, Status: &active, Locale: &lang}); err != nil {
		tb.Fatal(err)
	}
	return m
}

// setLocale sets the language a member reads.
func (h *harness) setLocale(tb testing.TB, tg int64, lang string) {
	tb.Helper()
	m, err := h.members.FindMemberByTelegramID(context.Background(), tg)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := h.members.UpdateMember(context.Background(), m.ID, cnsbot.MemberUpdate{Locale: &lang}); err != nil {
		tb.Fatal(err)
	}
}

// reply pushes an update and returns the texts (and captions) of what the
// bot sent to chat while handling it: messages, documents, photos.
func (h *harness) replies(tb testing.TB, chat int64, upd *models.Update) []string {
	tb.Helper()
	before := len(h.tg.Requests())
	h.do(tb, upd)
	var out []string
	for _, r := range h.tg.Requests()[before:] {
		if r.ChatID() != chat {
			continue
		}
		switch r.Method {
		case "sendMessage":
			out = append(out, r.Params["text"])
		case "sendDocument", "sendPhoto":
			out = append(out, "file:"+r.Params["caption"])
		}
	}
	return out
}

// pingTexts are the throwaway feature's texts, beside it as a feature's
// own texts would be.
var pingTexts = map[string]map[string]string{
	"vi": {"help.cmd_ping": "/thu — thử bot", "menu.ping": "Thử bot", "ping.pong": "Bot vẫn chạy, {{esc .Name}}."},
	"en": {"help.cmd_ping": "/ping — try the bot", "menu.ping": "Try the bot", "ping.pong": "Still running, {{esc .Name}}."},
}

// pingFeature is a new command added the way the README shows: one table
// entry and its handler, for leaders and admins, also in groups.
func pingFeature() handlers.Feature {
	return handlers.Feature{
		Name: "ping", VI: "thu", Aliases: []string{"pong"},
		Roles:  []cnsbot.Role{cnsbot.RoleLeader, cnsbot.RoleAdmin},
		Groups: true, Help: "help.cmd_ping", Section: handlers.HelpWork,
		Command: func(ctx context.Context, req *handlers.Request) error {
			return req.Reply(ctx, req.T("ping.pong", "Name", req.Member().FullName), nil)
		},
	}
}

// Adding a command is one table entry and its handler: it is routed under
// each of its names, listed in help for its roles only, refused for the
// others in their language, and in the "/" menu of exactly those roles.
func TestAddFeature(t *testing.T) {
	h := buildHarness(t, t.TempDir()+"/cnsbot.db", true, harnessOptions{Features: []handlers.Feature{pingFeature()}, Texts: pingTexts})
	h.withReporting(t, "vi").withLeader(t, "en")

	t.Run("Routed", func(t *testing.T) {
		for _, tt := range []struct {
			tg         int64
			text, want string
		}{
			{adminTG, "/thu", "Bot vẫn chạy, Nguyễn Thị Thu Hà."},
			{leaderTG, "/ping", "Still running, Lãnh đạo huyện."},
			{leaderTG, "/pong@" + telegramtest.BotUsername, "Still running, Lãnh đạo huyện."},
		} {
			if got := h.replies(t, tt.tg, telegramtest.Command(h.ids.Next(), tt.tg, tt.tg, tt.text)); !slices.Equal(got, []string{tt.want}) {
				t.Fatalf("%s → %q, want %q", tt.text, got, tt.want)
			}
		}
		// In a group too, as its entry says.
		group := int64(-100_555)
		if got := h.replies(t, group, telegramtest.GroupMessage(h.ids.Next(), group, leaderTG, "/ping")); !slices.Equal(got, []string{"Still running, Lãnh đạo huyện."}) {
			t.Fatalf("/ping in a group → %q", got)
		}
	})

	t.Run("Help", func(t *testing.T) {
		for _, tt := range []struct {
			tg     int64
			lang   string
			listed bool
		}{{adminTG, "vi", true}, {leaderTG, "en", true}, {reporterTG, "vi", false}, {leadTG, "vi", false}} {
			got := h.text(t, tt.tg, "/trogiup").Text
			if line := pingTexts[tt.lang]["help.cmd_ping"]; strings.Contains(got, line) != tt.listed {
				t.Fatalf("help of %d lists %q: %v, want %v\n%s", tt.tg, line, !tt.listed, tt.listed, got)
			}
		}
	})

	t.Run("Refused", func(t *testing.T) {
		for _, lang := range []string{"vi", "en"} {
			h.setLocale(t, reporterTG, lang)
			want := h.t(lang, "error.forbidden")
			for _, cmd := range []string{"/thu", "/ping"} {
				if got := h.replies(t, reporterTG, telegramtest.Command(h.ids.Next(), reporterTG, reporterTG, cmd)); !slices.Equal(got, []string{want}) {
					t.Fatalf("member %s (%s) → %q, want %q", cmd, lang, got, want)
				}
			}
		}
		h.setLocale(t, reporterTG, "vi")
	})

	t.Run("Menu", func(t *testing.T) {
		if err := h.router.SyncCommands(context.Background()); err != nil {
			t.Fatal(err)
		}
		menus := h.menus(t)
		if got := menus["default/"]; slices.Contains(got, "thu") || !slices.Contains(got, "baocao") {
			t.Fatalf("default menu %v: want the members' commands, without /thu", got)
		}
		if got := menus["default/en"]; slices.Contains(got, "ping") || !slices.Contains(got, "report") {
			t.Fatalf("English default menu %v: want the members' commands, without /ping", got)
		}
		if got := menus["chat:500/"]; !slices.Contains(got, "thu") || !slices.Contains(got, "trangthai") || slices.Contains(got, "baocao") {
			t.Fatalf("the admin's menu %v: want /thu and /trangthai, not /baocao", got)
		}
		if got := menus["chat:4000/"]; !slices.Contains(got, "ping") || slices.Contains(got, "status") || slices.Contains(got, "thu") {
			t.Fatalf("the English leader's menu %v: want /ping in English, not /status", got)
		}
		if _, ok := menus["chat:3000/"]; ok {
			t.Fatal("a team lead got a menu of their own: theirs is the default one")
		}
	})
}

// menus returns the last command list set per scope, keyed by
// "default/LANG" or "chat:ID/LANG".
func (h *harness) menus(tb testing.TB) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for _, r := range h.tg.RequestsFor("setMyCommands") {
		var scope struct {
			Type   string `json:"type"`
			ChatID int64  `json:"chat_id"`
		}
		if err := json.Unmarshal([]byte(r.Params["scope"]), &scope); err != nil {
			tb.Fatalf("scope %q: %v", r.Params["scope"], err)
		}
		var cmds []models.BotCommand
		if err := json.Unmarshal([]byte(r.Params["commands"]), &cmds); err != nil {
			tb.Fatal(err)
		}
		key := scope.Type + "/" + r.Params["language_code"]
		if scope.Type == "chat" {
			key = "chat:" + itoa(scope.ChatID) + "/" + r.Params["language_code"]
		}
		var names []string
		for _, c := range cmds {
			if c.Description == "" || strings.HasPrefix(c.Description, "menu.") {
				tb.Fatalf("/%s has no description in %s: %q", c.Command, key, c.Description)
			}
			names = append(names, c.Command)
		}
		out[key] = names
	}
	return out
}

// A leader who registers gets the menu of their role; when they change
// language, the menu follows.
func TestCommandMenuFollowsMember(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	district, err := h.units.FindUnitByCode(ctx, "085")
	if err != nil {
		t.Fatal(err)
	}
	const tg = 4100
	m := &cnsbot.Member{FullName: "Phó chủ tịch huyện", Phone: "0912000010", UnitID: district.ID, Role: cnsbot.RoleLeader, Status: cnsbot.StatusPending}
	if err := h.members.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	h.do(t, telegramtest.Contact(h.ids.Next(), tg, tg, tg, "0912000010"))
	if got := h.menus(t)["chat:4100/"]; !slices.Contains(got, "tiendo") || !slices.Contains(got, "thongbao") {
		t.Fatalf("menu after registering: %v", got)
	}
	msg := h.text(t, tg, "/ngonngu")
	h.press(t, tg, msg, "English")
	if got := h.menus(t)["chat:4100/"]; !slices.Contains(got, "progress") || slices.Contains(got, "tiendo") {
		t.Fatalf("menu after choosing English: %v", got)
	}
}

// Every command of the table answers every role, in both languages, in a
// private chat and in a group: with its answer where the table allows it,
// with the refusal the table names where it does not — never an internal
// error, never "unknown command".
func TestEveryFeatureAnswers(t *testing.T) {
	h := newHarness(t).withReporting(t, "vi").withLeader(t, "vi")
	group := int64(-100_777)
	roles := []struct {
		role cnsbot.Role
		tg   int64
	}{{cnsbot.RoleMember, reporterTG}, {cnsbot.RoleTeamLead, leadTG}, {cnsbot.RoleLeader, leaderTG}, {cnsbot.RoleAdmin, adminTG}}
	for _, f := range h.router.Features() {
		if len(f.Commands()) == 0 {
			continue
		}
		for _, r := range roles {
			for _, lang := range []string{"vi", "en"} {
				h.setLocale(t, r.tg, lang)
				cmd := "/" + f.Name
				if lang == "vi" && f.VI != "" {
					cmd = "/" + f.VI
				}
				for _, chat := range []int64{r.tg, group} {
					var want string
					switch {
					case chat == group && !f.Groups:
						want = h.t(lang, "error.private_only", "BotUsername", telegramtest.BotUsername)
					case !f.Allows(r.role):
						want = h.t(lang, cmp.Or(f.Refusal, "error.forbidden"))
					}
					upd := telegramtest.Command(h.ids.Next(), chat, r.tg, cmd)
					if chat == group {
						upd = telegramtest.GroupMessage(h.ids.Next(), chat, r.tg, cmd)
					}
					got := h.replies(t, chat, upd)
					where := f.Name + " " + string(r.role) + " " + lang + " " + itoa(chat)
					switch {
					case len(got) == 0:
						t.Fatalf("%s %s: no answer", where, cmd)
					case want != "" && !slices.Equal(got, []string{want}):
						t.Fatalf("%s %s → %q, want the refusal %q", where, cmd, got, want)
					case want == "" && slices.ContainsFunc(got, func(s string) bool {
						return s == h.t(lang, "error.internal") || s == h.t(lang, "error.forbidden") ||
							s == h.t(lang, "command.unknown", "Command", cmd)
					}):
						t.Fatalf("%s %s → %q", where, cmd, got)
					}
				}
			}
		}
		// A flow a command opened must not swallow the next command.
		for _, r := range roles {
			h.do(t, telegramtest.Command(h.ids.Next(), r.tg, r.tg, "/huy"))
		}
	}
}
