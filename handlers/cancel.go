package handlers

import (
	"context"
	"fmt"

	"cnsbot"
)

// /huy (/cancel): leave whatever flow is open, registered or not.

type cancel struct{ *base }

func (f *cancel) features() []Feature {
	return []Feature{{Name: "cancel", VI: "huy", Public: true, Groups: true, Help: "help.cmd_cancel", Section: HelpBasics,
		Command: f.command}}
}

func (f *cancel) command(ctx context.Context, req *Request) error {
	_, err := f.Conversations.GetConversation(ctx, req.convKey())
	if cnsbot.IsNotFound(err) {
		return req.Reply(ctx, req.T("cancel.nothing"), removeKeyboard())
	} else if err != nil {
		return fmt.Errorf("get conversation: %w", err)
	}
	if err := req.endConversation(ctx); err != nil {
		return err
	}
	return req.Reply(ctx, req.T("cancel.done"), removeKeyboard())
}
