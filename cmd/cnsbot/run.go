package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"cnsbot"
	"cnsbot/bot"
	"cnsbot/handlers"
	"cnsbot/metrics"
	"cnsbot/schedule"
)

// shutdownTimeout bounds how long SIGTERM waits for updates in flight.
const shutdownTimeout = 30 * time.Second

// handlerTimeout bounds one update's handling.
const handlerTimeout = 60 * time.Second

// runBot is `cnsbot run`: the bot on Telegram (or any Bot API server).
func (m *Main) runBot(ctx context.Context, args []string) error {
	fs, configPath := m.flagSet("run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	if err := cfg.ValidateForRun(); err != nil {
		return err
	}
	a, err := m.openApp(cfg)
	if err != nil {
		return err
	}
	if err := m.openConversations(ctx, a); err != nil {
		return err
	}
	mx := metrics.New(a.Outbox.Depth)
	a.instrument(mx)
	b, err := bot.Connect(ctx, bot.Options{
		Token:       cfg.Telegram.Token,
		APIURL:      cfg.Telegram.APIURL,
		PollTimeout: cfg.Telegram.PollTimeout.Duration(),
		MaxActive:   cfg.Telegram.Workers,
		Logger:      a.Logger,
	})
	if err != nil {
		return err
	}
	status := &handlers.StatusInfo{Version: Version(), Mode: cfg.Telegram.Mode, Started: time.Now()}
	if cfg.Telegram.Mode == "webhook" {
		status.Webhook = func(ctx context.Context) (string, error) {
			w, err := b.TG.GetWebhookInfo(ctx)
			if err != nil {
				return "", errors.New(bot.Redact(err, cfg.Telegram.Token))
			}
			s := fmt.Sprintf("%s, pending %d", w.URL, w.PendingUpdateCount)
			if w.LastErrorMessage != "" {
				s += ", last error: " + w.LastErrorMessage
			}
			return s, nil
		}
	}
	bg := newBackground(a, b.TG, mx)
	router := newRouter(a, b.TG, b.Username, bg, status)
	pipeline := newPipeline(a, router)
	var lastUpdate atomic.Int64
	pipeline.OnHandled = func(int64, time.Duration, error) { lastUpdate.Store(time.Now().Unix()) }
	pipeline.Observe = mx.Update
	b.Attach(pipeline)
	b.Intake, b.Claims = intakeOf(a)
	go b.Maintain(ctx, cfg.Telegram.UpdateRetention.Duration())
	stopBackground, err := bg.start(ctx, a)
	if err != nil {
		return err
	}
	defer stopBackground()
	go func() {
		// The "/" menus: a convenience, set in the background at each start.
		if err := router.SyncCommands(ctx); err != nil && ctx.Err() == nil {
			a.Logger.Warn("set command menus", cnsbot.LogError, bot.Redact(err, cfg.Telegram.Token))
		}
	}()
	a.Logger.Info("cnsbot started", cnsbot.LogVersion, Version(), cnsbot.LogBot, b.Username, cnsbot.LogMode, cfg.Telegram.Mode,
		cnsbot.LogDatabase, cfg.Database.Path, cnsbot.LogRedis, redactedURL(cfg.Redis.URL))

	if cfg.HTTP.Listen != "" {
		srv := &http.Server{Addr: cfg.HTTP.Listen, Handler: opsHandler(a, &lastUpdate, mx), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.Logger.Error("health server", cnsbot.LogError, err)
			}
		}()
		m.onClose(func() error { return srv.Close() })
	}

	if cfg.Telegram.Mode == "webhook" {
		return m.runWebhook(ctx, a, b)
	}
	if err := b.RunPolling(ctx); err != nil {
		return err
	}
	a.Logger.Info("stopping: finishing updates in flight")
	drainCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	return b.Drain(drainCtx)
}

// newRouter builds the features over the app's services, the Telegram
// sender and the background's outbox and scheduler.
func newRouter(a *App, sender handlers.Sender, botUsername string, bg *background, status *handlers.StatusInfo) *handlers.Router {
	var reports cnsbot.ReportService = a.Reports
	if a.reportCounter != nil {
		reports = countingReports{ReportService: a.Reports, count: a.reportCounter}
	}
	router := handlers.NewRouter(handlers.Deps{
		Services: handlers.Services{
			Members: a.Members, Units: a.Units, Teams: a.Teams, Joins: a.Joins, Conversations: a.Conversations,
			Indicators: a.Indicators, Reports: reports, Targets: a.Targets, Figures: a.Figures,
			Outbox: a.Outbox, Schedules: a.Schedules,
		},
		Catalog: a.Catalog,
		Sender:  sender,
		Logger:  a.Logger,
		Settings: handlers.Settings{
			ConversationTTL: a.Config.Conversation.TTL.Duration(),
			DefaultLocale:   a.Config.Locale,
			BotUsername:     botUsername,
			MaxTextLength:   a.Config.Limits.MaxTextLength,
			Location:        a.Location,
			EditWindow:      a.Config.Conversation.EditWindow.Duration(),
			Thresholds:      cnsbot.Thresholds{Behind: a.Config.Figures.BehindPercent},
			AdminMonth:      a.Config.Figures.AdminMonth,
		},
		OutboxNotify: bg.outbox.Notify,
		Scheduler:    bg.scheduler,
		Status:       status,
	})
	bg.bind(router)
	return router
}

// intakeOf is where updates are kept from receipt to done. Polling: the
// SQLite intake, each fetched batch stored before it is confirmed. Webhook:
// claims in Redis when configured (shared by every replica, no database
// write per update; SQLite while Redis is down), else in SQLite.
func intakeOf(a *App) (cnsbot.Intake, cnsbot.UpdateLog) {
	if a.Config.Telegram.Mode != ModeWebhook {
		return a.UpdateLog, nil
	}
	if a.Redis != nil {
		return nil, bot.FallbackUpdateLog{Primary: a.Redis, Fallback: a.UpdateLog}
	}
	return nil, a.UpdateLog
}

// newPipeline puts the update pipeline in front of the router.
func newPipeline(a *App, router *handlers.Router) *bot.Pipeline {
	intake, claims := intakeOf(a)
	var updates cnsbot.UpdateFinisher = intake
	var locks bot.Locker
	if claims != nil {
		updates = claims
		// Webhook replicas may get one user's updates at once: a lock per
		// user across processes. Polling is one process by Telegram's
		// design (a second getUpdates gets 409) and the dispatcher keeps
		// each chat in order, so no cross-process lock there.
		locks = a.Conversations
	}
	return &bot.Pipeline{
		Handler:       router.Handle,
		Updates:       updates,
		Locks:         locks,
		Catalog:       a.Catalog,
		Logger:        a.Logger,
		Flood:         bot.NewFloodLimiter(a.Config.Limits.UserUpdatesPerMinute),
		DefaultLocale: a.Config.Locale,
		Timeout:       handlerTimeout,
	}
}

// runWebhook serves Telegram's webhook deliveries until ctx ends.
func (m *Main) runWebhook(ctx context.Context, a *App, b *bot.Bot) error {
	cfg := a.Config.Webhook
	u, err := url.Parse(cfg.PublicURL)
	if err != nil {
		return fmt.Errorf("webhook.public_url: %w", err)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	// 200 only once the update is claimed and handled (or was before): a
	// crash before the answer makes Telegram deliver it again, and the claim
	// of the dead process is taken over.
	mux.Handle(path, bot.WebhookHandler(cfg.SecretToken, b.Accept, a.Logger))
	srv := &http.Server{Addr: cfg.Listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- srv.ListenAndServeTLS(cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- srv.ListenAndServe()
		}
	}()
	if err := b.SetWebhook(ctx, cfg.PublicURL, cfg.SecretToken, cfg.MaxConnections); err != nil {
		return err
	}
	select {
	case err := <-errc:
		return fmt.Errorf("webhook server: %w", err)
	case <-ctx.Done():
	}
	a.Logger.Info("stopping: finishing updates in flight")
	drainCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(drainCtx); err != nil {
		return fmt.Errorf("webhook shutdown: %w", err)
	}
	return b.Drain(drainCtx)
}

// opsHandler serves /healthz — the database and the conversation store
// reachable, the outbox depth, the time of the last handled update — and
// /metrics in the Prometheus text format.
func opsHandler(a *App, lastUpdate *atomic.Int64, mx *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", mx.Handler())
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		status := map[string]any{"status": "ok", "database": "ok", "conversations": "ok"}
		code := http.StatusOK
		if err := a.DB.SQL().PingContext(ctx); err != nil {
			status["database"], status["status"], code = "unreachable", "down", http.StatusServiceUnavailable
			mx.StorageError("sqlite")
		}
		if err := a.Conversations.Ping(ctx); err != nil {
			// The bot keeps answering without Redis (quick reports save;
			// flows say "try again"): degraded, not down.
			status["conversations"] = "unreachable"
			if code == http.StatusOK {
				status["status"] = "degraded"
			}
		}
		if n, err := a.Outbox.Depth(ctx); err == nil {
			status["outbox_depth"] = n
		}
		if t := lastUpdate.Load(); t > 0 {
			status["last_update"] = time.Unix(t, 0).UTC().Format(time.RFC3339)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(status)
	})
	return mux
}

// background is the outbox, which sends every mass message within
// Telegram's limits, and the scheduler, which fires the reminder
// schedules. The features are built over both, and both call the
// features back (delivery reports, schedule runs): newBackground, then
// the router, then bind, then start.
type background struct {
	outbox    *bot.Outbox
	scheduler *schedule.Scheduler
	mx        *metrics.Metrics
}

func newBackground(a *App, api bot.SenderAPI, mx *metrics.Metrics) *background {
	outbox := &bot.Outbox{Store: a.Outbox, API: api, Logger: a.Logger, Token: a.Config.Telegram.Token,
		RatePerSecond: a.Config.Broadcast.RatePerSecond}
	if mx != nil {
		outbox.OnResult = mx.OutboxSend
	}
	sched := &schedule.Scheduler{Store: a.Schedules, Location: a.Location, Now: time.Now, Logger: a.Logger}
	return &background{outbox: outbox, scheduler: sched, mx: mx}
}

// bind points the outbox and the scheduler at the features.
func (bg *background) bind(router *handlers.Router) {
	bg.outbox.OnBatchDone = router.DeliveryReport
	var runner schedule.Runner = router
	if bg.mx != nil {
		runner = countingRunner{Runner: router, mx: bg.mx}
	}
	bg.scheduler.Runner = runner
}

// start seeds the schedules and starts both. The returned stop waits for
// both: call it after the updates in flight are drained, so that what they
// queued is sent or stays queued for next time.
func (bg *background) start(ctx context.Context, a *App) (stop func(), err error) {
	if err := seedSchedules(ctx, a); err != nil {
		return nil, err
	}
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := bg.outbox.Run(run); err != nil && !errors.Is(err, context.Canceled) {
			a.Logger.Error("outbox stopped", cnsbot.LogError, err)
		}
	}()
	go func() {
		defer wg.Done()
		if err := bg.scheduler.Run(run); err != nil && !errors.Is(err, context.Canceled) {
			a.Logger.Error("scheduler stopped", cnsbot.LogError, err)
		}
	}()
	return func() { cancel(); wg.Wait() }, nil
}

// seedSchedules writes the built-in schedules and those of the config. An
// admin's pause in chat survives a restart; enabled: false in the config
// pauses.
func seedSchedules(ctx context.Context, a *App) error {
	list := schedule.DefaultSchedules()
	byName := map[string]int{}
	for i, s := range list {
		byName[s.Name] = i
	}
	var pause []string
	for _, sc := range a.Config.Schedules {
		s := &cnsbot.Schedule{Name: sc.Name, Cron: sc.Cron, Audience: sc.Audience, ChatID: sc.ChatID,
			Message: sc.Message, Source: schedule.SourceConfig}
		if sc.Unit != "" {
			u, err := a.Units.FindUnitByCode(ctx, sc.Unit)
			if err != nil {
				return fmt.Errorf("schedules: %s: unit %q: %w", sc.Name, sc.Unit, err)
			}
			s.UnitID = u.ID
		}
		if i, ok := byName[s.Name]; ok {
			list[i] = s
		} else {
			list = append(list, s)
		}
		if sc.Enabled != nil && !*sc.Enabled {
			pause = append(pause, sc.Name)
		}
	}
	for _, s := range list {
		if err := a.Schedules.UpsertSchedule(ctx, s); err != nil {
			return fmt.Errorf("save schedule %s: %w", s.Name, err)
		}
		if slices.Contains(pause, s.Name) {
			if err := a.Schedules.SetSchedulePaused(ctx, s.ID, true); err != nil {
				return fmt.Errorf("pause schedule %s: %w", s.Name, err)
			}
		}
	}
	return nil
}

// countingRunner counts schedule runs for the metrics.
type countingRunner struct {
	schedule.Runner
	mx *metrics.Metrics
}

func (c countingRunner) RunSchedule(ctx context.Context, s *cnsbot.Schedule, slot time.Time, key string) (int64, int, error) {
	id, n, err := c.Runner.RunSchedule(ctx, s, slot, key)
	result := "ok"
	if err != nil {
		result = "error"
	}
	c.mx.SchedulerRun(s.Name, result)
	return id, n, err
}
