package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"cnsbot"
	"cnsbot/locales"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Telegram's "/" menu, from the table: the default scope shows a member's
// commands (in Vietnamese, and in English to apps set to English); a leader
// or admin, whose commands differ, gets a menu of their own chat in their
// language — at start, when they register, when they change language.

// defaultMenuRole is the role whose commands the default scope shows.
const defaultMenuRole = cnsbot.RoleMember

// menu is the "/" menu of a role in a language: each allowed feature's
// command in that language, with its description.
func (b *base) menu(role cnsbot.Role, lang string) []models.BotCommand {
	var out []models.BotCommand
	for _, f := range b.table.list {
		if f.Command == nil || !f.Allows(role) {
			continue
		}
		key := f.Menu
		if key == "" {
			key = "menu." + f.Name
		}
		out = append(out, models.BotCommand{Command: f.command(lang), Description: b.Catalog.T(lang, key, nil)})
	}
	return out
}

// ownMenu reports whether a role needs a menu of its own chat: its
// commands are not those of the default scope.
func (b *base) ownMenu(role cnsbot.Role) bool {
	lang := locales.Normalize(b.DefaultLocale)
	return !slices.Equal(b.menu(role, lang), b.menu(defaultMenuRole, lang))
}

// SyncCommands sets the default menus, one per language, and the menu of
// every registered member whose role has its own. It runs at start, in the
// background: the menu is a convenience, and a failure is logged.
func (r *Router) SyncCommands(ctx context.Context) error {
	def := locales.Normalize(r.DefaultLocale)
	for _, lang := range r.Catalog.Languages() {
		code := lang
		if lang == def {
			code = "" // everyone whose app language has no menu of its own
		}
		p := &tgbot.SetMyCommandsParams{Commands: r.menu(defaultMenuRole, lang), Scope: &models.BotCommandScopeDefault{}, LanguageCode: code}
		if err := r.setCommands(ctx, p); err != nil {
			return err
		}
	}
	for _, role := range allRoles {
		if !r.ownMenu(role) {
			continue
		}
		const page = 500
		for offset := 0; ; offset += page {
			ms, _, err := r.Members.FindMembers(ctx, cnsbot.MemberFilter{Role: role, Status: cnsbot.StatusActive, Offset: offset, Limit: page})
			if err != nil {
				return fmt.Errorf("find %s members: %w", role, err)
			}
			for _, m := range ms {
				if err := r.setChatMenu(ctx, m); err != nil {
					return err
				}
			}
			if len(ms) < page {
				break
			}
		}
	}
	return nil
}

// updateChatMenu gives a member who just registered or changed language
// the menu of their role, when it has its own; a failure is logged — the
// member's action is done, and the next start sets it again.
func (b *base) updateChatMenu(ctx context.Context, m *cnsbot.Member) {
	if !b.ownMenu(m.Role) {
		return
	}
	if err := b.setChatMenu(ctx, m); err != nil {
		b.Logger.Warn("set command menu", cnsbot.LogMemberID, m.ID, cnsbot.LogError, err)
	}
}

func (b *base) setChatMenu(ctx context.Context, m *cnsbot.Member) error {
	if m.TelegramID == 0 {
		return nil
	}
	return b.setCommands(ctx, &tgbot.SetMyCommandsParams{Commands: b.menu(m.Role, b.memberLang(m)),
		Scope: &models.BotCommandScopeChat{ChatID: m.TelegramID}})
}

// setCommands calls setMyCommands, waiting out a 429 a few times.
func (b *base) setCommands(ctx context.Context, p *tgbot.SetMyCommandsParams) error {
	for attempt := 0; ; attempt++ {
		_, err := b.Sender.SetMyCommands(ctx, p)
		var tooMany *tgbot.TooManyRequestsError
		if errors.As(err, &tooMany) && attempt < 3 {
			select {
			case <-time.After(time.Duration(max(tooMany.RetryAfter, 1)) * time.Second):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err != nil {
			return fmt.Errorf("set my commands: %w", err)
		}
		return nil
	}
}
