package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // timezone must load on hosts without a zoneinfo database

	"cnsbot"
	"cnsbot/schedule"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Environment variables that override the file, so secrets need not be
// written in it.
const (
	EnvTelegramToken      = "CNSBOT_TELEGRAM_TOKEN"
	EnvRedisURL           = "CNSBOT_REDIS_URL"
	EnvWebhookSecretToken = "CNSBOT_WEBHOOK_SECRET_TOKEN"
	EnvDatabasePath       = "CNSBOT_DATABASE_PATH"
)

// Modes of receiving updates.
const (
	ModePolling = "polling"
	ModeWebhook = "webhook"
)

// Config is cnsbot's configuration, read from a YAML file whose keys are the
// yaml tags below (see config.example.yaml).
type Config struct {
	Telegram     TelegramConfig     `yaml:"telegram"`
	Webhook      WebhookConfig      `yaml:"webhook"`
	Redis        RedisConfig        `yaml:"redis"`
	Database     DatabaseConfig     `yaml:"database"`
	Timezone     string             `yaml:"timezone"`
	Locale       string             `yaml:"locale"`
	HTTP         HTTPConfig         `yaml:"http"`
	Conversation ConversationConfig `yaml:"conversation"`
	Broadcast    BroadcastConfig    `yaml:"broadcast"`
	Figures      FiguresConfig      `yaml:"figures"`
	Schedules    []ScheduleConfig   `yaml:"schedules"`
	Limits       LimitsConfig       `yaml:"limits"`
	Log          LogConfig          `yaml:"log"`
}

// TelegramConfig is how cnsbot reaches the Bot API.
type TelegramConfig struct {
	Token       string   `yaml:"token"`
	APIURL      string   `yaml:"api_url"`
	Mode        string   `yaml:"mode"`
	PollTimeout Duration `yaml:"poll_timeout"`
	// Workers is the number of chats handled at the same time.
	Workers int `yaml:"workers"`
	// UpdateRetention is how long handled updates are remembered to drop
	// a redelivery (Telegram redelivers for up to 24 hours).
	UpdateRetention Duration `yaml:"update_retention"`
}

// WebhookConfig is the HTTPS endpoint Telegram delivers updates to in
// webhook mode.
type WebhookConfig struct {
	Listen         string `yaml:"listen"`
	PublicURL      string `yaml:"public_url"`
	SecretToken    string `yaml:"secret_token"`
	MaxConnections int    `yaml:"max_connections"`
	TLSCert        string `yaml:"tls_cert"`
	TLSKey         string `yaml:"tls_key"`
}

// RedisConfig locates the conversation state store; an empty URL keeps the
// state in process memory.
type RedisConfig struct {
	URL       string `yaml:"url"`
	KeyPrefix string `yaml:"key_prefix"`
}

// DatabaseConfig locates the SQLite database.
type DatabaseConfig struct {
	Path string `yaml:"path"`
	// Synchronous is normal (a process crash loses nothing; a power cut
	// may lose the last commits) or full (a power cut loses nothing either;
	// fewer reports a second).
	Synchronous string `yaml:"synchronous"`
}

// HTTPConfig is the local health and metrics endpoint; an empty Listen
// turns it off.
type HTTPConfig struct {
	Listen string `yaml:"listen"`
}

// ConversationConfig bounds multi-step conversations and later edits.
type ConversationConfig struct {
	TTL        Duration `yaml:"ttl"`
	EditWindow Duration `yaml:"edit_window"`
}

// BroadcastConfig paces broadcasts under Telegram's global send limit.
type BroadcastConfig struct {
	RatePerSecond int `yaml:"rate_per_second"`
}

// FiguresConfig shapes the leaders' figures.
type FiguresConfig struct {
	// BehindPercent is the completion under which an indicator is "chậm";
	// from it to under 100% it is "chưa đạt".
	BehindPercent float64 `yaml:"behind_percent"`
	// AdminMonth makes "tháng" the administrative month (15th to 14th).
	AdminMonth bool `yaml:"admin_month"`
}

// ScheduleConfig is one reminder schedule. The built-in ones (weekly_missing,
// monthly_cutoff, weekly_digest, escalation) are on without any entry; an
// entry with one of their names replaces it, any other name adds one.
type ScheduleConfig struct {
	Name     string `yaml:"name"`
	Cron     string `yaml:"cron"`     // minute hour day-of-month month day-of-week, Asia/Ho_Chi_Minh
	Audience string `yaml:"audience"` // members, silent_teams, leaders, group, escalation
	Unit     string `yaml:"unit"`     // unit code of the scope; "" = the whole tree
	ChatID   int64  `yaml:"chat_id"`  // the group of audience group
	Message  string `yaml:"message"`  // "" = the audience's standard text
	Enabled  *bool  `yaml:"enabled"`  // false pauses it; absent keeps an admin's pause or resume
}

// LimitsConfig protects the bot from floods and oversized input.
type LimitsConfig struct {
	// UserUpdatesPerMinute is the most updates one user may send a minute;
	// 0 turns the limit off.
	UserUpdatesPerMinute int `yaml:"user_updates_per_minute"`
	MaxTextLength        int `yaml:"max_text_length"`
}

// LogConfig sets the slog level and format.
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// Duration is a time.Duration written in YAML as a Go duration string such
// as "30s", "30m" or "1h30m".
type Duration time.Duration

// Duration returns d as a time.Duration.
func (d Duration) Duration() time.Duration { return time.Duration(d) }

// String formats d without trailing zero units: "30m", "168h", "1h30m".
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalText writes d as a duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := parseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// UnmarshalYAML decodes a duration string, so that an error names the
// line of the value; a number without a unit is refused.
func (d *Duration) UnmarshalYAML(node ast.Node) error {
	if tag, ok := node.(*ast.TagNode); ok {
		node = tag.Value
	}
	s, ok := node.(*ast.StringNode)
	if !ok {
		return &valueError{node: node, msg: fmt.Sprintf("%s is not a duration; write it with a unit like 30s, 5m or 1h30m", node.GetToken().Value)}
	}
	v, err := parseDuration(s.Value)
	if err != nil {
		return &valueError{node: node, msg: err.Error()}
	}
	*d = Duration(v)
	return nil
}

func parseDuration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration; write it like 30s, 5m or 1h30m", s)
	}
	return v, nil
}

// DefaultConfig returns the configuration used for every key the file does
// not set.
func DefaultConfig() Config {
	return Config{
		Telegram: TelegramConfig{
			APIURL:          "https://api.telegram.org",
			Mode:            ModePolling,
			PollTimeout:     Duration(30 * time.Second),
			Workers:         64,
			UpdateRetention: Duration(24 * time.Hour),
		},
		Webhook: WebhookConfig{
			Listen:         ":8443",
			MaxConnections: 40,
		},
		Redis:    RedisConfig{KeyPrefix: "cnsbot:"},
		Database: DatabaseConfig{Path: "./data/cnsbot.db", Synchronous: "normal"},
		Timezone: "Asia/Ho_Chi_Minh",
		Locale:   "vi",
		HTTP:     HTTPConfig{Listen: "127.0.0.1:9090"},
		Conversation: ConversationConfig{
			TTL:        Duration(30 * time.Minute),
			EditWindow: Duration(168 * time.Hour),
		},
		Broadcast: BroadcastConfig{RatePerSecond: 30},
		Figures:   FiguresConfig{BehindPercent: 80},
		Schedules: []ScheduleConfig{},
		Limits:    LimitsConfig{UserUpdatesPerMinute: 60, MaxTextLength: 4096},
		Log:       LogConfig{Level: "info", Format: "auto"},
	}
}

// ReadConfigFile reads the YAML file at path over DefaultConfig: ${VAR} and
// ${VAR:-default} are replaced from the environment, the YAML is decoded
// once with unknown keys refused (an error names the key, its line and
// column), the CNSBOT_* environment variables override the file, and the
// result is validated. A key written without a value (null) keeps its
// default.
func ReadConfigFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig does what ReadConfigFile does with the file's contents.
func ParseConfig(data []byte) (Config, error) {
	cfg := DefaultConfig()
	file, err := parser.ParseBytes([]byte(expandEnv(string(data))), 0)
	if err != nil {
		return Config{}, fmt.Errorf("parse yaml: %s", yamlMessage(err))
	}
	if len(file.Docs) > 0 {
		body := file.Docs[0].Body
		if _, null := body.(*ast.NullNode); body != nil && !null {
			// One decode over the defaults: a null value keeps the default
			// it lands on, and an unknown key is an error, not a silent typo.
			if err := yaml.NodeToValue(body, &cfg, yaml.DisallowUnknownField()); err != nil {
				return Config{}, decodeError(body, err)
			}
		}
	}
	applyEnvOverrides(&cfg)
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// yamlMessage writes goccy's message with its position spelled out and
// without the source excerpt it appends.
func yamlMessage(err error) string {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		if tk := yerr.GetToken(); tk != nil {
			return fmt.Sprintf("%s: %s", position(tk), yerr.GetMessage())
		}
		return yerr.GetMessage()
	}
	return err.Error()
}

func position(tk *token.Token) string {
	return fmt.Sprintf("line %d, column %d", tk.Position.Line, tk.Position.Column)
}

// valueError is a value a config type refuses while decoding, with the
// node it was written in so the error can name its key and line.
type valueError struct {
	node ast.Node
	msg  string
}

func (e *valueError) Error() string { return e.msg }

// decodeError rewrites a decoding error of the document body as
// "line L, column C: dotted.key: what is wrong", the key found by the
// token the error points at.
func decodeError(body ast.Node, err error) error {
	var (
		verr *valueError
		yerr yaml.Error
		tk   *token.Token
		node ast.Node
	)
	switch {
	case errors.As(err, &verr):
		node, tk = verr.node, verr.node.GetToken()
	case errors.As(err, &yerr) && yerr.GetToken() != nil:
		tk = yerr.GetToken()
		node = nodeOfToken(body, tk)
	default:
		return fmt.Errorf("decode: %w", err)
	}
	path := "$"
	if node != nil {
		path = node.GetPath()
	}
	key := dottedKey(path)
	var msg string
	var (
		unknown  *yaml.UnknownFieldError
		nodeType *yaml.UnexpectedNodeTypeError
		typeErr  *yaml.TypeError
		overflow *yaml.OverflowError
	)
	switch {
	case verr != nil:
		msg = verr.msg
	case errors.As(err, &unknown):
		parent, _ := splitKey(path)
		where := "at the top level"
		if p := dottedKey(parent); p != "" {
			where = "in " + p
		}
		msg = "unknown key"
		if keys := knownKeys(parent); len(keys) > 0 {
			msg += fmt.Sprintf("; the keys %s are %s", where, strings.Join(keys, ", "))
		}
	case errors.As(err, &nodeType) && nodeType.Expected == ast.MappingType:
		if key == "" {
			return fmt.Errorf("%s: the file must be a mapping of keys such as telegram:, database:, locale:", position(tk))
		}
		_, last := splitKey(path)
		msg = fmt.Sprintf("want a mapping of keys under %s:, got %s", last, tk.Value)
	case errors.As(err, &nodeType) && nodeType.Expected == ast.SequenceType:
		msg = fmt.Sprintf("want a list, got %s", tk.Value)
	case errors.As(err, &typeErr) && typeErr.DstType != nil:
		// DstType is one of Config's field types: a builtin, or *bool.
		switch t := strings.TrimPrefix(typeErr.DstType.String(), "*"); {
		case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
			msg = fmt.Sprintf("%q is not a whole number", tk.Value)
		case strings.HasPrefix(t, "float"):
			msg = fmt.Sprintf("%q is not a number", tk.Value)
		case t == "bool":
			msg = fmt.Sprintf("%q is not true or false", tk.Value)
		case t == "string":
			msg = "want a single value, got a list or mapping"
		default:
			msg = typeErr.GetMessage()
		}
	case errors.As(err, &overflow):
		msg = fmt.Sprintf("%s is out of range", tk.Value)
	default:
		msg = yerr.GetMessage()
	}
	if key == "" {
		return fmt.Errorf("%s: %s", position(tk), msg)
	}
	return fmt.Errorf("%s: %s: %s", position(tk), key, msg)
}

// nodeOfToken finds the node of root that tk belongs to.
func nodeOfToken(root ast.Node, tk *token.Token) ast.Node {
	var found ast.Node
	ast.Walk(visitFunc(func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if n.GetToken() == tk {
			found = n
			return false
		}
		return true
	}), root)
	return found
}

type visitFunc func(ast.Node) bool

func (f visitFunc) Visit(n ast.Node) ast.Visitor {
	if f(n) {
		return f
	}
	return nil
}

// dottedKey turns a node path ("$.telegram.workers", "$.schedules[0].cron")
// into the key as the errors of Validate write it ("telegram.workers").
func dottedKey(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, "$"), ".")
}

// splitKey splits "$.a.b" into "$.a" and "b"; "$.a[2]" into "$" and "a[2]".
func splitKey(path string) (parent, last string) {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return "$", dottedKey(path)
	}
	return path[:i], path[i+1:]
}

// knownKeys lists, in file order, the keys allowed under the mapping at
// path, read from DefaultConfig with one schedule so every level exists.
func knownKeys(path string) []string {
	tmpl := DefaultConfig()
	tmpl.Schedules = []ScheduleConfig{{}}
	out, err := yaml.Marshal(tmpl.plain())
	if err != nil {
		return nil
	}
	file, err := parser.ParseBytes(out, 0)
	if err != nil || len(file.Docs) == 0 {
		return nil
	}
	node := file.Docs[0].Body
	if path != "$" {
		// Any list index reads the template's only entry.
		var b strings.Builder
		for i := 0; i < len(path); i++ {
			if path[i] == '[' {
				if j := strings.IndexByte(path[i:], ']'); j > 0 {
					b.WriteString("[0]")
					i += j
					continue
				}
			}
			b.WriteByte(path[i])
		}
		p, err := yaml.PathString(b.String())
		if err != nil {
			return nil
		}
		if node, err = p.FilterNode(node); err != nil {
			return nil
		}
	}
	m, ok := node.(*ast.MappingNode)
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(m.Values))
	for _, v := range m.Values {
		keys = append(keys, v.Key.GetToken().Value)
	}
	return keys
}

// expandEnv replaces ${VAR} with the variable's value ("" when unset) and
// ${VAR:-default} with the value, or default when the variable is unset or
// empty. A "$" not followed by "{" is kept as is, so values such as "pa$$"
// survive; "$${" writes a literal "${".
func expandEnv(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		expr := s[i+2 : i+end]
		name, def, hasDef := strings.Cut(expr, ":-")
		val := os.Getenv(strings.TrimSpace(name))
		if val == "" && hasDef {
			val = def
		}
		b.WriteString(val)
		s = s[i+end+1:]
	}
}

// applyEnvOverrides lets the CNSBOT_* variables that are set and not empty
// replace the file's values.
func applyEnvOverrides(cfg *Config) {
	for _, o := range []struct {
		env string
		dst *string
	}{
		{EnvTelegramToken, &cfg.Telegram.Token},
		{EnvRedisURL, &cfg.Redis.URL},
		{EnvWebhookSecretToken, &cfg.Webhook.SecretToken},
		{EnvDatabasePath, &cfg.Database.Path},
	} {
		if v := os.Getenv(o.env); v != "" {
			*o.dst = v
		}
	}
}

// Validate checks every key and returns all problems, each naming the key
// and what it allows. It does not require the token: commands other than
// run work without one.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	oneOf := func(key, v string, allowed ...string) {
		if !slices.Contains(allowed, v) {
			bad(key, "%q is not one of %s", v, strings.Join(allowed, ", "))
		}
	}
	between := func(key string, v, lo, hi int) {
		if v < lo || v > hi {
			bad(key, "%d is outside %d–%d", v, lo, hi)
		}
	}

	if err := checkHTTPURL(c.Telegram.APIURL); err != nil {
		bad("telegram.api_url", "%v", err)
	}
	oneOf("telegram.mode", c.Telegram.Mode, ModePolling, ModeWebhook)
	oneOf("database.synchronous", c.Database.Synchronous, "normal", "full")
	if d := c.Telegram.PollTimeout.Duration(); d < 2*time.Second || d > 10*time.Minute {
		bad("telegram.poll_timeout", "%s is outside 2s–10m", c.Telegram.PollTimeout)
	}
	between("telegram.workers", c.Telegram.Workers, 1, 10000)
	if d := c.Telegram.UpdateRetention.Duration(); d < time.Hour || d > 30*24*time.Hour {
		bad("telegram.update_retention", "%s is outside 1h–720h", c.Telegram.UpdateRetention)
	}

	if c.Telegram.Mode == ModeWebhook || c.Webhook.Listen != "" {
		if err := checkListen(c.Webhook.Listen); err != nil {
			bad("webhook.listen", "%v", err)
		}
	}
	if c.Webhook.PublicURL != "" {
		if err := checkPublicURL(c.Webhook.PublicURL); err != nil {
			bad("webhook.public_url", "%v", err)
		}
	}
	if tok := c.Webhook.SecretToken; tok != "" && !validSecretToken(tok) {
		if len(tok) > 256 {
			bad("webhook.secret_token", "%d characters is too long; use 1–256 characters of A-Z a-z 0-9 _ -", len(tok))
		} else {
			// The position, not the character: the value is a secret.
			bad("webhook.secret_token", "character %d is not allowed; use 1–256 characters of A-Z a-z 0-9 _ -", strings.IndexFunc(tok, func(r rune) bool { return !validSecretToken(string(r)) })+1)
		}
	}
	between("webhook.max_connections", c.Webhook.MaxConnections, 1, 100)
	if (c.Webhook.TLSCert == "") != (c.Webhook.TLSKey == "") {
		bad("webhook.tls_cert", "set both webhook.tls_cert and webhook.tls_key, or neither (TLS terminated by a proxy)")
	}

	if c.Redis.URL != "" {
		if u, err := url.Parse(c.Redis.URL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			bad("redis.url", "%q is not a redis://host:port/db or rediss:// URL; leave it empty to keep conversations in memory", redactedURL(c.Redis.URL))
		}
	}
	if strings.TrimSpace(c.Database.Path) == "" {
		bad("database.path", "required: the SQLite file, e.g. ./data/cnsbot.db")
	}
	if c.Timezone == "" {
		bad("timezone", "required: an IANA zone such as Asia/Ho_Chi_Minh")
	} else if _, err := time.LoadLocation(c.Timezone); err != nil {
		bad("timezone", "%q is not an IANA zone such as Asia/Ho_Chi_Minh", c.Timezone)
	}
	oneOf("locale", c.Locale, "vi", "en")
	if c.HTTP.Listen != "" {
		if err := checkListen(c.HTTP.Listen); err != nil {
			bad("http.listen", "%v; write \"\" to turn it off", err)
		}
	}
	if d := c.Conversation.TTL.Duration(); d < time.Minute {
		bad("conversation.ttl", "%s is shorter than 1m", c.Conversation.TTL)
	}
	if c.Conversation.EditWindow < 0 {
		bad("conversation.edit_window", "%s is negative; 0 turns editing off", c.Conversation.EditWindow)
	}
	between("broadcast.rate_per_second", c.Broadcast.RatePerSecond, 1, 1000)
	seen := map[string]bool{}
	for i, sc := range c.Schedules {
		key := fmt.Sprintf("schedules[%d]", i)
		if seen[sc.Name] {
			bad(key+".name", "%q appears twice", sc.Name)
		}
		seen[sc.Name] = true
		s := &cnsbot.Schedule{Name: sc.Name, Cron: sc.Cron, Audience: sc.Audience, ChatID: sc.ChatID, Message: sc.Message, Source: schedule.SourceConfig}
		if err := schedule.Validate(s); err != nil {
			bad(key, "%v", errors.Unwrap(err))
		}
	}
	if p := c.Figures.BehindPercent; p < 0 || p >= 100 {
		bad("figures.behind_percent", "%v is not from 0 to under 100", p)
	}
	if c.Limits.UserUpdatesPerMinute < 0 {
		bad("limits.user_updates_per_minute", "%d is negative; 0 turns the limit off", c.Limits.UserUpdatesPerMinute)
	}
	between("limits.max_text_length", c.Limits.MaxTextLength, 1, 4096)
	oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf("log.format", c.Log.Format, "auto", "text", "json")
	return errors.Join(errs...)
}

// ValidateForRun is Validate plus what running the bot needs: the token, and
// in webhook mode the public URL and the secret token.
func (c Config) ValidateForRun() error {
	var errs []error
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(c.Telegram.Token) == "" {
		errs = append(errs, fmt.Errorf("telegram.token: required to run the bot; set %s or telegram.token", EnvTelegramToken))
	}
	if c.Telegram.Mode == ModeWebhook {
		if c.Webhook.PublicURL == "" {
			errs = append(errs, errors.New("webhook.public_url: required in webhook mode: the https:// URL Telegram posts updates to"))
		}
		if c.Webhook.SecretToken == "" {
			errs = append(errs, fmt.Errorf("webhook.secret_token: required in webhook mode; set %s or webhook.secret_token (1–256 of A-Z a-z 0-9 _ -)", EnvWebhookSecretToken))
		}
	}
	return errors.Join(errs...)
}

func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL", s)
	}
	return nil
}

// checkPublicURL applies Telegram's webhook rules: HTTPS on port 443, 80, 88
// or 8443.
func checkPublicURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an https:// URL (Telegram delivers webhooks over HTTPS only)", s)
	}
	if p := u.Port(); p != "" && !slices.Contains([]string{"443", "80", "88", "8443"}, p) {
		return fmt.Errorf("port %s is not one Telegram delivers to: 443, 80, 88, 8443", p)
	}
	return nil
}

func checkListen(addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%q is not a host:port address such as :8443 or 127.0.0.1:9090", addr)
	}
	return nil
}

// validSecretToken applies Telegram's rule for setWebhook's secret_token.
func validSecretToken(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

const redactedMark = "REDACTED"

// redactedURL hides a URL's password.
func redactedURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return redactedMark
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), redactedMark)
	}
	return u.String()
}

// Redacted returns a copy safe to print: the token, the webhook secret and
// the Redis password replaced by REDACTED.
func (c Config) Redacted() Config {
	if c.Telegram.Token != "" {
		c.Telegram.Token = redactedMark
	}
	if c.Webhook.SecretToken != "" {
		c.Webhook.SecretToken = redactedMark
	}
	if c.Redis.URL != "" {
		c.Redis.URL = redactedURL(c.Redis.URL)
	}
	return c
}

// String prints the redacted configuration as YAML.
func (c Config) String() string {
	out, err := yaml.Marshal(c.Redacted().plain())
	if err != nil {
		return "config: " + err.Error()
	}
	return string(out)
}

// GoString keeps %#v from printing secrets.
func (c Config) GoString() string { return c.String() }

// LogValue logs the redacted configuration as nested groups.
func (c Config) LogValue() slog.Value {
	r := c.Redacted()
	return slog.GroupValue(
		slog.Group(cnsbot.LogTelegram, cnsbot.LogAPIURL, r.Telegram.APIURL, cnsbot.LogMode, r.Telegram.Mode,
			cnsbot.LogPollTimeout, r.Telegram.PollTimeout.String(), cnsbot.LogWorkers, r.Telegram.Workers,
			cnsbot.LogUpdateRetention, r.Telegram.UpdateRetention.String(), cnsbot.LogToken, r.Telegram.Token),
		slog.Group(cnsbot.LogWebhook, cnsbot.LogListen, r.Webhook.Listen, cnsbot.LogPublicURL, r.Webhook.PublicURL,
			cnsbot.LogSecretToken, r.Webhook.SecretToken, cnsbot.LogMaxConnections, r.Webhook.MaxConnections,
			cnsbot.LogTLS, r.Webhook.TLSCert != ""),
		slog.Group(cnsbot.LogRedis, cnsbot.LogURL, r.Redis.URL, cnsbot.LogKeyPrefix, r.Redis.KeyPrefix),
		slog.Group(cnsbot.LogDatabase, cnsbot.LogPath, r.Database.Path, cnsbot.LogSynchronous, r.Database.Synchronous),
		slog.String(cnsbot.LogTimezone, r.Timezone),
		slog.String(cnsbot.LogLocale, r.Locale),
		slog.Group(cnsbot.LogHTTP, cnsbot.LogListen, r.HTTP.Listen),
		slog.Group(cnsbot.LogConversation, cnsbot.LogTTL, r.Conversation.TTL.String(), cnsbot.LogEditWindow, r.Conversation.EditWindow.String()),
		slog.Group(cnsbot.LogBroadcast, cnsbot.LogRatePerSecond, r.Broadcast.RatePerSecond),
		slog.Group(cnsbot.LogLimits, cnsbot.LogUserUpdatesPerMinute, r.Limits.UserUpdatesPerMinute, cnsbot.LogMaxTextLength, r.Limits.MaxTextLength),
		slog.Group(cnsbot.LogLog, cnsbot.LogLevel, r.Log.Level, cnsbot.LogFormat, r.Log.Format),
	)
}

// String keeps the token out of prints of the section alone.
func (t TelegramConfig) String() string {
	if t.Token != "" {
		t.Token = redactedMark
	}
	return fmt.Sprintf("{token:%s api_url:%s mode:%s poll_timeout:%s workers:%d update_retention:%s}",
		t.Token, t.APIURL, t.Mode, t.PollTimeout, t.Workers, t.UpdateRetention)
}

// String keeps the secret token out of prints of the section alone.
func (w WebhookConfig) String() string {
	if w.SecretToken != "" {
		w.SecretToken = redactedMark
	}
	return fmt.Sprintf("{listen:%s public_url:%s secret_token:%s max_connections:%d tls_cert:%s tls_key:%s}",
		w.Listen, w.PublicURL, w.SecretToken, w.MaxConnections, w.TLSCert, w.TLSKey)
}

// String keeps the Redis password out of prints of the section alone.
func (r RedisConfig) String() string {
	return fmt.Sprintf("{url:%s key_prefix:%s}", redactedURL(r.URL), r.KeyPrefix)
}

// plain converts c to a type without the String methods, so marshalling
// does not recurse through them.
func (c Config) plain() any {
	type config Config
	return config(c)
}
