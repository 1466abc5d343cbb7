package handlers

import (
	"context"
	"fmt"
	"slices"

	"cnsbot"
	"cnsbot/ask"
)

// Feature is one thing the bot does, declared once beside its handler: its
// commands, who may use it and where, its help line, its buttons, the flow
// it continues and the question it answers. Message routing, callback
// routing, /trogiup, the shell and Telegram's "/" menu all read the table
// of features; no handler checks a role or a chat type itself.
type Feature struct {
	// Name is the feature's English command without the slash, or its name
	// when it has none. Names are unique.
	Name string
	// VI is the Vietnamese command ("" when it has none); Aliases are more
	// names for the same command.
	VI      string
	Aliases []string
	// Roles may use it; nil: every registered member.
	Roles []cnsbot.Role
	// Refusal is the locale key a role outside Roles is answered with;
	// "" is error.forbidden.
	Refusal string
	// Public features also serve people not registered yet.
	Public bool
	// Groups: also in group chats; otherwise in private chats only.
	Groups bool
	// Help is the locale key of its /trogiup line ("" not listed), Section
	// where help lists it.
	Help    string
	Section HelpSection
	// Menu is the locale key of its description in Telegram's "/" menu;
	// "" is "menu." + Name. Only features with a command are in the menu.
	Menu string
	// Command handles the command.
	Command func(ctx context.Context, req *Request) error
	// Stateless: with arguments, the command runs without reading the
	// conversation store — a round trip saved on the busiest path.
	Stateless bool
	// Prefix is the callback prefix of its buttons, a constant of
	// callback.go; Actions limits the entry to those actions (nil: all).
	// Button handles a press.
	Prefix  string
	Actions []string
	Button  func(ctx context.Context, req *Request, cb Callback) error
	// Flow is the conversation flow whose typed text Continue takes, at
	// the steps in Steps (nil: every step).
	Flow     string
	Steps    []string
	Continue func(ctx context.Context, req *Request, text string) error
	// Intent is the question it answers when one is asked in plain words;
	// Answer answers it.
	Intent ask.Intent
	Answer func(ctx context.Context, req *Request, q ask.Question, csv bool) error
}

// HelpSection is where /trogiup lists a feature.
type HelpSection int

// Help sections, in the order help shows them.
const (
	HelpWork   HelpSection = iota // the work of the role: reports, figures, messages
	HelpBasics                    // start, help, cancel, language
	HelpTips                      // how to write freely
)

// Roles of the table's entries.
var (
	// teamRoles report for a team.
	teamRoles = []cnsbot.Role{cnsbot.RoleMember, cnsbot.RoleTeamLead}
	// leaderRoles read figures beyond a team and write to their scope.
	leaderRoles = []cnsbot.Role{cnsbot.RoleLeader, cnsbot.RoleAdmin}
	// adminRoles run the bot.
	adminRoles = []cnsbot.Role{cnsbot.RoleAdmin}
	// allRoles, in the order menus are built.
	allRoles = []cnsbot.Role{cnsbot.RoleMember, cnsbot.RoleTeamLead, cnsbot.RoleLeader, cnsbot.RoleAdmin}
)

// Commands returns the feature's command names: English, Vietnamese, then
// the aliases.
func (f *Feature) Commands() []string {
	if f.Command == nil {
		return nil
	}
	names := []string{f.Name}
	if f.VI != "" && f.VI != f.Name {
		names = append(names, f.VI)
	}
	return append(names, f.Aliases...)
}

// command is the name the menu and help show in a language.
func (f *Feature) command(lang string) string {
	if lang == "vi" && f.VI != "" {
		return f.VI
	}
	return f.Name
}

// Allows reports whether a member of role may use the feature.
func (f *Feature) Allows(role cnsbot.Role) bool {
	return f.Roles == nil || slices.Contains(f.Roles, role)
}

// table is the features by name, command, button and intent.
type table struct {
	list     []*Feature
	byName   map[string]*Feature
	commands map[string]*Feature
	buttons  map[string]*Feature // "prefix" or "prefix:action"
	flows    map[string]*Feature
	intents  map[ask.Intent]*Feature
}

func newTable() *table {
	return &table{byName: map[string]*Feature{}, commands: map[string]*Feature{}, buttons: map[string]*Feature{},
		flows: map[string]*Feature{}, intents: map[ask.Intent]*Feature{}}
}

// add registers features. A name, command, button, flow or intent taken
// twice is a programming error: it panics at construction, in every test.
func (t *table) add(fs ...Feature) {
	for i := range fs {
		f := &fs[i]
		claim := func(kind, key string, m map[string]*Feature) {
			if other, ok := m[key]; ok {
				panic(fmt.Sprintf("handlers: %s %q of feature %q is taken by %q", kind, key, f.Name, other.Name))
			}
			m[key] = f
		}
		claim("name", f.Name, t.byName)
		for _, c := range f.Commands() {
			claim("command", c, t.commands)
		}
		if f.Button != nil {
			if f.Actions == nil {
				claim("button", f.Prefix, t.buttons)
			}
			for _, a := range f.Actions {
				claim("button", f.Prefix+":"+a, t.buttons)
			}
		}
		if f.Continue != nil {
			claim("flow", f.Flow, t.flows)
		}
		if f.Answer != nil {
			if _, ok := t.intents[f.Intent]; ok {
				panic(fmt.Sprintf("handlers: intent %q of feature %q is taken", f.Intent, f.Name))
			}
			t.intents[f.Intent] = f
		}
		t.list = append(t.list, f)
	}
}

// command returns the feature of a command, or nil.
func (t *table) command(name string) *Feature { return t.commands[name] }

// button returns the feature of a callback, or nil.
func (t *table) button(cb Callback) *Feature {
	if f := t.buttons[cb.Feature+":"+cb.Action]; f != nil {
		return f
	}
	return t.buttons[cb.Feature]
}

// flow returns the feature that continues a conversation at its step, or nil.
func (t *table) flow(c *cnsbot.Conversation) *Feature {
	if c == nil {
		return nil
	}
	f := t.flows[c.Flow]
	if f == nil || f.Steps != nil && !slices.Contains(f.Steps, c.Step) {
		return nil
	}
	return f
}

// allowed reports whether the request's sender may use the named feature;
// features use it to draw only the buttons the user may press.
func (t *table) allowed(req *Request, name string) bool {
	f := t.byName[name]
	return f != nil && req.member != nil && f.Allows(req.member.Role)
}

// check is the one permission check: where (private or group) and who
// (registered, role). Unregistered senders reach it only for public
// features.
func (t *table) check(req *Request, f *Feature) error {
	if !f.Groups && !req.Private {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.private_only", "BotUsername", req.b.BotUsername)
	}
	if req.member == nil {
		if f.Public {
			return nil
		}
		return cnsbot.Errorf(cnsbot.ENOTREADY, "start.need_registration")
	}
	if !f.Allows(req.member.Role) {
		key := f.Refusal
		if key == "" {
			key = "error.forbidden"
		}
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, key)
	}
	return nil
}

// answer answers a question by the feature of its intent, with that
// feature's permission check.
func (t *table) answer(ctx context.Context, req *Request, q ask.Question, csv bool) error {
	f := t.intents[q.Intent]
	if f == nil || q.Intent == "" {
		return req.Reply(ctx, notUnderstood(req, q), nil)
	}
	if err := t.check(req, f); err != nil {
		return err
	}
	return f.Answer(ctx, req, q, csv)
}

// notUnderstood says in one line what was understood and gives an example.
func notUnderstood(req *Request, q ask.Question) string {
	if q.Understood != "" {
		return req.T("ask.partly_understood", "Understood", q.Understood)
	}
	return req.T("ask.not_understood")
}

// Features lists the table in registration order.
func (r *Router) Features() []Feature {
	out := make([]Feature, len(r.table.list))
	for i, f := range r.table.list {
		out[i] = *f
	}
	return out
}
