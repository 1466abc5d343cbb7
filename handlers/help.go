package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"cnsbot"

	"github.com/go-telegram/bot/models"
)

// helpLines are the help entries, each for the roles that may use it (nil:
// everyone).
var helpLines = []struct {
	key   string
	roles []cnsbot.Role
}{
	{"help.cmd_report", teamRoles},
	{"help.cmd_mine", teamRoles},
	{"help.cmd_chitieu", leaderRoles},
	{"help.cmd_tiendo", nil},
	{"help.cmd_chuabaocao", nil},
	{"help.cmd_xuat", leaderRoles},
	{"help.cmd_bieudo", leaderRoles},
	{"help.cmd_thongbao", leaderRoles},
	{"help.cmd_requests", leaderRoles},
	{"help.cmd_lichnhac", []cnsbot.Role{cnsbot.RoleAdmin}},
	{"help.cmd_trangthai", []cnsbot.Role{cnsbot.RoleAdmin}},
	{"help.cmd_start", nil},
	{"help.cmd_help", nil},
	{"help.cmd_cancel", nil},
	{"help.cmd_language", nil},
	{"help.free_text", teamRoles},
	{"help.ask", leaderRoles},
}

// teamRoles are the roles that report for a team.
var teamRoles = []cnsbot.Role{cnsbot.RoleMember, cnsbot.RoleTeamLead}

// leaderRoles are the roles that read figures beyond a team.
var leaderRoles = []cnsbot.Role{cnsbot.RoleLeader, cnsbot.RoleAdmin}

// help shows what the user's role can do.
func (r *Router) help(ctx context.Context, req *request) error {
	var b strings.Builder
	b.WriteString(req.t("help.header", "Role", req.roleName(req.member.Role)))
	for _, l := range helpLines {
		if l.roles == nil || slices.Contains(l.roles, req.member.Role) {
			b.WriteString("\n")
			b.WriteString(req.t(l.key))
		}
	}
	b.WriteString("\n\n")
	b.WriteString(req.t("help.footer"))
	return req.reply(ctx, b.String(), nil)
}

// cancel leaves any flow.
func (r *Router) cancel(ctx context.Context, req *request) error {
	_, err := r.Conversations.GetConversation(ctx, req.convKey())
	if cnsbot.IsNotFound(err) {
		return req.reply(ctx, req.t("cancel.nothing"), removeKeyboard())
	} else if err != nil {
		return fmt.Errorf("get conversation: %w", err)
	}
	if err := req.endConversation(ctx); err != nil {
		return err
	}
	return req.reply(ctx, req.t("cancel.done"), removeKeyboard())
}

// language offers the two languages as buttons.
func (r *Router) language(ctx context.Context, req *request) error {
	kb := inlineKeyboard([]models.InlineKeyboardButton{
		button(req.t("lang.vi_button"), Callback{Feature: "lang", Action: "vi"}.String()),
		button(req.t("lang.en_button"), Callback{Feature: "lang", Action: "en"}.String()),
	})
	return req.reply(ctx, req.t("lang.choose"), kb)
}

// setLanguage stores the chosen language and answers in it.
func (r *Router) setLanguage(ctx context.Context, req *request, cb Callback) error {
	lang := cb.Action
	if lang != "vi" && lang != "en" {
		return req.staleButton(ctx)
	}
	m, err := r.Members.UpdateMember(ctx, req.member.ID, cnsbot.MemberUpdate{Locale: &lang})
	if err != nil {
		return fmt.Errorf("set member %d locale: %w", req.member.ID, err)
	}
	req.member, req.lang = m, lang
	if info := cnsbot.RequestInfoFrom(ctx); info != nil {
		info.Locale = lang
	}
	if err := req.edit(ctx, req.t("lang.set"), nil); err != nil {
		return err
	}
	return req.answer(ctx, "")
}
