package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"cnsbot"
	"cnsbot/locales"

	"github.com/go-telegram/bot/models"
)

// Flow and step names of registration by join request.
const (
	flowJoin     = "join"
	stepJoinName = "name"
	stepJoinUnit = "unit"
)

// joinDraft is what an unknown person told us so far.
type joinDraft struct {
	Phone string `json:"phone"`
	Name  string `json:"name,omitempty"`
}

// start handles /start: a registered user's profile, a deep-link invite
// code, or the invitation to share one's phone.
func (r *Router) start(ctx context.Context, req *request) error {
	if !req.Private {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.private_only", "BotUsername", r.BotUsername)
	}
	if req.member != nil {
		return r.profile(ctx, req)
	}
	if code := strings.TrimSpace(req.Args); code != "" {
		m, err := r.Members.FindMemberByInviteCode(ctx, code)
		if cnsbot.IsNotFound(err) || err == nil && m.TelegramID != 0 && m.TelegramID != req.UserID {
			return req.reply(ctx, req.t("start.invite_invalid"), req.sharePhoneKeyboard())
		} else if err != nil {
			return fmt.Errorf("find member by invite code: %w", err)
		}
		return r.register(ctx, req, m)
	}
	if pending, err := r.hasPendingRequest(ctx, req); err != nil || pending {
		return err
	}
	return req.reply(ctx, req.t("start.welcome"), req.sharePhoneKeyboard())
}

// unregistered answers anything an unregistered user sends: the registration
// flow, and nothing else.
func (r *Router) unregistered(ctx context.Context, req *request, msg *models.Message) error {
	if msg.Contact != nil {
		return r.contact(ctx, req)
	}
	if req.conv != nil && req.conv.Flow == flowJoin && req.Command == "" {
		switch req.conv.Step {
		case stepJoinName:
			return r.joinName(ctx, req, msg.Text)
		case stepJoinUnit:
			return r.joinUnit(ctx, req, msg.Text)
		}
	}
	if pending, err := r.hasPendingRequest(ctx, req); err != nil || pending {
		return err
	}
	return req.reply(ctx, req.t("start.need_registration"), req.sharePhoneKeyboard())
}

// hasPendingRequest tells the user their join request waits, if they have one.
func (r *Router) hasPendingRequest(ctx context.Context, req *request) (bool, error) {
	_, err := r.Joins.FindPendingJoinRequest(ctx, req.UserID)
	if cnsbot.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("find pending join request: %w", err)
	}
	return true, req.reply(ctx, req.t("start.request_pending"), nil)
}

// contact handles a shared contact: only the sender's own phone counts.
func (r *Router) contact(ctx context.Context, req *request) error {
	c := req.Update.Message.Contact
	if req.member != nil {
		return r.profile(ctx, req)
	}
	if c.UserID != req.UserID {
		return req.reply(ctx, req.t("start.not_own_contact"), req.sharePhoneKeyboard())
	}
	phone := cnsbot.NormalizePhone(c.PhoneNumber)
	if phone == "" {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid_phone", "Phone", c.PhoneNumber)
	}
	m, err := r.Members.FindMemberByPhone(ctx, phone)
	if err == nil {
		if m.TelegramID != 0 && m.TelegramID != req.UserID {
			return req.reply(ctx, req.t("start.phone_taken"), removeKeyboard())
		}
		return r.register(ctx, req, m)
	} else if !cnsbot.IsNotFound(err) {
		return fmt.Errorf("find member by phone: %w", err)
	}
	if pending, err := r.hasPendingRequest(ctx, req); err != nil || pending {
		return err
	}
	draft, _ := json.Marshal(joinDraft{Phone: phone})
	if err := req.saveConversation(ctx, &cnsbot.Conversation{Flow: flowJoin, Step: stepJoinName, Draft: draft}); err != nil {
		return err
	}
	return req.reply(ctx, req.t("start.unknown_phone", "Phone", phone), removeKeyboard())
}

// register links the roster entry m to the sender's Telegram account.
func (r *Router) register(ctx context.Context, req *request, m *cnsbot.Member) error {
	tgID, active := req.UserID, cnsbot.StatusActive
	upd := cnsbot.MemberUpdate{TelegramID: &tgID, Status: &active}
	if m.Locale == "" {
		upd.Locale = &req.lang
	}
	id := m.ID
	m, err := r.Members.UpdateMember(ctx, id, upd)
	if cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
		return req.reply(ctx, req.t("start.phone_taken"), removeKeyboard())
	} else if err != nil {
		return fmt.Errorf("register member %d: %w", id, err)
	}
	req.member = m
	if m.Locale != "" {
		req.lang = locales.Normalize(m.Locale)
	}
	if info := cnsbot.RequestInfoFrom(ctx); info != nil {
		info.MemberID, info.Locale = m.ID, req.lang
	}
	if req.conv != nil {
		if err := req.endConversation(ctx); err != nil {
			return err
		}
	}
	unit, team, err := r.unitAndTeam(ctx, m)
	if err != nil {
		return err
	}
	return req.reply(ctx, req.t("start.registered", "Name", m.FullName, "Role", req.roleName(m.Role),
		"Unit", unit, "Team", team), removeKeyboard())
}

// profile shows a registered user who they are on the roster.
func (r *Router) profile(ctx context.Context, req *request) error {
	m := req.member
	unit, team, err := r.unitAndTeam(ctx, m)
	if err != nil {
		return err
	}
	return req.reply(ctx, req.t("start.profile", "Name", m.FullName, "Phone", m.Phone, "Role", req.roleName(m.Role),
		"Unit", unit, "Team", team, "Language", req.t("lang.name_"+req.lang)), removeKeyboard())
}

// unitAndTeam returns a member's unit path and the team's name when it
// says more than the unit's.
func (r *Router) unitAndTeam(ctx context.Context, m *cnsbot.Member) (unit, team string, err error) {
	names, err := r.unitNames(ctx, m.UnitID)
	if err != nil {
		return "", "", err
	}
	if m.TeamID != 0 {
		t, err := r.Teams.FindTeamByID(ctx, m.TeamID)
		if err != nil {
			return "", "", fmt.Errorf("find team %d: %w", m.TeamID, err)
		}
		if len(names) == 0 || t.Name != names[0] {
			team = t.Name
		}
	}
	return strings.Join(names, ", "), team, nil
}

// unitPath names a unit with its ancestors below the root: "Thôn Làng Mới,
// Xã Bản Phố, Huyện Bắc Hà" — a province has many villages of one name.
func (r *Router) unitPath(ctx context.Context, unitID int64) (string, error) {
	names, err := r.unitNames(ctx, unitID)
	return strings.Join(names, ", "), err
}

func (r *Router) unitNames(ctx context.Context, unitID int64) ([]string, error) {
	var names []string
	for id, depth := unitID, 0; id != 0 && depth < 16; depth++ {
		u, err := r.Units.FindUnitByID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("find unit %d: %w", id, err)
		}
		if u.ParentID == 0 && len(names) > 0 {
			break // the province goes without saying
		}
		names = append(names, u.DisplayName())
		id = u.ParentID
	}
	return names, nil
}

// joinName takes the full name of a person not on the roster.
func (r *Router) joinName(ctx context.Context, req *request, text string) error {
	name := strings.Join(strings.Fields(text), " ")
	var d joinDraft
	if err := json.Unmarshal(req.conv.Draft, &d); err != nil {
		return fmt.Errorf("decode join draft: %w", err)
	}
	if !plausibleName(name) {
		return req.reply(ctx, req.t("start.unknown_phone", "Phone", d.Phone), nil)
	}
	d.Name = name
	draft, _ := json.Marshal(d)
	req.conv.Step, req.conv.Draft = stepJoinUnit, draft
	if err := req.saveConversation(ctx, req.conv); err != nil {
		return err
	}
	return req.reply(ctx, req.t("start.ask_unit"), nil)
}

// plausibleName accepts 2 to 80 characters with at least one letter and no
// command or markup characters.
func plausibleName(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 80 || strings.HasPrefix(s, "/") || strings.ContainsAny(s, "<>@#") {
		return false
	}
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// maxUnitChoices is how many matching units are offered as buttons.
const maxUnitChoices = 8

// joinUnit searches the unit the person says they belong to.
func (r *Router) joinUnit(ctx context.Context, req *request, text string) error {
	query := strings.TrimSpace(text)
	units, err := r.units.search(ctx, r.Units, query, maxUnitChoices)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return req.reply(ctx, req.t("start.unit_none", "Query", query), nil)
	}
	// Re-save so the buttons carry the version they were drawn for.
	if err := req.saveConversation(ctx, req.conv); err != nil {
		return err
	}
	rows := make([][]models.InlineKeyboardButton, 0, len(units))
	for _, u := range units {
		cb := Callback{Feature: "join", Action: "unit", ID: u.unit.ID, Version: req.conv.Version}
		rows = append(rows, []models.InlineKeyboardButton{button(u.label, cb.String())})
	}
	return req.reply(ctx, req.t("start.unit_choices", "Query", query), inlineKeyboard(rows...))
}

// joinChooseUnit files the join request for the chosen unit and tells the
// admins of that unit.
func (r *Router) joinChooseUnit(ctx context.Context, req *request, cb Callback) error {
	if req.member != nil {
		return req.staleButton(ctx)
	}
	c, ok, err := r.currentFlow(ctx, req, flowJoin, cb.Version)
	if err != nil {
		return err
	} else if !ok || c.Step != stepJoinUnit {
		return req.staleButton(ctx)
	}
	var d joinDraft
	if err := json.Unmarshal(c.Draft, &d); err != nil {
		return fmt.Errorf("decode join draft: %w", err)
	}
	unit, err := r.Units.FindUnitByID(ctx, cb.ID)
	if cnsbot.IsNotFound(err) {
		return req.staleButton(ctx)
	} else if err != nil {
		return fmt.Errorf("find unit %d: %w", cb.ID, err)
	}
	jr := &cnsbot.JoinRequest{
		TelegramID: req.UserID, ChatID: req.ChatID, Phone: d.Phone, FullName: d.Name,
		UnitID: unit.ID, Locale: req.lang, Status: cnsbot.RequestPending,
	}
	if err := r.Joins.CreateJoinRequest(ctx, jr); err != nil {
		return fmt.Errorf("create join request: %w", err)
	}
	if err := req.endConversation(ctx); err != nil {
		return err
	}
	path, err := r.unitPath(ctx, unit.ID)
	if err != nil {
		return err
	}
	if err := req.edit(ctx, req.t("start.request_sent", "Unit", path), nil); err != nil {
		return err
	}
	if err := req.answer(ctx, ""); err != nil {
		return err
	}
	r.notifyAdmins(ctx, jr, unit, path)
	return nil
}

// notifyAdmins sends the join request to the admins of its unit. The request
// is already saved: a failed notice is logged, and the admins still see the
// request when they look.
func (r *Router) notifyAdmins(ctx context.Context, jr *cnsbot.JoinRequest, unit *cnsbot.Unit, path string) {
	admins, err := r.Members.FindAdminsForUnit(ctx, unit.ID)
	if err != nil {
		r.Logger.Error("find admins for join request", "join_request", jr.ID, "err", err)
		return
	}
	if len(admins) == 0 {
		r.Logger.Warn("no admin to approve join request", "join_request", jr.ID, "unit", unit.Code)
		return
	}
	for _, a := range admins {
		text, kb := r.joinNotice(r.memberLang(a), jr, path)
		if err := r.send(ctx, a.TelegramID, text, kb); err != nil {
			r.Logger.Warn("notify admin of join request", "join_request", jr.ID, "member_id", a.ID, "err", err)
		}
	}
}

// joinNotice is a join request as an admin sees it, with its two buttons.
func (r *Router) joinNotice(lang string, jr *cnsbot.JoinRequest, unitPath string) (string, models.ReplyMarkup) {
	t := func(key string) string { return r.Catalog.T(lang, key, nil) }
	kb := inlineKeyboard([]models.InlineKeyboardButton{
		button(t("join.approve_button"), Callback{Feature: "join", Action: "ok", ID: jr.ID}.String()),
		button(t("join.reject_button"), Callback{Feature: "join", Action: "no", ID: jr.ID}.String()),
	})
	return r.Catalog.T(lang, "join.admin_notice", map[string]any{"Name": jr.FullName, "Phone": jr.Phone, "Unit": unitPath}), kb
}

// maxPendingShown bounds /duyet: one message per request.
const maxPendingShown = 10

// pendingRequests is /duyet: the open join requests of the caller's scope,
// each with its buttons — also for requests filed before the admin
// registered, whom no notice reached.
func (r *Router) pendingRequests(ctx context.Context, req *request) error {
	if req.member.Role != cnsbot.RoleAdmin && req.member.Role != cnsbot.RoleLeader {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	jrs, err := r.Joins.FindPendingJoinRequests(ctx, req.member.UnitID, maxPendingShown)
	if err != nil {
		return fmt.Errorf("find pending join requests: %w", err)
	}
	if len(jrs) == 0 {
		return req.reply(ctx, req.t("join.pending_none"), nil)
	}
	if err := req.reply(ctx, req.t("join.pending_list", "Count", len(jrs)), nil); err != nil {
		return err
	}
	for _, jr := range jrs {
		path, err := r.unitPath(ctx, jr.UnitID)
		if err != nil {
			return err
		}
		text, kb := r.joinNotice(req.lang, jr, path)
		if err := req.reply(ctx, text, kb); err != nil {
			return err
		}
	}
	return nil
}

// decideJoin approves or rejects a join request from an admin's buttons.
func (r *Router) decideJoin(ctx context.Context, req *request, cb Callback) error {
	admin := req.member
	if admin.Role != cnsbot.RoleAdmin && admin.Role != cnsbot.RoleLeader {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	jr, err := r.Joins.FindJoinRequestByID(ctx, cb.ID)
	if cnsbot.IsNotFound(err) {
		return req.staleButton(ctx)
	} else if err != nil {
		return fmt.Errorf("find join request %d: %w", cb.ID, err)
	}
	within, err := r.Units.IsUnitWithin(ctx, jr.UnitID, admin.UnitID)
	if err != nil {
		return fmt.Errorf("check join request scope: %w", err)
	} else if !within {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	key, userKey := "join.approved_admin", "join.approved_user"
	if cb.Action == "ok" {
		_, err = r.Joins.ApproveJoinRequest(ctx, jr.ID, admin.ID, cnsbot.RoleMember)
	} else {
		key, userKey = "join.rejected_admin", "join.rejected_user"
		_, err = r.Joins.RejectJoinRequest(ctx, jr.ID, admin.ID)
	}
	if cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
		return req.answer(ctx, req.t("error.already_decided"))
	} else if err != nil {
		return fmt.Errorf("decide join request %d: %w", jr.ID, err)
	}
	if err := req.edit(ctx, req.t(key, "Name", jr.FullName, "Admin", admin.FullName), nil); err != nil {
		return err
	}
	if err := req.answer(ctx, ""); err != nil {
		return err
	}
	path, err := r.unitPath(ctx, jr.UnitID)
	if err != nil {
		return err
	}
	lang := locales.Normalize(jr.Locale)
	text := r.Catalog.T(lang, userKey, map[string]any{"Unit": path})
	if err := r.send(ctx, jr.ChatID, text, nil); err != nil {
		r.Logger.Warn("tell user of join decision", "join_request", jr.ID, "err", err)
	}
	return nil
}

// handleMyChatMember keeps a member's blocked status current: Telegram
// tells us when a user blocks or unblocks the bot.
func (r *Router) handleMyChatMember(ctx context.Context, u *Update) error {
	cm := u.MyChatMember
	if cm.Chat.Type != models.ChatTypePrivate {
		return nil
	}
	m, err := r.Members.FindMemberByTelegramID(ctx, cm.From.ID)
	if cnsbot.IsNotFound(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("find member by telegram id: %w", err)
	}
	status := cnsbot.StatusActive
	if cm.NewChatMember.Type == models.ChatMemberTypeBanned || cm.NewChatMember.Type == models.ChatMemberTypeLeft {
		status = cnsbot.StatusBlocked
	}
	if m.Status == status || m.Status == cnsbot.StatusLeft || m.Status == cnsbot.StatusPending {
		return nil
	}
	if _, err := r.Members.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{Status: &status}); err != nil {
		return fmt.Errorf("update member %d status: %w", m.ID, err)
	}
	return nil
}

func (req *request) sharePhoneKeyboard() models.ReplyMarkup {
	return &models.ReplyKeyboardMarkup{
		Keyboard:        [][]models.KeyboardButton{{{Text: req.t("start.share_phone_button"), RequestContact: true}}},
		ResizeKeyboard:  true,
		OneTimeKeyboard: true,
	}
}

func removeKeyboard() models.ReplyMarkup { return &models.ReplyKeyboardRemove{RemoveKeyboard: true} }
