package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"cnsbot"
	"cnsbot/handlers"
	"cnsbot/locales"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Locker serialises one user's updates across bot processes.
type Locker interface {
	Lock(ctx context.Context, k cnsbot.ConversationKey, ttl time.Duration) (unlock func(), err error)
}

// Replier is what the pipeline sends on its own: the answer to an error,
// as a message or a button's notice. *tgbot.Bot has these methods.
type Replier interface {
	SendMessage(ctx context.Context, params *tgbot.SendMessageParams) (*models.Message, error)
	AnswerCallbackQuery(ctx context.Context, params *tgbot.AnswerCallbackQueryParams) (bool, error)
}

// Pipeline handles one update end to end. It is shared by the Telegram
// dispatcher, the webhook and the terminal shell.
type Pipeline struct {
	Handler func(ctx context.Context, u *handlers.Update) error
	// Updates marks each update done once handled (the intake in polling
	// mode, the claims in webhook mode); nil: nothing to mark (the shell).
	// Duplicates never reach the pipeline: the intake and the claims drop
	// them before the dispatcher.
	Updates cnsbot.UpdateFinisher
	// Locks serialises a user's updates across processes (webhook
	// replicas); nil where one process is the design (polling).
	Locks         Locker
	Catalog       *locales.Catalog
	Sender        Replier
	Logger        *slog.Logger
	Flood         *FloodLimiter // nil: no flood limit
	BotUsername   string
	DefaultLocale string
	// Timeout bounds one update's handling so that a stuck dependency
	// cannot hold a chat's queue forever.
	Timeout time.Duration
	// Token is redacted from anything logged.
	Token string
	// OnHandled, when set, is called after each update is handled and
	// marked done, with how long its handling took (tests, /healthz).
	OnHandled func(updateID int64, took time.Duration, err error)
	// Observe, when set, is told each update's type, outcome (ok, invalid,
	// forbidden, unavailable, internal, duplicate, flood) and handling
	// time (metrics).
	Observe func(kind, outcome string, took time.Duration)
}

// Handle runs one update through recover, flood limit, lock, the handler
// and error rendering, then marks it done. It never panics and never
// returns an error: what goes wrong is logged and, where it makes sense,
// told to the user.
func (p *Pipeline) Handle(ctx context.Context, upd *models.Update) {
	start := time.Now()
	u := p.parse(upd)
	info := &cnsbot.RequestInfo{UpdateID: upd.ID, ChatID: u.ChatID, UserID: u.UserID}
	ctx = cnsbot.WithRequestInfo(ctx, info)
	if p.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.Timeout)
		defer cancel()
	}
	outcome, err := p.handle(ctx, u)
	if err != nil {
		p.renderError(ctx, u, info, err)
		outcome = outcomeOf(err)
	}
	p.finish(ctx, u.ID)
	took := time.Since(start)
	if p.Observe != nil {
		p.Observe(updateKind(upd), outcome, took)
	}
	if p.OnHandled != nil {
		p.OnHandled(upd.ID, took, err)
	}
}

// finish marks the update done: from now on a redelivery or a replay of it
// is a duplicate. Until then a crash makes it handled again (the handlers
// are safe to run twice); a failure here only means that.
func (p *Pipeline) finish(ctx context.Context, id int64) {
	if p.Updates == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := p.Updates.FinishUpdate(ctx, id); err != nil {
		p.logger().Warn("mark update done", cnsbot.LogUpdateID, id, cnsbot.LogError, p.redact(err))
	}
}

// outcomeOf names an error's outcome for metrics.
func outcomeOf(err error) string {
	switch cnsbot.ErrorCode(err) {
	case cnsbot.EINVALID, cnsbot.ENOTFOUND, cnsbot.ECONFLICT, cnsbot.ENOTREADY:
		return "invalid"
	case cnsbot.EFORBIDDEN:
		return "forbidden"
	case cnsbot.EUNAVAILABLE:
		return "unavailable"
	}
	return "internal"
}

// updateKind names an update's type for metrics.
func updateKind(upd *models.Update) string {
	switch {
	case upd.Message != nil:
		return "message"
	case upd.CallbackQuery != nil:
		return "callback_query"
	case upd.MyChatMember != nil:
		return "my_chat_member"
	case upd.EditedMessage != nil:
		return "edited_message"
	}
	return "other"
}

// handle runs the middlewares and the handler; outcome names what happened
// when there is no error (ok, flood).
func (p *Pipeline) handle(ctx context.Context, u *handlers.Update) (outcome string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	if p.Flood != nil && u.UserID != 0 {
		switch p.Flood.Allow(u.UserID) {
		case FloodWarn:
			return "", cnsbot.Errorf(cnsbot.EINVALID, "flood.warning")
		case FloodDrop:
			return "flood", nil
		}
	}
	if p.Locks != nil && u.UserID != 0 {
		unlock, err := p.Locks.Lock(ctx, cnsbot.ConversationKey{ChatID: u.ChatID, UserID: u.UserID}, lockTTL)
		if cnsbot.ErrorCode(err) == cnsbot.EUNAVAILABLE {
			// Without the shared store the lock cannot be taken; the
			// per-chat queue still orders this process's updates, and the
			// handler answers for itself what needs the store.
			p.logger().Warn("user lock unavailable", cnsbot.LogUpdateID, u.ID, cnsbot.LogError, p.redact(err))
		} else if err != nil {
			return "", fmt.Errorf("lock user: %w", err)
		} else {
			defer unlock()
		}
	}
	return "ok", p.Handler(ctx, u)
}

// lockTTL bounds how long a crashed process can hold a user's lock.
const lockTTL = 2 * time.Minute

// parse fills the Update the handlers see.
func (p *Pipeline) parse(upd *models.Update) *handlers.Update { return ParseUpdate(upd, p.BotUsername) }

// ParseUpdate fills the Update the handlers see: sender, chat, whether it
// is private, and the command addressed to botUsername.
func ParseUpdate(upd *models.Update, botUsername string) *handlers.Update {
	u := &handlers.Update{Update: upd}
	if from := u.From(); from != nil {
		u.UserID = from.ID
	}
	switch {
	case upd.Message != nil:
		u.ChatID = upd.Message.Chat.ID
		u.Private = upd.Message.Chat.Type == models.ChatTypePrivate
		if cmd, ok := ParseCommand(upd.Message, botUsername); ok {
			u.Command, u.Args = cmd.Name, cmd.Args
		}
	case upd.CallbackQuery != nil:
		if m := upd.CallbackQuery.Message.Message; m != nil {
			u.ChatID = m.Chat.ID
			u.Private = m.Chat.Type == models.ChatTypePrivate
		} else if upd.CallbackQuery.Message.InaccessibleMessage != nil {
			u.ChatID = upd.CallbackQuery.Message.InaccessibleMessage.Chat.ID
		}
	case upd.MyChatMember != nil:
		u.ChatID = upd.MyChatMember.Chat.ID
		u.Private = upd.MyChatMember.Chat.Type == models.ChatTypePrivate
	case upd.EditedMessage != nil:
		u.ChatID = upd.EditedMessage.Chat.ID
	}
	if u.ChatID == 0 {
		u.ChatID = u.UserID
	}
	return u
}

// renderError tells the user what went wrong, once, in their locale, and
// logs internal errors with the update's attributes.
func (p *Pipeline) renderError(ctx context.Context, u *handlers.Update, info *cnsbot.RequestInfo, err error) {
	code := cnsbot.ErrorCode(err)
	lang := info.Locale
	if lang == "" {
		if from := u.From(); from != nil && from.LanguageCode != "" {
			lang = locales.Normalize(from.LanguageCode)
		} else {
			lang = p.DefaultLocale
		}
	}
	key, args := cnsbot.ErrorKey(err), cnsbot.ErrorArgs(err)
	if code == cnsbot.EINTERNAL {
		key, args = "error.internal", nil
		p.logger().Error("handle update", cnsbot.LogUpdateID, u.ID, cnsbot.LogChatID, u.ChatID, cnsbot.LogUserID, u.UserID, cnsbot.LogError, p.redact(err))
	} else {
		p.logger().Debug("handle update", cnsbot.LogUpdateID, u.ID, cnsbot.LogChatID, u.ChatID, cnsbot.LogCode, code, cnsbot.LogKey, key)
	}
	if p.Sender == nil {
		return
	}
	text := p.Catalog.T(lang, key, args)
	// The handler's context may have run out; the apology still goes out.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var sendErr error
	if cq := u.CallbackQuery; cq != nil {
		_, sendErr = p.Sender.AnswerCallbackQuery(sendCtx, &tgbot.AnswerCallbackQueryParams{
			CallbackQueryID: cq.ID, Text: locales.PlainText(text), ShowAlert: code != cnsbot.EINVALID,
		})
	} else if u.ChatID != 0 && u.MyChatMember == nil {
		_, sendErr = p.Sender.SendMessage(sendCtx, &tgbot.SendMessageParams{
			ChatID: u.ChatID, Text: text, ParseMode: models.ParseModeHTML,
		})
	}
	if sendErr != nil {
		p.logger().Warn("send error reply", cnsbot.LogUpdateID, u.ID, cnsbot.LogChatID, u.ChatID, cnsbot.LogError, p.redact(sendErr))
	}
}

// redact returns err's text without the bot token: the library's errors
// carry request URLs, and those carry the token.
func (p *Pipeline) redact(err error) string { return Redact(err, p.Token) }

// Redact returns err's text with every occurrence of token replaced.
func Redact(err error, token string) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if token != "" {
		s = strings.ReplaceAll(s, token, "<token>")
	}
	return s
}

func (p *Pipeline) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.Default()
	}
	return p.Logger
}

// FallbackUpdateLog claims updates in Primary — Redis, shared by every bot
// process and with no database write per update — and in Fallback (SQLite)
// while Primary is unavailable, so claims hold through a Redis outage too.
type FallbackUpdateLog struct {
	Primary, Fallback cnsbot.UpdateLog
}

// ClaimUpdate implements cnsbot.UpdateLog.
func (f FallbackUpdateLog) ClaimUpdate(ctx context.Context, updateID int64) (cnsbot.UpdateClaim, error) {
	claim, err := f.Primary.ClaimUpdate(ctx, updateID)
	if cnsbot.ErrorCode(err) == cnsbot.EUNAVAILABLE {
		return f.Fallback.ClaimUpdate(ctx, updateID)
	}
	return claim, err
}

// FinishUpdate implements cnsbot.UpdateFinisher.
func (f FallbackUpdateLog) FinishUpdate(ctx context.Context, updateID int64) error {
	err := f.Primary.FinishUpdate(ctx, updateID)
	if cnsbot.ErrorCode(err) == cnsbot.EUNAVAILABLE {
		return f.Fallback.FinishUpdate(ctx, updateID)
	}
	return err
}

// Renew renews the leases both hold.
func (f FallbackUpdateLog) Renew(ctx context.Context) error {
	return errors.Join(renew(ctx, f.Primary), renew(ctx, f.Fallback))
}

// PruneUpdates prunes the fallback's finished updates (Redis forgets its
// own by their TTL).
func (f FallbackUpdateLog) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	if p, ok := f.Fallback.(pruner); ok {
		return p.PruneUpdates(ctx, before)
	}
	return 0, nil
}
