package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cnsbot"
)

// /trangthai (/status): for admins, how the bot itself is doing — version,
// uptime, mode, webhook, outbox depth, the last schedule runs, and how many
// members are unreachable because they blocked the bot.

// StatusInfo is what the running process knows about itself.
type StatusInfo struct {
	Version string
	Mode    string // polling or webhook
	Started time.Time
	// Webhook describes the webhook as Telegram sees it; nil in polling mode.
	Webhook func(ctx context.Context) (string, error)
}

func (r *Router) status(ctx context.Context, req *request) error {
	if req.member.Role != cnsbot.RoleAdmin {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	info := r.Status
	if info == nil {
		info = &StatusInfo{Version: "dev", Mode: "shell", Started: r.Now()}
	}
	webhook := req.t("status.no_webhook")
	if info.Webhook != nil {
		if w, err := info.Webhook(ctx); err != nil {
			webhook = req.t("status.webhook_unknown")
			r.Logger.Warn("getWebhookInfo", "err", err)
		} else {
			webhook = w
		}
	}
	depth, err := r.Outbox.Depth(ctx)
	if err != nil {
		return fmt.Errorf("outbox depth: %w", err)
	}
	_, blocked, err := r.Members.FindMembers(ctx, cnsbot.MemberFilter{UnitID: req.member.UnitID, Status: cnsbot.StatusBlocked, Limit: 1})
	if err != nil {
		return fmt.Errorf("count blocked members: %w", err)
	}
	var runs []string
	if rs, err := r.Schedules.LastRuns(ctx, 5); err == nil {
		names := map[int64]string{}
		if ss, err := r.Schedules.FindSchedules(ctx); err == nil {
			for _, s := range ss {
				names[s.ID] = s.Name
			}
		}
		for _, run := range rs {
			runs = append(runs, req.t("lichnhac.run_line", "Name", names[run.ScheduleID],
				"At", run.StartedAt.In(r.Location).Format("15:04 02/01"), "Count", run.Recipients, "Error", run.Error != ""))
		}
	}
	uptime := r.Now().Sub(info.Started).Round(time.Second)
	return req.reply(ctx, req.t("status.text", "Version", info.Version, "Uptime", uptime.String(), "Mode", info.Mode,
		"Webhook", webhook, "Depth", depth, "Blocked", blocked, "Runs", strings.Join(runs, "\n")), nil)
}
