package handlers

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"cnsbot"
	"cnsbot/locales"
)

// commandName is what Telegram accepts as a bot command.
var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// Every entry of the table is complete: commands Telegram accepts, a help
// line and a menu description in every language, buttons with a prefix.
func TestFeatureTable(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(Deps{Catalog: c})
	if len(r.Features()) == 0 {
		t.Fatal("no features")
	}
	for _, f := range r.Features() {
		for _, name := range f.Commands() {
			if !commandName.MatchString(name) {
				t.Errorf("%s: command %q is not a Telegram command name", f.Name, name)
			}
		}
		if f.Help != "" && !c.Has(f.Help) {
			t.Errorf("%s: help key %q is not in the catalog", f.Name, f.Help)
		}
		if f.Command != nil {
			for _, lang := range c.Languages() {
				for _, m := range r.menu(cnsbot.RoleAdmin, lang) {
					if n := utf8.RuneCountInString(m.Description); n == 0 || n > 256 || strings.HasPrefix(m.Description, "menu.") || strings.ContainsAny(m.Description, "<>") {
						t.Errorf("menu /%s (%s): description %q", m.Command, lang, m.Description)
					}
				}
			}
		}
		if f.Button != nil && (f.Prefix == "" || strings.Contains(f.Prefix, ":")) {
			t.Errorf("%s: buttons without a usable prefix %q", f.Name, f.Prefix)
		}
		if (f.Continue != nil) != (f.Flow != "") || (f.Answer != nil) != (f.Intent != "") {
			t.Errorf("%s: a flow or intent without its handler", f.Name)
		}
	}
}

// Two features cannot claim one command, button or name: the table panics
// at construction, so the mistake never reaches a user.
func TestFeatureTableErrTaken(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, extra := range map[string]Feature{
		"Command": {Name: "other", VI: "baocao", Command: (&help{}).command},
		"Button":  {Name: "other", Prefix: prefixProgress, Button: (&progress{}).button},
		"Name":    {Name: "progress"},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatalf("%+v registered", extra.Name)
				}
			}()
			NewRouter(Deps{Catalog: c, Extra: []Feature{extra}})
		})
	}
}

// The help lines of each role, in order: the work of the role first, then
// the basics, then how to write freely — the order users were shown before
// the table existed.
func TestHelpKeys(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(Deps{Catalog: c})
	basics := []string{"help.cmd_start", "help.cmd_help", "help.cmd_cancel", "help.cmd_language"}
	for role, want := range map[cnsbot.Role][]string{
		cnsbot.RoleMember: append(append([]string{"help.cmd_report", "help.cmd_mine", "help.cmd_tiendo", "help.cmd_chuabaocao"},
			basics...), "help.free_text"),
		cnsbot.RoleLeader: append(append([]string{"help.cmd_chitieu", "help.cmd_tiendo", "help.cmd_chuabaocao", "help.cmd_xuat",
			"help.cmd_bieudo", "help.cmd_thongbao", "help.cmd_requests"}, basics...), "help.ask"),
		cnsbot.RoleAdmin: append(append([]string{"help.cmd_chitieu", "help.cmd_tiendo", "help.cmd_chuabaocao", "help.cmd_xuat",
			"help.cmd_bieudo", "help.cmd_thongbao", "help.cmd_requests", "help.cmd_lichnhac", "help.cmd_trangthai"}, basics...), "help.ask"),
	} {
		if got := r.table.helpKeys(role); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s:\n got %v\nwant %v", role, got, want)
		}
	}
}
