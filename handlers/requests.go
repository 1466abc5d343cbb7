package handlers

import (
	"context"
	"fmt"

	"cnsbot"
	"cnsbot/locales"

	"github.com/go-telegram/bot/models"
)

// Join requests: people not on the roster ask to join a unit (start.go);
// the admins and leaders of that unit get the request with two buttons,
// and /duyet (/requests) lists the open ones of their scope again.

type joinRequests struct{ *base }

func (f *joinRequests) features() []Feature {
	return []Feature{{Name: "requests", VI: "duyet", Roles: leaderRoles, Groups: true, Help: "help.cmd_requests",
		Command: f.pending, Prefix: prefixJoin, Actions: []string{"ok", "no"}, Button: f.decide}}
}

// notify sends the join request to the admins of its unit. The request
// is already saved: a failed notice is logged, and the admins still see the
// request when they look.
func (f *joinRequests) notify(ctx context.Context, jr *cnsbot.JoinRequest, unit *cnsbot.Unit, path string) {
	admins, err := f.Members.FindAdminsForUnit(ctx, unit.ID)
	if err != nil {
		f.Logger.Error("find admins for join request", cnsbot.LogJoinRequestID, jr.ID, cnsbot.LogError, err)
		return
	}
	if len(admins) == 0 {
		f.Logger.Warn("no admin to approve join request", cnsbot.LogJoinRequestID, jr.ID, cnsbot.LogUnit, unit.Code)
		return
	}
	for _, a := range admins {
		text, kb := f.notice(f.memberLang(a), jr, path)
		if err := f.send(ctx, a.TelegramID, text, kb); err != nil {
			f.Logger.Warn("notify admin of join request", cnsbot.LogJoinRequestID, jr.ID, cnsbot.LogMemberID, a.ID, cnsbot.LogError, err)
		}
	}
}

// notice is a join request as an admin sees it, with its two buttons.
func (f *joinRequests) notice(lang string, jr *cnsbot.JoinRequest, unitPath string) (string, models.ReplyMarkup) {
	t := func(key string) string { return f.Catalog.T(lang, key, nil) }
	kb := inlineKeyboard([]models.InlineKeyboardButton{
		button(t("join.approve_button"), Callback{Feature: prefixJoin, Action: "ok", ID: jr.ID}.String()),
		button(t("join.reject_button"), Callback{Feature: prefixJoin, Action: "no", ID: jr.ID}.String()),
	})
	return f.Catalog.T(lang, "join.admin_notice", map[string]any{"Name": jr.FullName, "Phone": jr.Phone, "Unit": unitPath}), kb
}

// maxPendingShown bounds /duyet: one message per request.
const maxPendingShown = 10

// pending is /duyet: the open join requests of the caller's scope,
// each with its buttons — also for requests filed before the admin
// registered, whom no notice reached.
func (f *joinRequests) pending(ctx context.Context, req *Request) error {
	jrs, err := f.Joins.FindPendingJoinRequests(ctx, req.member.UnitID, maxPendingShown)
	if err != nil {
		return fmt.Errorf("find pending join requests: %w", err)
	}
	if len(jrs) == 0 {
		return req.Reply(ctx, req.T("join.pending_none"), nil)
	}
	if err := req.Reply(ctx, req.T("join.pending_list", "Count", len(jrs)), nil); err != nil {
		return err
	}
	for _, jr := range jrs {
		path, err := f.unitPath(ctx, jr.UnitID)
		if err != nil {
			return err
		}
		text, kb := f.notice(req.lang, jr, path)
		if err := req.Reply(ctx, text, kb); err != nil {
			return err
		}
	}
	return nil
}

// decide approves or rejects a join request from an admin's buttons.
func (f *joinRequests) decide(ctx context.Context, req *Request, cb Callback) error {
	admin := req.member
	jr, err := f.Joins.FindJoinRequestByID(ctx, cb.ID)
	if cnsbot.IsNotFound(err) {
		return req.staleButton(ctx)
	} else if err != nil {
		return fmt.Errorf("find join request %d: %w", cb.ID, err)
	}
	within, err := f.Units.IsUnitWithin(ctx, jr.UnitID, admin.UnitID)
	if err != nil {
		return fmt.Errorf("check join request scope: %w", err)
	} else if !within {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	key, userKey := "join.approved_admin", "join.approved_user"
	if cb.Action == "ok" {
		_, err = f.Joins.ApproveJoinRequest(ctx, jr.ID, admin.ID, cnsbot.RoleMember)
	} else {
		key, userKey = "join.rejected_admin", "join.rejected_user"
		_, err = f.Joins.RejectJoinRequest(ctx, jr.ID, admin.ID)
	}
	if cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
		return req.answer(ctx, req.T("error.already_decided"))
	} else if err != nil {
		return fmt.Errorf("decide join request %d: %w", jr.ID, err)
	}
	if err := req.edit(ctx, req.T(key, "Name", jr.FullName, "Admin", admin.FullName), nil); err != nil {
		return err
	}
	if err := req.answer(ctx, ""); err != nil {
		return err
	}
	path, err := f.unitPath(ctx, jr.UnitID)
	if err != nil {
		return err
	}
	lang := locales.Normalize(jr.Locale)
	text := f.Catalog.T(lang, userKey, map[string]any{"Unit": path})
	if err := f.send(ctx, jr.ChatID, text, nil); err != nil {
		f.Logger.Warn("tell user of join decision", cnsbot.LogJoinRequestID, jr.ID, cnsbot.LogError, err)
	}
	return nil
}
