package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"cnsbot"
	"cnsbot/ask"
	"cnsbot/locales"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Services are the domain services the handlers use.
type Services struct {
	Members       cnsbot.MemberService
	Units         cnsbot.UnitService
	Teams         cnsbot.TeamService
	Joins         cnsbot.JoinRequestService
	Conversations cnsbot.ConversationStore
	Indicators    cnsbot.IndicatorService
	Reports       cnsbot.ReportService
	Targets       cnsbot.TargetService
	Figures       cnsbot.FigureService
	Outbox        cnsbot.OutboxService
	Schedules     cnsbot.ScheduleService
}

// Router decides what an update means — who sent it, in which state, which
// command — and calls the feature that handles it.
type Router struct {
	Services
	Catalog *locales.Catalog
	Sender  Sender
	Logger  *slog.Logger
	Now     cnsbot.Clock
	// ConversationTTL is how long an unfinished flow waits for the user.
	ConversationTTL time.Duration
	DefaultLocale   string
	BotUsername     string
	// MaxTextLength refuses longer texts politely (limits.max_text_length).
	MaxTextLength int
	// Location is the time zone of report dates (Asia/Ho_Chi_Minh).
	Location *time.Location
	// EditWindow is how long a report can be corrected or revoked, and how
	// many days back one may be dated (conversation.edit_window).
	EditWindow time.Duration
	// UndoWindow is how long the receipt's undo button works.
	UndoWindow time.Duration
	// Thresholds place a completion in a status (figures.behind_percent).
	Thresholds cnsbot.Thresholds
	// AdminMonth makes "tháng" the administrative month, 15th to 14th.
	AdminMonth bool
	// OutboxNotify wakes the outbox after a batch was queued.
	OutboxNotify func()
	// Scheduler runs, reloads and lists schedules for /lichnhac.
	Scheduler Scheduler
	// Status describes the process for /trangthai.
	Status *StatusInfo

	units      unitIndex
	activities activitySet
	remind     reminded
	asker      askSet
}

// NewRouter returns a router over the services.
func NewRouter(svc Services, catalog *locales.Catalog) *Router {
	return &Router{
		Services: svc, Catalog: catalog, Logger: slog.Default(), Now: time.Now,
		ConversationTTL: 30 * time.Minute, DefaultLocale: "vi", MaxTextLength: 4096,
		Location: defaultLocation(), EditWindow: 7 * 24 * time.Hour, UndoWindow: 10 * time.Minute,
		Thresholds: cnsbot.DefaultThresholds(),
	}
}

// request is one update being handled, with what the router learned of it.
type request struct {
	*Update
	r      *Router
	member *cnsbot.Member // nil when the sender is not registered
	lang   string
	conv   *cnsbot.Conversation // the sender's unfinished flow, nil when none
}

// Handle is the handler the bot pipeline calls for every update.
func (r *Router) Handle(ctx context.Context, u *Update) error {
	from := u.From()
	if from == nil || from.IsBot {
		return nil
	}
	if u.MyChatMember != nil {
		return r.handleMyChatMember(ctx, u)
	}
	if u.Update.Message == nil && u.CallbackQuery == nil {
		return nil // edited messages and the rest carry nothing to act on
	}
	req := &request{Update: u, r: r, lang: locales.Normalize(r.DefaultLocale)}
	if from.LanguageCode != "" {
		req.lang = locales.Normalize(from.LanguageCode)
	}
	m, err := r.Members.FindMemberByTelegramID(ctx, from.ID)
	if err != nil && !cnsbot.IsNotFound(err) {
		return fmt.Errorf("find member by telegram id: %w", err)
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
				return fmt.Errorf("mark member active: %w", err)
			}
		}
	}
	if info := cnsbot.RequestInfoFrom(ctx); info != nil {
		info.Locale = req.lang
		if req.member != nil {
			info.MemberID = req.member.ID
		}
	}
	if u.CallbackQuery != nil {
		return r.handleCallback(ctx, req)
	}
	return r.handleMessage(ctx, req)
}

func (r *Router) handleMessage(ctx context.Context, req *request) error {
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
	if req.Command != "" {
		switch req.Command {
		case "huy", "cancel":
			return r.cancel(ctx, req)
		case "start":
			return r.start(ctx, req)
		}
	}
	// The quick form is stateless: it skips the conversation store, a round
	// trip on the busiest path.
	quick := req.member != nil && strings.TrimSpace(req.Args) != "" && isReportCommand(req.Command)
	if !quick {
		expired, err := r.loadConversation(ctx, req)
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
		return r.unregistered(ctx, req, msg)
	}
	switch req.Command {
	case "":
	case "trogiup", "help":
		return r.help(ctx, req)
	case "ngonngu", "language", "lang":
		return r.language(ctx, req)
	case "baocao", "bc", "report":
		return r.reportCommand(ctx, req)
	case "cuatoi", "mine":
		return r.mine(ctx, req, 0, false)
	case "chitieu", "indicators":
		return r.chitieuCommand(ctx, req)
	case "tiendo", "progress":
		return r.figureCommand(ctx, req, ask.IntentProgress)
	case "chuabaocao", "missing":
		return r.figureCommand(ctx, req, ask.IntentMissing)
	case "xuat", "export":
		return r.figureCommand(ctx, req, ask.IntentExport)
	case "bieudo", "chart":
		return r.figureCommand(ctx, req, ask.IntentChart)
	case "thongbao", "broadcast":
		return r.broadcast(ctx, req)
	case "lichnhac", "schedules":
		return r.lichnhac(ctx, req, false)
	case "trangthai", "status":
		return r.status(ctx, req)
	case "duyet", "requests":
		return r.pendingRequests(ctx, req)
	default:
		return req.reply(ctx, req.t("command.unknown", "Command", "/"+req.Command), nil)
	}
	switch {
	case msg.Contact != nil:
		return r.contact(ctx, req)
	case len(msg.Photo) > 0:
		return r.evidence(ctx, req, msg)
	case req.conv != nil && req.conv.Flow == flowReport:
		return r.continueReport(ctx, req, msg.Text)
	case req.conv != nil && req.conv.Flow == flowFix:
		return r.continueFix(ctx, req, msg.Text)
	case req.conv != nil && req.conv.Flow == flowBroadcast && req.conv.Step == stepCompose:
		return r.broadcastText(ctx, req, msg.Text)
	case strings.TrimSpace(msg.Text) == "":
		return req.reply(ctx, req.t("text.not_understood"), nil)
	case req.member.TeamID == 0:
		// Leaders and admins report nothing: their free text is a question.
		return r.question(ctx, req, msg.Text)
	}
	return r.freeText(ctx, req, msg.Text)
}

// loadConversation reads the sender's unfinished flow. An expired one is
// removed and the user told why, once; expired says so.
func (r *Router) loadConversation(ctx context.Context, req *request) (expired bool, err error) {
	c, err := r.Conversations.GetConversation(ctx, req.convKey())
	if cnsbot.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("get conversation: %w", err)
	}
	if c.Expired(r.Now()) {
		if err := r.Conversations.DeleteConversation(ctx, req.convKey()); err != nil {
			return false, fmt.Errorf("delete expired conversation: %w", err)
		}
		minutes := int(r.ConversationTTL / time.Minute)
		return true, req.reply(ctx, req.t("draft.expired", "Minutes", minutes), nil)
	}
	req.conv = c
	return false, nil
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

// currentFlow loads the sender's conversation for a button drawn for flow at
// version; ok is false when the button is stale — the flow ended, moved on,
// expired, or belongs to another device's older screen.
func (r *Router) currentFlow(ctx context.Context, req *request, flow string, version int) (c *cnsbot.Conversation, ok bool, err error) {
	if _, err := r.loadConversation(ctx, req); err != nil {
		return nil, false, err
	}
	c = req.conv
	if c == nil || c.Flow != flow || c.Version != version {
		return nil, false, nil
	}
	return c, true, nil
}

// defaultLocation is Asia/Ho_Chi_Minh, or UTC+7 where no zone data exists.
func defaultLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*60*60)
}

func (req *request) convKey() cnsbot.ConversationKey {
	return cnsbot.ConversationKey{ChatID: req.ChatID, UserID: req.UserID}
}

// saveConversation stores the flow with a fresh TTL.
func (req *request) saveConversation(ctx context.Context, c *cnsbot.Conversation) error {
	if err := req.r.Conversations.SaveConversation(ctx, req.convKey(), c, req.r.ConversationTTL); err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	req.conv = c
	return nil
}

func (req *request) endConversation(ctx context.Context) error {
	if err := req.r.Conversations.DeleteConversation(ctx, req.convKey()); err != nil {
		return fmt.Errorf("delete conversation: %w", err)
	}
	req.conv = nil
	return nil
}

// cancelFromButton ends the flow from its Hủy button: the message that
// held the flow says it was cancelled.
func (req *request) cancelFromButton(ctx context.Context) error {
	if err := req.endConversation(ctx); err != nil {
		return err
	}
	if err := req.edit(ctx, req.t("cancel.done"), nil); err != nil {
		return err
	}
	return req.answer(ctx, "")
}

// t renders a locale text in the request's language; args are name, value pairs.
func (req *request) t(key string, args ...any) string {
	return req.r.Catalog.T(req.lang, key, argMap(args))
}

func argMap(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		m[name] = args[i+1]
	}
	return m
}

// reply sends text (HTML) to the request's chat.
func (req *request) reply(ctx context.Context, text string, markup models.ReplyMarkup) error {
	return req.r.send(ctx, req.ChatID, text, markup)
}

func (r *Router) send(ctx context.Context, chatID int64, text string, markup models.ReplyMarkup) error {
	_, err := r.Sender.SendMessage(ctx, &tgbot.SendMessageParams{
		ChatID: chatID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
	})
	if err != nil {
		return fmt.Errorf("send message: %w", err)
	}
	return nil
}

// edit replaces the text and buttons of the message a callback came from.
func (req *request) edit(ctx context.Context, text string, markup models.ReplyMarkup) error {
	msg := req.SourceMessage()
	if msg == nil {
		return req.reply(ctx, text, markup)
	}
	_, err := req.r.Sender.EditMessageText(ctx, &tgbot.EditMessageTextParams{
		ChatID: msg.Chat.ID, MessageID: msg.ID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
	})
	if err != nil && !isNotModified(err) {
		return fmt.Errorf("edit message: %w", err)
	}
	return nil
}

// answer acknowledges a callback query, optionally with a short notice.
func (req *request) answer(ctx context.Context, text string) error {
	if req.CallbackQuery == nil {
		return nil
	}
	_, err := req.r.Sender.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{
		CallbackQueryID: req.CallbackQuery.ID, Text: text,
	})
	if err != nil {
		return fmt.Errorf("answer callback: %w", err)
	}
	return nil
}

// roleName is the role in the request's language.
func (req *request) roleName(role cnsbot.Role) string { return req.t("role." + string(role)) }

// inlineKeyboard builds an inline keyboard of one button per row.
func inlineKeyboard(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func button(text, data string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: text, CallbackData: data}
}

// isReportCommand reports whether cmd is /baocao or one of its aliases.
func isReportCommand(cmd string) bool { return cmd == "baocao" || cmd == "bc" || cmd == "report" }
