package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"cnsbot"
	"cnsbot/bot"
	"cnsbot/demo"
	"cnsbot/handlers"
	"cnsbot/locales"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// shellBotUsername is the name the shell's bot answers to in /cmd@name.
const shellBotUsername = "cnsbot"

// shellUserBase is the Telegram user id of the shell's guest; personas
// chosen with -as get shellUserBase+1, +2, ... so that each keeps its own.
const shellUserBase = 900_000_000

// runShell is `cnsbot shell`: the bot's handlers in this terminal, on the
// demo data, with no Telegram token and no Redis.
func (m *Main) runShell(ctx context.Context, args []string) error {
	fs, configPath := m.flagSet("shell")
	as := fs.String("as", "", "talk as the demo `ROLE`: member, team_lead, leader or admin (default: an unregistered guest)")
	fresh := fs.Bool("fresh", false, "recreate the demo database first (only when it holds the demo data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	cfg.Redis.URL = "" // the shell never needs Redis
	if cfg.Log.Level == "info" {
		cfg.Log.Level = "warn" // keep the conversation readable
	}
	if *fresh {
		if err := m.removeDemoDatabase(ctx, cfg); err != nil {
			return err
		}
	}
	a, err := m.openApp(cfg)
	if err != nil {
		return err
	}
	if err := m.ensureDemo(ctx, a); err != nil {
		return err
	}
	if err := m.openConversations(ctx, a); err != nil {
		return err
	}
	userID := int64(shellUserBase)
	if *as != "" {
		if userID, err = m.becomePersona(ctx, a, *as); err != nil {
			return err
		}
	}
	sh := &shell{out: m.Stdout, lang: a.Config.Locale, user: userID, outDir: filepath.Join(filepath.Dir(cfg.Database.Path), "out")}
	// Broadcasts and reminders go through the real outbox, to the terminal.
	a.Config.Broadcast.RatePerSecond = 1000
	bg := newBackground(a, sh, nil)
	router := newRouter(a, sh, shellBotUsername, bg, &handlers.StatusInfo{Version: Version(), Mode: "shell"})
	if err := router.SyncCommands(ctx); err != nil {
		return err
	}
	pipeline := newPipeline(a, router)
	pipeline.Updates = nil // the shell's updates are numbered afresh each run
	pipeline.Flood = nil
	pipeline.Sender, pipeline.BotUsername = sh, shellBotUsername
	stop, err := bg.start(ctx, a)
	if err != nil {
		return err
	}
	defer stop()
	return sh.loop(ctx, m.Stdin, pipeline, userID)
}

// ensureDemo loads the demo data into an empty database.
func (m *Main) ensureDemo(ctx context.Context, a *App) error {
	svc := demoServices(a)
	loaded, err := demo.Loaded(ctx, svc)
	if err != nil || loaded {
		return err
	}
	units, err := a.Units.FindUnits(ctx, cnsbot.UnitFilter{Limit: 1})
	if err != nil {
		return err
	} else if len(units) > 0 {
		return nil // a real database: leave it alone
	}
	fmt.Fprintln(m.Stderr, "Đang tạo dữ liệu mẫu (chỉ lần đầu, vài giây)… / Creating the demo data (first run only)…")
	sum, err := demo.Load(ctx, svc, time.Now(), a.Location)
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	fmt.Fprintln(m.Stderr, sum.String())
	return nil
}

func demoServices(a *App) demo.Services {
	return demo.Services{Import: a.Imports, Units: a.Units, Members: a.Members, Indicators: a.Indicators, Teams: a.Teams}
}

// removeDemoDatabase deletes the database file when it holds the demo data.
func (m *Main) removeDemoDatabase(ctx context.Context, cfg Config) error {
	if _, err := os.Stat(cfg.Database.Path); os.IsNotExist(err) {
		return nil
	}
	a, err := m.openApp(cfg)
	if err != nil {
		return err
	}
	loaded, err := demo.Loaded(ctx, demoServices(a))
	if cerr := a.DB.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	} else if !loaded {
		return fmt.Errorf("-fresh: %s does not hold the demo data; not deleting it", cfg.Database.Path)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(cfg.Database.Path + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// becomePersona registers the shell's user as the demo persona of role and
// returns the Telegram user id it talks as.
func (m *Main) becomePersona(ctx context.Context, a *App, roleName string) (int64, error) {
	role, ok := cnsbot.ParseRole(roleName)
	if !ok {
		return 0, fmt.Errorf("-as %q: not a role (member, team_lead, leader, admin)", roleName)
	}
	for i, p := range demo.Personas {
		if p.Role != role {
			continue
		}
		member, err := a.Members.FindMemberByPhone(ctx, p.Phone)
		if err != nil {
			return 0, fmt.Errorf("find demo persona %s: %w", p.Phone, err)
		}
		id, active := int64(shellUserBase+1+i), cnsbot.StatusActive
		if _, err := a.Members.UpdateMember(ctx, member.ID, cnsbot.MemberUpdate{TelegramID: &id, Status: &active}); err != nil {
			return 0, fmt.Errorf("register demo persona: %w", err)
		}
		fmt.Fprintf(m.Stderr, "Bạn là / You are: %s (%s, %s)\n", p.Name, p.Role, p.Note)
		return id, nil
	}
	return 0, fmt.Errorf("-as %q: the demo has no persona with that role", roleName)
}

// shell is the terminal's Telegram: it prints what the bot sends and turns
// typed lines into updates. Buttons are shown as numbered choices [#1]
// [#2]… and pressed by typing #1, #2…: a bare number is always text, so
// that 1 or 2 can be typed as a value where the bot asks for a number.
type shell struct {
	out    io.Writer
	lang   string
	user   int64  // the shell's own user (and private chat) id
	outDir string // where documents and photos the bot sends are saved

	mu      sync.Mutex
	msgID   int
	choices []shellChoice
	// menu is the "/" menu the bot set for the shell's user: their chat's
	// own, or the default one.
	menu    []models.BotCommand
	ownMenu bool
}

type shellChoice struct {
	text    string
	data    string // callback data; "" for a reply-keyboard button
	contact bool   // a request_contact button
	msgID   int    // the message the button belongs to
	chatID  int64  // whose message it is: pressing acts as that user
}

var _ handlers.Sender = (*shell)(nil)

// SendMessage prints a message and its buttons.
func (sh *shell) SendMessage(_ context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.msgID++
	chatID, _ := p.ChatID.(int64)
	if chatID != 0 && chatID != sh.user {
		fmt.Fprintf(sh.out, "\n📨 → %d:", chatID)
	}
	sh.print(p.Text, p.ReplyMarkup, sh.msgID, chatID)
	return &models.Message{ID: sh.msgID, Date: int(time.Now().Unix()), Text: p.Text}, nil
}

// EditMessageText prints the new text of an earlier message.
func (sh *shell) EditMessageText(_ context.Context, p *tgbot.EditMessageTextParams) (*models.Message, error) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	chatID, _ := p.ChatID.(int64)
	sh.print(p.Text, p.ReplyMarkup, p.MessageID, chatID)
	return &models.Message{ID: p.MessageID, Text: p.Text}, nil
}

// AnswerCallbackQuery prints the notice of a pressed button, if any.
func (sh *shell) AnswerCallbackQuery(_ context.Context, p *tgbot.AnswerCallbackQueryParams) (bool, error) {
	if p.Text != "" {
		sh.mu.Lock()
		fmt.Fprintf(sh.out, "  ⓘ %s\n", p.Text)
		sh.mu.Unlock()
	}
	return true, nil
}

// SetMyCommands keeps the "/" menu the bot sets for the shell's user — the
// default one, or their chat's own once a leader or admin registers — and
// prints their own when it changes: the terminal's version of Telegram's
// menu button.
func (sh *shell) SetMyCommands(_ context.Context, p *tgbot.SetMyCommandsParams) (bool, error) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	switch s := p.Scope.(type) {
	case *models.BotCommandScopeChat:
		if id, _ := s.ChatID.(int64); id == sh.user {
			sh.menu, sh.ownMenu = p.Commands, true
			sh.printMenu()
		}
	case *models.BotCommandScopeDefault:
		if p.LanguageCode == "" && !sh.ownMenu {
			sh.menu = p.Commands
		}
	}
	return true, nil
}

// printMenu writes the commands of the menu on one line; the caller holds
// sh.mu.
func (sh *shell) printMenu() {
	if len(sh.menu) == 0 {
		return
	}
	names := make([]string, 0, len(sh.menu))
	for _, c := range sh.menu {
		names = append(names, "/"+c.Command)
	}
	fmt.Fprintf(sh.out, "☰ %s\n", strings.Join(names, " "))
}

// SendDocument saves the file under outDir and prints where.
func (sh *shell) SendDocument(_ context.Context, p *tgbot.SendDocumentParams) (*models.Message, error) {
	return sh.saveFile(p.Document, p.Caption)
}

// SendPhoto saves the picture under outDir and prints where.
func (sh *shell) SendPhoto(_ context.Context, p *tgbot.SendPhotoParams) (*models.Message, error) {
	return sh.saveFile(p.Photo, p.Caption)
}

func (sh *shell) saveFile(f models.InputFile, caption string) (*models.Message, error) {
	up, ok := f.(*models.InputFileUpload)
	if !ok {
		return nil, fmt.Errorf("shell: only uploaded files can be shown")
	}
	if err := os.MkdirAll(sh.outDir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(sh.outDir, filepath.Base(up.Filename))
	data, err := io.ReadAll(up.Data)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return nil, err
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.msgID++
	sh.print(caption, nil, sh.msgID, sh.user)
	fmt.Fprintf(sh.out, "📎 %s (%d bytes)\n", path, len(data))
	return &models.Message{ID: sh.msgID}, nil
}

// print writes a bot message; the caller holds sh.mu.
func (sh *shell) print(text string, markup models.ReplyMarkup, msgID int, chatID int64) {
	fmt.Fprintln(sh.out)
	for _, line := range strings.Split(locales.PlainText(text), "\n") {
		fmt.Fprintf(sh.out, "🤖 %s\n", line)
	}
	switch kb := markup.(type) {
	case *models.InlineKeyboardMarkup:
		sh.choices = sh.choices[:0]
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				sh.choices = append(sh.choices, shellChoice{text: b.Text, data: b.CallbackData, msgID: msgID, chatID: chatID})
			}
		}
	case *models.ReplyKeyboardMarkup:
		sh.choices = sh.choices[:0]
		for _, row := range kb.Keyboard {
			for _, b := range row {
				sh.choices = append(sh.choices, shellChoice{text: b.Text, contact: b.RequestContact})
			}
		}
	case *models.ReplyKeyboardRemove:
		sh.choices = sh.choices[:0]
	default:
		return
	}
	for i, c := range sh.choices {
		fmt.Fprintf(sh.out, "   [#%d] %s\n", i+1, c.text)
	}
}

// loop reads lines until EOF, /thoat or ctx ends, and hands each as an
// update to the pipeline.
func (sh *shell) loop(ctx context.Context, in io.Reader, p *bot.Pipeline, userID int64) error {
	fmt.Fprintln(sh.out, "cnsbot shell — gõ /start để bắt đầu, #1 #2… để bấm nút [#1] [#2]…, /thoat để thoát.")
	fmt.Fprintln(sh.out, "               type /start to begin, #1 #2… to press button [#1] [#2]…, /quit to leave.")
	fmt.Fprintln(sh.out, "               Số không có # là tin nhắn / a number without # is a message.")
	sh.mu.Lock()
	sh.printMenu()
	sh.mu.Unlock()
	user := models.User{ID: userID, FirstName: "Shell", LanguageCode: sh.lang}
	chat := models.Chat{ID: userID, Type: models.ChatTypePrivate}
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 64*1024), 64*1024)
	updateID := time.Now().UnixMilli()
	for {
		fmt.Fprint(sh.out, "\n> ")
		if ctx.Err() != nil || !scanner.Scan() {
			fmt.Fprintln(sh.out)
			return scanner.Err()
		}
		line := strings.TrimSpace(scanner.Text())
		switch line {
		case "":
			continue
		case "/thoat", "/quit", "/exit":
			return nil
		}
		updateID++
		upd := &models.Update{ID: updateID}
		msg := &models.Message{ID: int(updateID % 1_000_000), From: &user, Chat: chat, Date: int(time.Now().Unix())}
		if choice, ok := sh.choice(line); ok {
			switch {
			case choice.contact:
				fmt.Fprint(sh.out, "📱 Số điện thoại / phone: ")
				if !scanner.Scan() {
					return scanner.Err()
				}
				msg.Contact = &models.Contact{PhoneNumber: strings.TrimSpace(scanner.Text()), FirstName: user.FirstName, UserID: user.ID}
				upd.Message = msg
			case choice.data != "":
				// A button on a message to someone else (an admin's join
				// notice) is pressed as that person.
				from, in := user, chat
				if choice.chatID != 0 && choice.chatID != userID {
					from = models.User{ID: choice.chatID, FirstName: "Shell"}
					in = models.Chat{ID: choice.chatID, Type: models.ChatTypePrivate}
				}
				upd.CallbackQuery = &models.CallbackQuery{
					ID: strconv.FormatInt(updateID, 10), From: from, Data: choice.data,
					Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage,
						Message: &models.Message{ID: choice.msgID, Chat: in}},
				}
			default:
				msg.Text = choice.text
				upd.Message = msg
			}
		} else {
			msg.Text = line
			if strings.HasPrefix(line, "/") {
				cmd, _, _ := strings.Cut(line, " ")
				msg.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Length: len(utf16.Encode([]rune(cmd)))}}
			}
			upd.Message = msg
		}
		p.Handle(ctx, upd)
	}
}

// choice returns the button a typed "#N" names; anything else, a bare
// number included, is text.
func (sh *shell) choice(line string) (shellChoice, bool) {
	num, ok := strings.CutPrefix(line, "#")
	if !ok {
		return shellChoice{}, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(num))
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err != nil || n < 1 || n > len(sh.choices) {
		return shellChoice{}, false
	}
	return sh.choices[n-1], true
}
