package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"

	"cnsbot"
)

// runExportInvites is `cnsbot export invites [-unit CODE] [-bot USERNAME] -o
// FILE.csv`: the roster of a subtree with each member's invite code and,
// given the bot's username, the deep link that registers them in one tap
// (t.me/BOT?start=CODE). UTF-8 with BOM, for Excel.
func (m *Main) runExportInvites(ctx context.Context, args []string) error {
	fs, configPath := m.flagSet("export invites")
	unit := fs.String("unit", "", "only members of this unit `CODE` and its subtree")
	botName := fs.String("bot", "", "the bot's `USERNAME`, to write the t.me deep links")
	out := fs.String("o", "", "output `FILE`.csv")
	a, err := m.openFromFlags(fs, configPath, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return errors.New("export invites: -o FILE.csv is required")
	}
	f := cnsbot.MemberFilter{}
	if *unit != "" {
		u, err := a.Units.FindUnitByCode(ctx, *unit)
		if cnsbot.IsNotFound(err) {
			return fmt.Errorf("-unit %q: no such unit code", *unit)
		} else if err != nil {
			return err
		}
		f.UnitID = u.ID
	}
	ms, _, err := a.Members.FindMembers(ctx, f)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("export invites: %w", err)
	}
	w := csv.NewWriter(file)
	file.WriteString("\ufeff")
	w.Write([]string{"Họ và tên", "Số điện thoại", "Mã đơn vị", "Vai trò", "Trạng thái", "Mã mời", "Đường dẫn đăng ký"})
	units := map[int64]string{}
	n := 0
	for _, mem := range ms {
		if mem.TelegramID != 0 || mem.InviteCode == "" {
			continue // registered already, or nothing to invite with
		}
		code, ok := units[mem.UnitID]
		if !ok {
			if u, err := a.Units.FindUnitByID(ctx, mem.UnitID); err == nil {
				code = u.Code
			}
			units[mem.UnitID] = code
		}
		link := ""
		if *botName != "" {
			link = "https://t.me/" + *botName + "?start=" + mem.InviteCode
		}
		w.Write([]string{mem.FullName, mem.Phone, code, string(mem.Role), string(mem.Status), mem.InviteCode, link})
		n++
	}
	w.Flush()
	if err := errors.Join(w.Error(), file.Close()); err != nil {
		os.Remove(*out)
		return fmt.Errorf("export invites: %w", err)
	}
	fmt.Fprintf(m.Stdout, "%s: %d members not yet registered, with their invite codes\n", *out, n)
	return nil
}
