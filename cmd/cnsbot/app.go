package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"cnsbot"
	"cnsbot/locales"
	"cnsbot/metrics"
	"cnsbot/storage/memory"
	"cnsbot/storage/redis"
	"cnsbot/storage/sqlite"
)

// App holds what every subcommand opens: config, logger, the records and,
// for the bot and the shell, the conversation store and the texts.
type App struct {
	Config   Config
	Logger   *slog.Logger
	Location *time.Location
	DB       *sqlite.DB
	Catalog  *locales.Catalog

	Units      *sqlite.UnitService
	Teams      *sqlite.TeamService
	Members    *sqlite.MemberService
	Indicators *sqlite.IndicatorService
	Targets    *sqlite.TargetService
	Reports    *sqlite.ReportService
	Imports    *sqlite.ImportService
	Joins      *sqlite.JoinRequestService
	UpdateLog  *sqlite.UpdateLog
	Figures    *sqlite.FigureService
	Outbox     *sqlite.OutboxService
	Schedules  *sqlite.ScheduleService

	Conversations cnsbot.ConversationStore
	Redis         *redis.Store // the conversation store when redis.url is set

	reportCounter func(int) // metrics: reports saved
}

// loadConfig reads the file at path, or the embedded defaults when path is "".
func loadConfig(path string) (Config, error) {
	if path == "" {
		cfg := DefaultConfig()
		applyEnvOverrides(&cfg)
		return cfg, cfg.Validate()
	}
	return ReadConfigFile(path)
}

// newLogger builds the slog logger the config asks for: text on a terminal,
// JSON otherwise, unless log.format says which.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.Log.Format
	if format == "" || format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// openApp opens the database (applying migrations) and the services.
func (m *Main) openApp(cfg Config) (*App, error) {
	a := &App{Config: cfg, Logger: newLogger(cfg, m.Stderr)}
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return nil, fmt.Errorf("timezone: %w", err)
	}
	a.Location = loc
	a.DB = sqlite.NewDB(cfg.Database.Path)
	a.DB.Synchronous = strings.ToUpper(cfg.Database.Synchronous)
	if err := a.DB.Open(); err != nil {
		return nil, fmt.Errorf("open database %s: %w", cfg.Database.Path, err)
	}
	m.onClose(a.DB.Close)
	a.Units = sqlite.NewUnitService(a.DB)
	a.Teams = sqlite.NewTeamService(a.DB)
	a.Members = sqlite.NewMemberService(a.DB)
	a.Indicators = sqlite.NewIndicatorService(a.DB)
	a.Targets = sqlite.NewTargetService(a.DB)
	a.Reports = sqlite.NewReportService(a.DB)
	a.Imports = sqlite.NewImportService(a.DB)
	a.Joins = sqlite.NewJoinRequestService(a.DB)
	a.UpdateLog = sqlite.NewUpdateLog(a.DB)
	a.Figures = sqlite.NewFigureService(a.DB)
	a.Outbox = sqlite.NewOutboxService(a.DB)
	a.Schedules = sqlite.NewScheduleService(a.DB)
	return a, nil
}

// openConversations opens Redis when redis.url is set, process memory
// otherwise, and the locale catalog.
func (m *Main) openConversations(ctx context.Context, a *App) error {
	catalog, err := locales.Load()
	if err != nil {
		return fmt.Errorf("load locales: %w", err)
	}
	a.Catalog = catalog
	if a.Config.Redis.URL == "" {
		a.Logger.Info("conversation state in process memory: unfinished drafts will not survive a restart (set redis.url to keep them)")
		a.Conversations = memory.NewStore()
	} else {
		s := redis.NewStore(a.Config.Redis.URL, a.Config.Redis.KeyPrefix)
		redis.SetLogger(a.Logger)
		if err := s.Open(ctx); err != nil {
			return fmt.Errorf("open redis: %w", err)
		}
		a.Conversations, a.Redis = s, s
	}
	m.onClose(a.Conversations.Close)
	return nil
}

// instrument wraps the services whose work the metrics count: reports saved
// and conversation-store errors.
func (a *App) instrument(mx *metrics.Metrics) {
	a.reportCounter = mx.ReportsSaved
	if a.Conversations != nil {
		a.Conversations = countingStore{ConversationStore: a.Conversations, mx: mx}
	}
}

// countingReports counts the reports saved through it.
type countingReports struct {
	*sqlite.ReportService
	count func(int)
}

func (c countingReports) CreateReports(ctx context.Context, rs []*cnsbot.Report) error {
	err := c.ReportService.CreateReports(ctx, rs)
	if err == nil && c.count != nil {
		c.count(len(rs))
	}
	return err
}

// countingStore counts the conversation store's outages.
type countingStore struct {
	cnsbot.ConversationStore
	mx *metrics.Metrics
}

func (c countingStore) note(err error) error {
	if cnsbot.ErrorCode(err) == cnsbot.EUNAVAILABLE {
		c.mx.StorageError("redis")
	}
	return err
}

func (c countingStore) GetConversation(ctx context.Context, k cnsbot.ConversationKey) (*cnsbot.Conversation, error) {
	conv, err := c.ConversationStore.GetConversation(ctx, k)
	return conv, c.note(err)
}

func (c countingStore) SaveConversation(ctx context.Context, k cnsbot.ConversationKey, conv *cnsbot.Conversation, ttl time.Duration) error {
	return c.note(c.ConversationStore.SaveConversation(ctx, k, conv, ttl))
}

func (c countingStore) DeleteConversation(ctx context.Context, k cnsbot.ConversationKey) error {
	return c.note(c.ConversationStore.DeleteConversation(ctx, k))
}

func (c countingStore) Lock(ctx context.Context, k cnsbot.ConversationKey, ttl time.Duration) (func(), error) {
	unlock, err := c.ConversationStore.Lock(ctx, k, ttl)
	return unlock, c.note(err)
}
