package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cnsbot"

	"github.com/go-telegram/bot/models"
)

// evidence: a photo sent in private is the proof (minh chứng) of a report
// made today. It has no command: the router hands it every photo.
type evidence struct{ *base }

// attach attaches a photo to the sender's latest report of the day, or to
// the latest one of the indicator the caption names.
func (f *evidence) attach(ctx context.Context, req *Request, msg *models.Message) error {
	if err := req.requireTeam(); err != nil {
		return err
	}
	photo := msg.Photo[len(msg.Photo)-1] // the largest size
	today := f.today().Format(time.DateOnly)
	rs, _, err := f.Reports.FindReports(ctx, cnsbot.ReportFilter{MemberID: req.member.ID, From: today, To: today, Limit: 50})
	if err != nil {
		return fmt.Errorf("find today's reports: %w", err)
	}
	if len(rs) == 0 {
		return req.Reply(ctx, req.T("evidence.none"), nil)
	}
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return err
	}
	target := rs[0] // newest first
	if named := mentioned(set, msg.Caption, f.today()); len(named) > 0 {
		for _, rep := range rs {
			if ind := set.byID[rep.IndicatorID]; ind != nil && strings.EqualFold(ind.Code, named[0]) {
				target = rep
				break
			}
		}
	}
	// The report holds this very photo when the update is handled again
	// after a crash: the audit trail gets no second entry.
	if target.EvidenceFileID != photo.FileID {
		if _, err := f.Reports.AttachEvidence(ctx, target.ID, photo.FileID, req.member.ID); err != nil {
			return fmt.Errorf("attach evidence: %w", err)
		}
	}
	ind := set.byID[target.IndicatorID]
	name := ""
	if ind != nil {
		name = ind.Name(req.lang)
	}
	return req.Reply(ctx, req.T("evidence.attached", "Indicator", name, "Value", target.Value, "Date", target.Date), nil)
}
