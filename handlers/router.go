package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"cnsbot"
	"cnsbot/locales"

	"github.com/go-telegram/bot/models"
)

// Router decides what an update means — who sent it, in which state, which
// command or button — and hands it to the feature the table names.
type Router struct {
	*base
	registration *registration
	reports      *reports
	evidence     *evidence
	questions    *questions
	broadcasts   *broadcasts
	schedules    *schedules
}

// NewRouter builds every feature over d and registers them in the table,
// in the order /trogiup lists them within a section.
func NewRouter(d Deps) *Router {
	b := newBase(d)
	requests := &joinRequests{b}
	r := &Router{
		base:         b,
		registration: &registration{base: b, requests: requests},
		reports:      &reports{b},
		evidence:     &evidence{b},
		questions:    &questions{b},
		broadcasts:   &broadcasts{b},
		schedules:    &schedules{b},
	}
	for _, f := range [][]Feature{
		r.reports.features(), (&mine{b}).features(),
		(&indicators{b}).features(), (&progress{b}).features(), (&missing{base: b}).features(),
		(&exports{b}).features(), (&charts{b}).features(),
		r.broadcasts.features(), requests.features(), r.schedules.features(), (&status{b}).features(),
		r.registration.features(), (&help{b}).features(), (&cancel{b}).features(), (&language{b}).features(),
		r.questions.features(),
		d.Extra,
	} {
		b.table.add(f...)
	}
	return r
}

// Handle is the handler the bot pipeline calls for every update.
func (r *Router) Handle(ctx context.Context, u *Update) error {
	from := u.From()
	if from == nil || from.IsBot {
		return nil
	}
	if u.MyChatMember != nil {
		return r.registration.chatMember(ctx, u)
	}
	if u.Update.Message == nil && u.CallbackQuery == nil {
		return nil // edited messages and the rest carry nothing to act on
	}
	req, err := r.newRequest(ctx, u, from)
	if err != nil {
		return err
	}
	if u.CallbackQuery != nil {
		return r.handleCallback(ctx, req)
	}
	return r.handleMessage(ctx, req)
}

// newRequest finds who sent the update and in which language to answer.
func (r *Router) newRequest(ctx context.Context, u *Update, from *models.User) (*Request, error) {
	req := &Request{Update: u, b: r.base, lang: locales.Normalize(r.DefaultLocale)}
	if from.LanguageCode != "" {
		req.lang = locales.Normalize(from.LanguageCode)
	}
	m, err := r.Members.FindMemberByTelegramID(ctx, from.ID)
	if err != nil && !cnsbot.IsNotFound(err) {
		return nil, fmt.Errorf("find member by telegram id: %w", err)
	}
	if m != nil && m.Status != cnsbot.StatusLeft {
		req.member = m
		if m.Locale != "" {
			req.lang = locales.Normalize(m.Locale)
		}
		if m.Status == cnsbot.StatusBlocked {
			// They wrote to us, so they unblocked the bot.
			active := cnsbot.StatusActive
			if req.member, err = r.Members.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{Status: &active}); err != nil {
				return nil, fmt.Errorf("mark member active: %w", err)
			}
		}
	}
	if info := cnsbot.RequestInfoFrom(ctx); info != nil {
		info.Locale = req.lang
		if req.member != nil {
			info.MemberID = req.member.ID
		}
	}
	return req, nil
}

func (r *Router) handleMessage(ctx context.Context, req *Request) error {
	msg := req.Update.Message
	if !req.Private && req.Command == "" {
		// In groups the bot acts on commands only; data entry is private.
		return nil
	}
	if r.MaxTextLength > 0 && utf8.RuneCountInString(msg.Text) > r.MaxTextLength {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.too_long", "Max", r.MaxTextLength)
	}
	if fileSize(msg) > MaxFileSize {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.file_too_large", "Max", MaxFileSize>>20)
	}
	f := r.table.command(req.Command)
	if f != nil && f.Public {
		// /start and /huy start afresh, registered or not.
		if err := r.table.check(req, f); err != nil {
			return err
		}
		return f.Command(ctx, req)
	}
	if !(f != nil && f.Stateless && req.member != nil && strings.TrimSpace(req.Args) != "") {
		expired, err := req.loadConversation(ctx)
		// A command, a shared phone or a photo starts afresh instead of
		// continuing a flow, so it runs without the store while Redis is down; one
		// that must save a flow gets EUNAVAILABLE at its save, before it
		// answers. Plain text may belong to a flow: it waits for Redis.
		standalone := req.Command != "" || msg.Contact != nil || len(msg.Photo) > 0
		if err != nil && !(standalone && cnsbot.ErrorCode(err) == cnsbot.EUNAVAILABLE) {
			return err
		} else if expired && req.Command == "" {
			return nil // the notice is the answer; the text belonged to the old draft
		}
	}
	if req.member == nil {
		return r.registration.unregistered(ctx, req, msg)
	}
	if req.Command != "" {
		if f == nil {
			return req.Reply(ctx, req.T("command.unknown", "Command", "/"+req.Command), nil)
		}
		if err := r.table.check(req, f); err != nil {
			return err
		}
		return f.Command(ctx, req)
	}
	return r.handleText(ctx, req, msg)
}

// handleText routes what is not a command: a shared contact, a photo, the
// next step of a flow, or free text — a report from a team, a question
// from anyone else.
func (r *Router) handleText(ctx context.Context, req *Request, msg *models.Message) error {
	switch {
	case msg.Contact != nil:
		return r.registration.contact(ctx, req)
	case len(msg.Photo) > 0:
		return r.evidence.attach(ctx, req, msg)
	}
	if f := r.table.flow(req.conv); f != nil {
		if err := r.table.check(req, f); err != nil {
			return err
		}
		return f.Continue(ctx, req, msg.Text)
	}
	switch {
	case strings.TrimSpace(msg.Text) == "":
		return req.Reply(ctx, req.T("text.not_understood"), nil)
	case req.member.TeamID == 0:
		// Leaders and admins report nothing: their free text is a question.
		return r.questions.question(ctx, req, msg.Text)
	}
	return r.reports.freeText(ctx, req, msg.Text)
}

func (r *Router) handleCallback(ctx context.Context, req *Request) error {
	if !pressedByRecipient(req.CallbackQuery) {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.not_your_button")
	}
	cb, err := ParseCallback(req.CallbackQuery.Data)
	if err != nil {
		return err
	}
	f := r.table.button(cb)
	if f == nil {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.stale_button")
	}
	if err := r.table.check(req, f); err != nil {
		return err
	}
	return f.Button(ctx, req, cb)
}

// RunSchedule builds the audience of one slot and queues its messages,
// keyed by key ("" for a cron slot). It implements the scheduler's Runner.
func (r *Router) RunSchedule(ctx context.Context, s *cnsbot.Schedule, slot time.Time, key string) (batchID int64, recipients int, err error) {
	return r.schedules.run(ctx, s, slot, key)
}

// DeliveryReport tells the sender of a finished batch what happened. The
// outbox calls it once per batch.
func (r *Router) DeliveryReport(ctx context.Context, b *cnsbot.OutboxBatch) {
	r.broadcasts.deliveryReport(ctx, b)
}

// MaxFileSize is the largest document or photo the bot accepts: the Bot API
// lets a bot download files up to 20 MB, so a larger one could never be read.
const MaxFileSize = 20 << 20

// fileSize is the size in bytes Telegram gives for the message's document or
// its largest photo; 0 when it carries neither or the size is unknown.
func fileSize(msg *models.Message) int64 {
	var n int64
	if msg.Document != nil {
		n = msg.Document.FileSize
	}
	for _, p := range msg.Photo {
		n = max(n, int64(p.FileSize))
	}
	return n
}
