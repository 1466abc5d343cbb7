package handlers

import (
	"context"
	"strings"

	"cnsbot"
)

// /trogiup (/help): what the user's role can do, read from the table —
// the work of the role first, then the basics, then how to write freely.

type help struct{ *base }

func (f *help) features() []Feature {
	return []Feature{{Name: "help", VI: "trogiup", Groups: true, Help: "help.cmd_help", Section: HelpBasics, Command: f.command}}
}

func (f *help) command(ctx context.Context, req *Request) error {
	return req.Reply(ctx, f.text(req), nil)
}

// text is the help of the sender's role in their language.
func (f *help) text(req *Request) string {
	var b strings.Builder
	b.WriteString(req.T("help.header", "Role", req.roleName(req.member.Role)))
	for _, key := range f.table.helpKeys(req.member.Role) {
		b.WriteString("\n")
		b.WriteString(req.T(key))
	}
	b.WriteString("\n\n")
	b.WriteString(req.T("help.footer"))
	return b.String()
}

// helpKeys are the help lines a role sees, by section, in registration
// order within a section.
func (t *table) helpKeys(role cnsbot.Role) []string {
	var keys []string
	for s := HelpWork; s <= HelpTips; s++ {
		for _, f := range t.list {
			if f.Section == s && f.Help != "" && f.Allows(role) {
				keys = append(keys, f.Help)
			}
		}
	}
	return keys
}
