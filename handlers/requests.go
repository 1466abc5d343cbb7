package handlers

import (
	"context"
	"fmt"

	"cnsbot"
	"cnsbot/locales"

	"github.com/go-telegram/bot/models"
)

// Join requests: people not on the roster ask to join a unit (start.go);
// the admins of the nearest unit up the tree that has any (or its leaders)
// get the request with two buttons, and /duyet (/requests) lists the open
// ones of their scope again.

type joinRequests struct{ *base }

func (f *joinRequests) features() []Feature {
	return []Feature{{Name: "requests", VI: "duyet", Roles: leaderRoles, Groups: true, Help: "help.cmd_requests",
		Command: f.pending, Prefix: prefixJoin, Actions: []string{"ok", "no"}, Button: f.decide}}
}

// notify sends the join request up the tree: to the admins of the nearest
// unit at or above its unit that has any (its leaders where no admin is
// registered anywhere above), and on to the next unit up when none of them
// could be reached. It reports whether anyone got it, so that the person
// asking is never told it was sent when it was not. The request is already
// saved: admins who register later see it in /duyet.
func (f *joinRequests) notify(ctx context.Context, jr *cnsbot.JoinRequest, unit *cnsbot.Unit, path string) (bool, error) {
	admins, err := f.Members.FindAdminsForUnit(ctx, jr.UnitID)
	if err != nil {
		return false, fmt.Errorf("find admins for join request %d: %w", jr.ID, err)
	}
	sent := false
	for i, a := range admins {
		// Nearest first: stop at the first unit where someone got it.
		if sent && a.UnitID != admins[i-1].UnitID {
			break
		}
		text, kb := f.notice(f.memberLang(a), jr, path)
		if err := f.send(ctx, a.TelegramID, text, kb); err != nil {
			f.Logger.Warn("notify admin of join request", cnsbot.LogJoinRequestID, jr.ID, cnsbot.LogMemberID, a.ID, cnsbot.LogError, err)
			continue
		}
		sent = true
	}
	if !sent {
		f.Logger.Warn("no admin to approve join request", cnsbot.LogJoinRequestID, jr.ID, cnsbot.LogUnit, unit.Code)
	}
	return sent, nil
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

// decidedAs reports whether the request was decided by admin as action
// says: the press handled again after a crash that cut it off, which
// finishes the answers instead of calling it decided by someone else.
func (f *joinRequests) decidedAs(ctx context.Context, id, adminID int64, action string) bool {
	jr, err := f.Joins.FindJoinRequestByID(ctx, id)
	if err != nil || jr.DecidedBy != adminID {
		return false
	}
	return jr.Status == cnsbot.RequestApproved && action == "ok" || jr.Status == cnsbot.RequestRejected && action == "no"
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
	if cnsbot.ErrorCode(err) == cnsbot.ECONFLICT && !f.decidedAs(ctx, jr.ID, admin.ID, cb.Action) {
		return req.answer(ctx, req.T("error.already_decided"))
	} else if err != nil && cnsbot.ErrorCode(err) != cnsbot.ECONFLICT {
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
