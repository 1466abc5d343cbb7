package handlers

import (
	"context"
	"fmt"

	"cnsbot"

	"github.com/go-telegram/bot/models"
)

// /ngonngu (/language): Vietnamese or English, as two buttons; the choice
// is kept on the member and the "/" menu follows it.

type language struct{ *base }

func (f *language) features() []Feature {
	return []Feature{{Name: "language", VI: "ngonngu", Aliases: []string{"lang"}, Groups: true,
		Help: "help.cmd_language", Section: HelpBasics, Command: f.command, Prefix: prefixLanguage, Button: f.choose}}
}

// command offers the two languages as buttons.
func (f *language) command(ctx context.Context, req *Request) error {
	kb := inlineKeyboard([]models.InlineKeyboardButton{
		button(req.T("lang.vi_button"), Callback{Feature: prefixLanguage, Action: "vi"}.String()),
		button(req.T("lang.en_button"), Callback{Feature: prefixLanguage, Action: "en"}.String()),
	})
	return req.Reply(ctx, req.T("lang.choose"), kb)
}

// choose stores the chosen language and answers in it.
func (f *language) choose(ctx context.Context, req *Request, cb Callback) error {
	lang := cb.Action
	if lang != "vi" && lang != "en" {
		return req.staleButton(ctx)
	}
	m, err := f.Members.UpdateMember(ctx, req.member.ID, cnsbot.MemberUpdate{Locale: &lang})
	if err != nil {
		return fmt.Errorf("set member %d locale: %w", req.member.ID, err)
	}
	req.setMember(ctx, m, lang)
	if err := req.edit(ctx, req.T("lang.set"), nil); err != nil {
		return err
	}
	if err := req.answer(ctx, ""); err != nil {
		return err
	}
	f.updateChatMenu(ctx, m)
	return nil
}
