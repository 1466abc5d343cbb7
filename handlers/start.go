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

// registration: /start by phone, by invite code or by join request, and
// Telegram's news that a member blocked or unblocked the bot.
type registration struct {
	*base
	requests *joinRequests
}

func (f *registration) features() []Feature {
	return []Feature{{Name: "start", Public: true, Help: "help.cmd_start", Section: HelpBasics, Command: f.start,
		Prefix: prefixJoin, Actions: []string{"unit", "pg", "none"}, Button: f.joinButton}}
}

// joinDraft is what an unknown person told us so far.
type joinDraft struct {
	Phone string `json:"phone"`
	Name  string `json:"name,omitempty"`
	Query string `json:"q,omitempty"` // the unit search whose pages the buttons turn
}

// start handles /start: a registered user's profile, a deep-link invite
// code, or the invitation to share one's phone.
func (f *registration) start(ctx context.Context, req *Request) error {
	if req.member != nil {
		if code := strings.TrimSpace(req.Args); code != "" && code == req.member.InviteCode {
			// Their own code, already bound to them: the registration
			// handled again after a crash answers as the first time.
			return f.registered(ctx, req, req.member)
		}
		return f.profile(ctx, req)
	}
	if code := strings.TrimSpace(req.Args); code != "" {
		m, err := f.Members.FindMemberByInviteCode(ctx, code)
		if cnsbot.IsNotFound(err) || err == nil && m.TelegramID != 0 && m.TelegramID != req.UserID {
			return req.Reply(ctx, req.T("start.invite_invalid"), req.sharePhoneKeyboard())
		} else if err != nil {
			return fmt.Errorf("find member by invite code: %w", err)
		}
		return f.register(ctx, req, m)
	}
	if pending, err := f.hasPendingRequest(ctx, req); err != nil || pending {
		return err
	}
	return req.Reply(ctx, req.T("start.welcome"), req.sharePhoneKeyboard())
}

// unregistered answers anything an unregistered user sends: the registration
// flow, and nothing else.
func (f *registration) unregistered(ctx context.Context, req *Request, msg *models.Message) error {
	if msg.Contact != nil {
		return f.contact(ctx, req)
	}
	if req.conv != nil && req.conv.Flow == flowJoin && req.Command == "" {
		switch req.conv.Step {
		case stepJoinName:
			return f.joinName(ctx, req, msg.Text)
		case stepJoinUnit:
			return f.joinUnit(ctx, req, msg.Text)
		}
	}
	if pending, err := f.hasPendingRequest(ctx, req); err != nil || pending {
		return err
	}
	return req.Reply(ctx, req.T("start.need_registration"), req.sharePhoneKeyboard())
}

// hasPendingRequest tells the user their join request waits, if they have one.
func (f *registration) hasPendingRequest(ctx context.Context, req *Request) (bool, error) {
	_, err := f.Joins.FindPendingJoinRequest(ctx, req.UserID)
	if cnsbot.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("find pending join request: %w", err)
	}
	return true, req.Reply(ctx, req.T("start.request_pending"), nil)
}

// contact handles a shared contact: only the sender's own phone counts.
func (f *registration) contact(ctx context.Context, req *Request) error {
	c := req.Update.Message.Contact
	if req.member != nil {
		if c.UserID == req.UserID && cnsbot.NormalizePhone(c.PhoneNumber) == req.member.Phone {
			// Their own phone, already bound to them: the registration
			// handled again after a crash answers as the first time.
			return f.registered(ctx, req, req.member)
		}
		return f.profile(ctx, req)
	}
	if c.UserID != req.UserID {
		return req.Reply(ctx, req.T("start.not_own_contact"), req.sharePhoneKeyboard())
	}
	phone := cnsbot.NormalizePhone(c.PhoneNumber)
	if phone == "" {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid_phone", "Phone", c.PhoneNumber)
	}
	m, err := f.Members.FindMemberByPhone(ctx, phone)
	if err == nil {
		if m.TelegramID != 0 && m.TelegramID != req.UserID {
			return req.Reply(ctx, req.T("start.phone_taken"), removeKeyboard())
		}
		return f.register(ctx, req, m)
	} else if !cnsbot.IsNotFound(err) {
		return fmt.Errorf("find member by phone: %w", err)
	}
	if pending, err := f.hasPendingRequest(ctx, req); err != nil || pending {
		return err
	}
	draft, _ := json.Marshal(joinDraft{Phone: phone})
	if err := req.saveConversation(ctx, &cnsbot.Conversation{Flow: flowJoin, Step: stepJoinName, Draft: draft}); err != nil {
		return err
	}
	return req.Reply(ctx, req.T("start.unknown_phone", "Phone", phone), removeKeyboard())
}

// register links the roster entry m to the sender's Telegram account.
func (f *registration) register(ctx context.Context, req *Request, m *cnsbot.Member) error {
	tgID, active := req.UserID, cnsbot.StatusActive
	upd := cnsbot.MemberUpdate{TelegramID: &tgID, Status: &active}
	if m.Locale == "" {
		upd.Locale = &req.lang
	}
	id := m.ID
	m, err := f.Members.UpdateMember(ctx, id, upd)
	if cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
		return req.Reply(ctx, req.T("start.phone_taken"), removeKeyboard())
	} else if err != nil {
		return fmt.Errorf("register member %d: %w", id, err)
	}
	lang := req.lang
	if m.Locale != "" {
		lang = locales.Normalize(m.Locale)
	}
	req.setMember(ctx, m, lang)
	return f.registered(ctx, req, m)
}

// registered ends the registration: the welcome and the member's menu.
func (f *registration) registered(ctx context.Context, req *Request, m *cnsbot.Member) error {
	if req.conv != nil {
		if err := req.endConversation(ctx); err != nil {
			return err
		}
	}
	unit, team, err := f.unitAndTeam(ctx, m)
	if err != nil {
		return err
	}
	if err := req.Reply(ctx, req.T("start.registered", "Name", m.FullName, "Role", req.roleName(m.Role),
		"Unit", unit, "Team", team), removeKeyboard()); err != nil {
		return err
	}
	f.updateChatMenu(ctx, m)
	return nil
}

// profile shows a registered user who they are on the roster.
func (f *registration) profile(ctx context.Context, req *Request) error {
	m := req.member
	unit, team, err := f.unitAndTeam(ctx, m)
	if err != nil {
		return err
	}
	return req.Reply(ctx, req.T("start.profile", "Name", m.FullName, "Phone", m.Phone, "Role", req.roleName(m.Role),
		"Unit", unit, "Team", team, "Language", req.T("lang.name_"+req.lang)), removeKeyboard())
}

// joinName takes the full name of a person not on the roster.
func (f *registration) joinName(ctx context.Context, req *Request, text string) error {
	name := strings.Join(strings.Fields(text), " ")
	var d joinDraft
	if err := json.Unmarshal(req.conv.Draft, &d); err != nil {
		return fmt.Errorf("decode join draft: %w", err)
	}
	if !plausibleName(name) {
		return req.Reply(ctx, req.T("start.unknown_phone", "Phone", d.Phone), nil)
	}
	d.Name = name
	draft, _ := json.Marshal(d)
	req.conv.Step, req.conv.Draft = stepJoinUnit, draft
	if err := req.saveConversation(ctx, req.conv); err != nil {
		return err
	}
	return req.Reply(ctx, req.T("start.ask_unit"), nil)
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

// maxUnitChoices is how many matching units one page of buttons offers.
const maxUnitChoices = 8

// joinUnit searches the unit the person says they belong to and shows the
// first page of what it found.
func (f *registration) joinUnit(ctx context.Context, req *Request, text string) error {
	query := strings.Join(strings.Fields(text), " ")
	units, err := f.units.search(ctx, f.Units, query, 0)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return req.Reply(ctx, req.T("start.unit_none", "Query", query), nil)
	}
	var d joinDraft
	if err := json.Unmarshal(req.conv.Draft, &d); err != nil {
		return fmt.Errorf("decode join draft: %w", err)
	}
	d.Query = query
	req.conv.Draft, _ = json.Marshal(d)
	// Re-save so the buttons carry the version they were drawn for.
	if err := req.saveConversation(ctx, req.conv); err != nil {
		return err
	}
	text, kb := f.unitPage(req, query, units, 0)
	return req.Reply(ctx, text, kb)
}

// unitPage is one page of the units found, a button each, with buttons to
// turn the page and one for "my unit is not in the list".
func (f *registration) unitPage(req *Request, query string, units []unitMatch, page int) (string, models.ReplyMarkup) {
	pages := (len(units) + maxUnitChoices - 1) / maxUnitChoices
	page = min(max(page, 0), pages-1)
	v := req.conv.Version
	var rows [][]models.InlineKeyboardButton
	for _, u := range units[page*maxUnitChoices : min((page+1)*maxUnitChoices, len(units))] {
		cb := Callback{Feature: prefixJoin, Action: "unit", ID: u.unit.ID, Version: v}
		rows = append(rows, []models.InlineKeyboardButton{button(u.label, cb.String())})
	}
	var nav []models.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, button(req.T("start.unit_prev_button"), Callback{Feature: prefixJoin, Action: "pg", ID: int64(page - 1), Version: v}.String()))
	}
	if page < pages-1 {
		nav = append(nav, button(req.T("start.unit_next_button"), Callback{Feature: prefixJoin, Action: "pg", ID: int64(page + 1), Version: v}.String()))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, []models.InlineKeyboardButton{
		button(req.T("start.unit_not_listed_button"), Callback{Feature: prefixJoin, Action: "none", Version: v}.String()),
	})
	text := req.T("start.unit_choices", "Query", query)
	if pages > 1 {
		text += "\n" + req.T("start.unit_page", "Page", page+1, "Pages", pages, "Count", len(units))
	}
	return text, inlineKeyboard(rows...)
}

// joinButton handles the buttons under the units found: a unit, a page,
// or "not in the list".
func (f *registration) joinButton(ctx context.Context, req *Request, cb Callback) error {
	if req.member != nil {
		return req.staleButton(ctx)
	}
	c, ok, err := req.currentFlow(ctx, flowJoin, cb.Version)
	if err != nil {
		return err
	} else if !ok && cb.Action == "unit" {
		// The press handled again after a crash that ended the flow: the
		// request it filed goes out and is answered as the first time.
		return f.resumeRequest(ctx, req, cb.ID)
	} else if !ok || c.Step != stepJoinUnit {
		return req.staleButton(ctx)
	}
	var d joinDraft
	if err := json.Unmarshal(c.Draft, &d); err != nil {
		return fmt.Errorf("decode join draft: %w", err)
	}
	switch cb.Action {
	case "pg":
		units, err := f.units.search(ctx, f.Units, d.Query, 0)
		if err != nil {
			return err
		} else if len(units) == 0 {
			return req.staleButton(ctx)
		}
		text, kb := f.unitPage(req, d.Query, units, int(cb.ID))
		return req.show(ctx, true, text, kb)
	case "none":
		// The step stays: what they type next is searched again.
		return req.show(ctx, true, req.T("start.unit_not_listed"), nil)
	}
	return f.chooseUnit(ctx, req, cb, d)
}

// chooseUnit files the join request for the chosen unit and sends it up
// the tree to whoever can approve it.
func (f *registration) chooseUnit(ctx context.Context, req *Request, cb Callback, d joinDraft) error {
	unit, err := f.Units.FindUnitByID(ctx, cb.ID)
	if cnsbot.IsNotFound(err) {
		return req.staleButton(ctx)
	} else if err != nil {
		return fmt.Errorf("find unit %d: %w", cb.ID, err)
	}
	jr := &cnsbot.JoinRequest{
		TelegramID: req.UserID, ChatID: req.ChatID, Phone: d.Phone, FullName: d.Name,
		UnitID: unit.ID, Locale: req.lang, Status: cnsbot.RequestPending,
	}
	if err := f.Joins.CreateJoinRequest(ctx, jr); cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
		// Filed before this press was cut off by a crash: the pending one.
		if jr, err = f.Joins.FindPendingJoinRequest(ctx, req.UserID); err != nil {
			return fmt.Errorf("find pending join request: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("create join request: %w", err)
	}
	path, err := f.unitPath(ctx, unit.ID)
	if err != nil {
		return err
	}
	// The flow ends after the notices and the answer: a crash before that
	// leaves it, and the press handled again sends them (an admin may get a
	// second copy of a notice the first run sent; none is lost).
	sent, err := f.requests.notify(ctx, jr, unit, path)
	if err != nil {
		return err
	}
	key := "start.request_sent"
	if !sent {
		key = "start.request_nobody"
	}
	if err := req.show(ctx, true, req.T(key, "Unit", path), nil); err != nil {
		return err
	}
	return req.endConversation(ctx)
}

// resumeRequest answers a unit button whose flow is gone with the
// sender's pending request for that unit: a second tap, or the press
// handled again after a crash that came after everything but the done
// mark. The admins were told already; a stale button when there is none.
func (f *registration) resumeRequest(ctx context.Context, req *Request, unitID int64) error {
	jr, err := f.Joins.FindPendingJoinRequest(ctx, req.UserID)
	if cnsbot.IsNotFound(err) || err == nil && jr.UnitID != unitID {
		return req.staleButton(ctx)
	} else if err != nil {
		return fmt.Errorf("find pending join request: %w", err)
	}
	path, err := f.unitPath(ctx, unitID)
	if err != nil {
		return err
	}
	return req.show(ctx, true, req.T("start.request_sent", "Unit", path), nil)
}

// chatMember keeps a member's blocked status current: Telegram
// tells us when a user blocks or unblocks the bot.
func (f *registration) chatMember(ctx context.Context, u *Update) error {
	cm := u.MyChatMember
	if cm.Chat.Type != models.ChatTypePrivate {
		return nil
	}
	m, err := f.Members.FindMemberByTelegramID(ctx, cm.From.ID)
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
	if _, err := f.Members.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{Status: &status}); err != nil {
		return fmt.Errorf("update member %d status: %w", m.ID, err)
	}
	return nil
}

func (req *Request) sharePhoneKeyboard() models.ReplyMarkup {
	return &models.ReplyKeyboardMarkup{
		Keyboard:        [][]models.KeyboardButton{{{Text: req.T("start.share_phone_button"), RequestContact: true}}},
		ResizeKeyboard:  true,
		OneTimeKeyboard: true,
	}
}
