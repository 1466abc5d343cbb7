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

type status struct{ *base }

func (f *status) features() []Feature {
	return []Feature{{Name: "status", VI: "trangthai", Roles: adminRoles, Groups: true, Help: "help.cmd_trangthai", Command: f.command}}
}

func (f *status) command(ctx context.Context, req *Request) error {
	info := f.Status
	webhook := req.T("status.no_webhook")
	if info.Webhook != nil {
		if w, err := info.Webhook(ctx); err != nil {
			webhook = req.T("status.webhook_unknown")
			f.Logger.Warn("getWebhookInfo", cnsbot.LogError, err)
		} else {
			webhook = w
		}
	}
	depth, err := f.Outbox.Depth(ctx)
	if err != nil {
		return fmt.Errorf("outbox depth: %w", err)
	}
	_, blocked, err := f.Members.FindMembers(ctx, cnsbot.MemberFilter{UnitID: req.member.UnitID, Status: cnsbot.StatusBlocked, Limit: 1})
	if err != nil {
		return fmt.Errorf("count blocked members: %w", err)
	}
	var runs []string
	if rs, err := f.Schedules.LastRuns(ctx, 5); err == nil {
		ss, _ := f.Schedules.FindSchedules(ctx)
		runs = req.runLines(ss, rs, f.Location)
	}
	uptime := f.Now().Sub(info.Started).Round(time.Second)
	return req.Reply(ctx, req.T("status.text", "Version", info.Version, "Uptime", uptime.String(), "Mode", info.Mode,
		"Webhook", webhook, "Depth", depth, "Blocked", blocked, "Runs", strings.Join(runs, "\n")), nil)
}
