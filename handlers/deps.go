package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"cnsbot"
	"cnsbot/locales"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Services are the domain services the features use.
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

// Settings are the knobs of the features, from the config.
type Settings struct {
	// ConversationTTL is how long an unfinished flow waits for the user.
	ConversationTTL time.Duration
	DefaultLocale   string
	// BotUsername is the bot's @name, for /cmd@Bot and "write to me" texts.
	BotUsername string
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
}

// DefaultSettings are the settings of an empty config.
func DefaultSettings() Settings {
	return Settings{
		ConversationTTL: 30 * time.Minute, DefaultLocale: "vi", MaxTextLength: 4096,
		Location: DefaultLocation(), EditWindow: 7 * 24 * time.Hour, UndoWindow: 10 * time.Minute,
		Thresholds: cnsbot.DefaultThresholds(),
	}
}

// Deps is everything the features share, given whole to NewRouter: nothing
// is assigned after construction. Zero fields take their defaults (Logger:
// slog's default, Now: time.Now, zero settings: DefaultSettings).
type Deps struct {
	Services
	Catalog  *locales.Catalog
	Sender   Sender
	Logger   *slog.Logger
	Now      cnsbot.Clock
	Settings Settings
	// OutboxNotify wakes the outbox after a batch was queued; nil: it finds
	// the batch on its next poll.
	OutboxNotify func()
	// Scheduler runs, reloads and lists schedules for /lichnhac; nil where
	// no scheduler runs.
	Scheduler Scheduler
	// Status describes the process for /trangthai; nil: a development
	// build started now. A zero Started is the time NewRouter ran.
	Status *StatusInfo
	// Extra features are registered after the built-in ones, in order.
	Extra []Feature
}

// Sender is what the features need of the Telegram Bot API. *tgbot.Bot has
// these methods; the terminal shell and tests provide their own.
type Sender interface {
	SendMessage(ctx context.Context, params *tgbot.SendMessageParams) (*models.Message, error)
	EditMessageText(ctx context.Context, params *tgbot.EditMessageTextParams) (*models.Message, error)
	AnswerCallbackQuery(ctx context.Context, params *tgbot.AnswerCallbackQueryParams) (bool, error)
	SendDocument(ctx context.Context, params *tgbot.SendDocumentParams) (*models.Message, error)
	SendPhoto(ctx context.Context, params *tgbot.SendPhotoParams) (*models.Message, error)
	SetMyCommands(ctx context.Context, params *tgbot.SetMyCommandsParams) (bool, error)
}

// base is what every feature is built over: the dependencies, the caches
// they share (units, indicators, the question parser) and the table of
// features. The helpers used across features are its methods, here and in
// figures.go.
type base struct {
	Deps
	Settings
	table      *table
	units      *unitIndex
	activities *activitySet
	asker      *askSet
}

func newBase(d Deps) *base {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s, def := d.Settings, DefaultSettings()
	if s.ConversationTTL <= 0 {
		s.ConversationTTL = def.ConversationTTL
	}
	if s.DefaultLocale == "" {
		s.DefaultLocale = def.DefaultLocale
	}
	if s.MaxTextLength == 0 {
		s.MaxTextLength = def.MaxTextLength
	}
	if s.Location == nil {
		s.Location = def.Location
	}
	if s.EditWindow <= 0 {
		s.EditWindow = def.EditWindow
	}
	if s.UndoWindow <= 0 {
		s.UndoWindow = def.UndoWindow
	}
	if s.Thresholds == (cnsbot.Thresholds{}) {
		s.Thresholds = def.Thresholds
	}
	d.Settings = s
	// Uptime is measured on the features' own clock, from their
	// construction when the process did not say when it started: a start
	// taken at each /trangthai would always read 0s.
	if d.Status == nil {
		d.Status = &StatusInfo{Version: "dev", Mode: "shell"}
	}
	if d.Status.Started.IsZero() {
		st := *d.Status
		st.Started = d.Now()
		d.Status = &st
	}
	return &base{Deps: d, Settings: s, table: newTable(), units: &unitIndex{}, activities: &activitySet{}, asker: &askSet{}}
}

// DefaultLocation is Asia/Ho_Chi_Minh, or UTC+7 where no zone data exists.
func DefaultLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*60*60)
}

// today is the current date in the bot's time zone, at midnight.
func (b *base) today() time.Time {
	now := b.Now().In(b.Location)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, b.Location)
}

// endOfDay is the last instant of a date in the bot's time zone.
func (b *base) endOfDay(date string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, date, b.Location)
	if err != nil {
		return time.Time{}
	}
	return d.AddDate(0, 0, 1).Add(-time.Nanosecond)
}

// windowDays is how many days back (today included) a report may be dated.
func (b *base) windowDays() int {
	return max(int(b.EditWindow/(24*time.Hour)), 1)
}

// memberLang is the language a member reads.
func (b *base) memberLang(m *cnsbot.Member) string {
	if m.Locale != "" {
		return locales.Normalize(m.Locale)
	}
	return locales.Normalize(b.DefaultLocale)
}

// forMember is a request-like view for texts sent to a member outside any
// update: reminders, digests, escalations.
func (b *base) forMember(m *cnsbot.Member) *Request {
	return &Request{b: b, lang: b.memberLang(m), member: m}
}

// send sends text (HTML) to a chat.
func (b *base) send(ctx context.Context, chatID int64, text string, markup models.ReplyMarkup) error {
	_, err := b.Sender.SendMessage(ctx, &tgbot.SendMessageParams{
		ChatID: chatID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
	})
	if err != nil {
		return fmt.Errorf("send message: %w", err)
	}
	return nil
}

func (b *base) notifyOutbox() {
	if b.OutboxNotify != nil {
		b.OutboxNotify()
	}
}
