package handlers

import (
	"context"
	"fmt"
	"strings"

	"cnsbot"

	"github.com/go-telegram/bot/models"
)

// helpLines are the help entries, each with the least role that may use it.
var helpLines = []struct {
	key  string
	role cnsbot.Role
}{
	{"help.cmd_start", cnsbot.RoleMember},
	{"help.cmd_help", cnsbot.RoleMember},
	{"help.cmd_cancel", cnsbot.RoleMember},
	{"help.cmd_language", cnsbot.RoleMember},
}

// roleRank orders roles from least to most powerful.
func roleRank(r cnsbot.Role) int {
	switch r {
	case cnsbot.RoleTeamLead:
		return 1
	case cnsbot.RoleLeader:
		return 2
	case cnsbot.RoleAdmin:
		return 3
	}
	return 0
}

// help shows what the user's role can do.
func (r *Router) help(ctx context.Context, req *request) error {
	var b strings.Builder
	b.WriteString(req.t("help.header", "Role", req.roleName(req.member.Role)))
	for _, l := range helpLines {
		if roleRank(req.member.Role) >= roleRank(l.role) {
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
