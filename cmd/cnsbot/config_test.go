package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// clearConfigEnv unsets the override variables for the test, so a
// developer's environment cannot change the results.
func clearConfigEnv(tb testing.TB) {
	tb.Helper()
	for _, k := range []string{EnvTelegramToken, EnvRedisURL, EnvWebhookSecretToken, EnvDatabasePath} {
		tb.Setenv(k, "")
	}
}

// MustWriteConfig writes text to a config file in a temporary directory.
func MustWriteConfig(tb testing.TB, text string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "cnsbot.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestExampleConfig(t *testing.T) {
	clearConfigEnv(t)
	cfg, err := ReadConfigFile(filepath.Join("..", "..", "config.example.yaml"))
	if err != nil {
		t.Fatalf("ReadConfigFile: %v", err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	// The example documents the defaults: it must decode to exactly them.
	if got, want := cfg, DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Fatalf("example differs from DefaultConfig:\n got %#v\nwant %#v", got.plain(), want.plain())
	}
}

func TestExampleConfigDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, indent string) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !strings.Contains(text, "\n"+indent+name+":") {
				t.Errorf("config.example.yaml lacks %q", indent+name)
			}
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[Duration]() {
				walk(f.Type, indent+"  ")
			}
		}
	}
	walk(reflect.TypeFor[Config](), "")
}

func TestDefaultConfig(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if err := cfg.ValidateForRun(); err == nil || !strings.Contains(err.Error(), "telegram.token") {
		t.Fatalf("ValidateForRun=%v, want telegram.token required", err)
	}
}

func TestReadConfigFile(t *testing.T) {
	t.Run("DefaultsWhenAbsent", func(t *testing.T) {
		clearConfigEnv(t)
		cfg, err := ReadConfigFile(MustWriteConfig(t, "locale: en\ntelegram:\n  workers: 8\nwebhook:\n  public_url:\n"))
		if err != nil {
			t.Fatal(err)
		}
		want := DefaultConfig()
		want.Locale = "en"
		want.Telegram.Workers = 8
		if !reflect.DeepEqual(cfg, want) {
			t.Fatalf("got %#v\nwant %#v", cfg.plain(), want.plain())
		}
	})

	t.Run("EmptyFile", func(t *testing.T) {
		clearConfigEnv(t)
		cfg, err := ReadConfigFile(MustWriteConfig(t, "# nothing\n"))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(cfg, DefaultConfig()) {
			t.Fatalf("got %#v", cfg.plain())
		}
	})

	t.Run("Durations", func(t *testing.T) {
		clearConfigEnv(t)
		cfg, err := ReadConfigFile(MustWriteConfig(t, "conversation:\n  ttl: 1h30m\n  edit_window: 0s\ntelegram:\n  poll_timeout: \"45s\"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cfg.Conversation.TTL.Duration(), 90*time.Minute; got != want {
			t.Fatalf("TTL=%v, want %v", got, want)
		}
		if got, want := cfg.Conversation.EditWindow.Duration(), time.Duration(0); got != want {
			t.Fatalf("EditWindow=%v, want %v", got, want)
		}
		if got, want := cfg.Telegram.PollTimeout.Duration(), 45*time.Second; got != want {
			t.Fatalf("PollTimeout=%v, want %v", got, want)
		}
	})

	t.Run("ExpandEnv", func(t *testing.T) {
		clearConfigEnv(t)
		t.Setenv("TEST_CNSBOT_DB", "/var/lib/cnsbot/db.sqlite")
		t.Setenv("TEST_CNSBOT_EMPTY", "")
		cfg, err := ReadConfigFile(MustWriteConfig(t, strings.Join([]string{
			`database:`,
			`  path: "${TEST_CNSBOT_DB}"`,
			`locale: ${TEST_CNSBOT_UNSET:-en}`,
			`redis:`,
			`  key_prefix: "${TEST_CNSBOT_EMPTY:-x:}pa$$"`,
			`timezone: ${TEST_CNSBOT_UNSET_TZ:-UTC}`,
			`log:`,
			`  level: "${TEST_CNSBOT_UNSET_LEVEL:-debug}"`,
		}, "\n")))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cfg.Database.Path, "/var/lib/cnsbot/db.sqlite"; got != want {
			t.Fatalf("Database.Path=%q, want %q", got, want)
		}
		if got, want := cfg.Locale, "en"; got != want {
			t.Fatalf("Locale=%q, want %q", got, want)
		}
		if got, want := cfg.Redis.KeyPrefix, "x:pa$$"; got != want {
			t.Fatalf("KeyPrefix=%q, want %q", got, want)
		}
		if got, want := cfg.Timezone, "UTC"; got != want {
			t.Fatalf("Timezone=%q, want %q", got, want)
		}
		if got, want := cfg.Log.Level, "debug"; got != want {
			t.Fatalf("Log.Level=%q, want %q", got, want)
		}
	})

	t.Run("EnvOverrides", func(t *testing.T) {
		t.Setenv(EnvTelegramToken, "123:from-env")
		t.Setenv(EnvRedisURL, "redis://localhost:6379/2")
		t.Setenv(EnvWebhookSecretToken, "env_secret-1")
		t.Setenv(EnvDatabasePath, "/tmp/env.db")
		cfg, err := ReadConfigFile(MustWriteConfig(t, "telegram:\n  token: from-file\ndatabase:\n  path: file.db\n"))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ name, got, want string }{
			{"Telegram.Token", cfg.Telegram.Token, "123:from-env"},
			{"Redis.URL", cfg.Redis.URL, "redis://localhost:6379/2"},
			{"Webhook.SecretToken", cfg.Webhook.SecretToken, "env_secret-1"},
			{"Database.Path", cfg.Database.Path, "/tmp/env.db"},
		} {
			if c.got != c.want {
				t.Fatalf("%s=%q, want %q", c.name, c.got, c.want)
			}
		}
		if err := cfg.ValidateForRun(); err != nil {
			t.Fatalf("ValidateForRun: %v", err)
		}
	})

	t.Run("MissingFile", func(t *testing.T) {
		if _, err := ReadConfigFile(filepath.Join(t.TempDir(), "nope.yaml")); err == nil {
			t.Fatal("no error for a missing file")
		}
	})
}

func TestReadConfigFileErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{"UnknownTopKey", "telegram:\n  mode: polling\ndatabse:\n  path: x.db\n", []string{"databse: unknown key", "database"}},
		{"UnknownNestedKey", "telegram:\n  pol_timeout: 30s\n", []string{"telegram.pol_timeout: unknown key", "poll_timeout"}},
		{"BadMode", "telegram:\n  mode: pull\n", []string{`telegram.mode: "pull" is not one of polling, webhook`}},
		{"BadDuration", "conversation:\n  ttl: 30 minutes\n", []string{"conversation.ttl", `"30 minutes" is not a duration`}},
		{"DurationWithoutUnit", "telegram:\n  poll_timeout: 30\n", []string{"telegram.poll_timeout", "not a duration"}},
		{"ShortTTL", "conversation:\n  ttl: 30s\n", []string{"conversation.ttl: 30s is shorter than 1m"}},
		{"BadSecretChars", "webhook:\n  secret_token: \"abc def!\"\n", []string{"webhook.secret_token", "A-Z a-z 0-9 _ -"}},
		{"SecretTooLong", "webhook:\n  secret_token: " + strings.Repeat("a", 257) + "\n", []string{"webhook.secret_token"}},
		{"BadNumber", "telegram:\n  workers: many\n", []string{`telegram.workers: "many" is not a whole number`}},
		{"WorkersRange", "telegram:\n  workers: 0\n", []string{"telegram.workers: 0 is outside 1–10000"}},
		{"MaxConnections", "webhook:\n  max_connections: 101\n", []string{"webhook.max_connections"}},
		{"APIURL", "telegram:\n  api_url: api.telegram.org\n", []string{"telegram.api_url", "http:// or https://"}},
		{"RedisURL", "redis:\n  url: \"http://:pw@localhost:6379\"\n", []string{"redis.url", "REDACTED"}},
		{"Timezone", "timezone: Mars/Olympus\n", []string{"timezone", "Mars/Olympus"}},
		{"Locale", "locale: fr\n", []string{`locale: "fr" is not one of vi, en`}},
		{"LogLevel", "log:\n  level: verbose\n", []string{"log.level"}},
		{"LogFormat", "log:\n  format: xml\n", []string{"log.format"}},
		{"TLSHalf", "webhook:\n  tls_cert: cert.pem\n", []string{"webhook.tls_cert", "tls_key"}},
		{"PublicURLNotHTTPS", "webhook:\n  public_url: http://bot.example.org/tg\n", []string{"webhook.public_url", "https://"}},
		{"PublicURLPort", "webhook:\n  public_url: https://bot.example.org:8080/tg\n", []string{"webhook.public_url", "443, 80, 88, 8443"}},
		{"HTTPListen", "http:\n  listen: localhost\n", []string{"http.listen"}},
		{"Rate", "broadcast:\n  rate_per_second: 0\n", []string{"broadcast.rate_per_second"}},
		{"SectionNotMapping", "telegram: yes\n", []string{"telegram: want a mapping"}},
		{"Syntax", "telegram:\n  mode: [polling\n", []string{"parse yaml"}},
		{"SeveralAtOnce", "locale: fr\nlog:\n  level: loud\n", []string{"locale", "log.level"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clearConfigEnv(t)
			_, err := ReadConfigFile(MustWriteConfig(t, tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// A decoding error names the key and where it is written: the file's line
// and column, as an editor shows them.
func TestReadConfigFileErrorPosition(t *testing.T) {
	for _, tt := range []struct {
		name string
		yaml string
		want string
	}{
		{"UnknownNestedKey", "locale: en\ntelegram:\n  mode: polling\n  tokn: x\n",
			`line 4, column 3: telegram.tokn: unknown key; the keys in telegram are token, api_url, mode, poll_timeout, workers`},
		{"UnknownKeyInList", "schedules:\n  - name: x\n    crn: \"0 8 * * 1\"\n",
			"line 3, column 5: schedules[0].crn: unknown key"},
		{"UnknownTopKey", "# cnsbot\n\nfoo: 1\n", "line 3, column 1: foo: unknown key; the keys at the top level are telegram,"},
		{"WrongType", "telegram:\n  mode: polling\n  workers: many\n", `line 3, column 12: telegram.workers: "many" is not a whole number`},
		{"WrongTypeBool", "schedules:\n  - name: x\n    enabled: maybe\n", `line 3, column 14: schedules[0].enabled: "maybe" is not true or false`},
		{"ListForString", "locale: [vi, en]\n", "line 1, column 9: locale: want a single value"},
		{"BadDuration", "\nconversation:\n  ttl: 30\n", "line 3, column 8: conversation.ttl: 30 is not a duration"},
		{"NotAMapping", "just text\n", "line 1, column 1: the file must be a mapping"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clearConfigEnv(t)
			path := MustWriteConfig(t, tt.yaml)
			_, err := ReadConfigFile(path)
			if err == nil {
				t.Fatal("no error")
			}
			if want := "config " + path + ": " + tt.want; !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("error=%q\nwant it to start %q", err, want)
			}
		})
	}
}

func TestValidateForRun(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Telegram.Token = "123:abc"
	if err := cfg.ValidateForRun(); err != nil {
		t.Fatalf("polling with a token: %v", err)
	}
	cfg.Telegram.Mode = ModeWebhook
	err := cfg.ValidateForRun()
	if err == nil || !strings.Contains(err.Error(), "webhook.public_url") || !strings.Contains(err.Error(), "webhook.secret_token") {
		t.Fatalf("webhook without URL and secret: %v", err)
	}
	cfg.Webhook.PublicURL = "https://bot.example.org/telegram"
	cfg.Webhook.SecretToken = "s3cret_-"
	if err := cfg.ValidateForRun(); err != nil {
		t.Fatalf("complete webhook config: %v", err)
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Telegram.Token = "123456:SUPER-SECRET-TOKEN"
	cfg.Webhook.SecretToken = "hook_secret_value"
	cfg.Redis.URL = "redis://user:redis-password@localhost:6379/0"
	secrets := []string{"SUPER-SECRET-TOKEN", "hook_secret_value", "redis-password"}

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "config", cfg)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "config", cfg)
	outputs := map[string]string{
		"%v":       fmt.Sprintf("%v", cfg),
		"%+v":      fmt.Sprintf("%+v", cfg),
		"%#v":      fmt.Sprintf("%#v", cfg),
		"%s":       fmt.Sprintf("%s", cfg),
		"telegram": fmt.Sprintf("%v %+v", cfg.Telegram, cfg.Telegram),
		"webhook":  fmt.Sprintf("%v %+v", cfg.Webhook, cfg.Webhook),
		"redis":    fmt.Sprintf("%v %+v", cfg.Redis, cfg.Redis),
		"slog":     logged.String(),
	}
	for name, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s prints %q:\n%s", name, s, out)
			}
		}
		if !strings.Contains(out, "REDACTED") {
			t.Errorf("%s does not show REDACTED:\n%s", name, out)
		}
	}
	if !strings.Contains(cfg.String(), "ttl: 30m") {
		t.Errorf("String() lacks the durations:\n%s", cfg.String())
	}
	// Redacted copies; it never changes the original.
	if cfg.Telegram.Token != "123456:SUPER-SECRET-TOKEN" {
		t.Fatal("Redacted changed the original")
	}
}

func TestExpandEnv(t *testing.T) {
	t.Setenv("TEST_CNSBOT_A", "alpha")
	t.Setenv("TEST_CNSBOT_EMPTY", "")
	for _, tt := range []struct{ in, want string }{
		{"${TEST_CNSBOT_A}", "alpha"},
		{"x${TEST_CNSBOT_A}y${TEST_CNSBOT_A}", "xalphayalpha"},
		{"${TEST_CNSBOT_UNSET}", ""},
		{"${TEST_CNSBOT_UNSET:-def}", "def"},
		{"${TEST_CNSBOT_EMPTY:-def}", "def"},
		{"${TEST_CNSBOT_A:-def}", "alpha"},
		{"${TEST_CNSBOT_UNSET:-a:b}", "a:b"},
		{"$TEST_CNSBOT_A $5 pa$$", "$TEST_CNSBOT_A $5 pa$$"},
		{"$${TEST_CNSBOT_A}", "${TEST_CNSBOT_A}"},
		{"${unterminated", "${unterminated"},
	} {
		if got := expandEnv(tt.in); got != tt.want {
			t.Errorf("expandEnv(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDurationString(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "30s"},
		{30 * time.Minute, "30m"},
		{168 * time.Hour, "168h"},
		{90 * time.Minute, "1h30m"},
		{90*time.Minute + time.Second, "1h30m1s"},
		{0, "0s"},
	} {
		if got := Duration(tt.d).String(); got != tt.want {
			t.Errorf("Duration(%v).String()=%q, want %q", tt.d, got, tt.want)
		}
	}
}

// A schedule with a bad cron or audience is refused, naming the entry.
func TestConfigSchedules(t *testing.T) {
	cfg, err := ParseConfig([]byte("schedules:\n  - name: friday\n    cron: \"30 16 * * 5\"\n    audience: silent_teams\n"))
	if err != nil || len(cfg.Schedules) != 1 {
		t.Fatalf("cfg=%+v err=%v", cfg.Schedules, err)
	}
	for _, bad := range []string{
		"schedules:\n  - name: x\n    cron: \"99 16 * * 5\"\n    audience: silent_teams\n",
		"schedules:\n  - name: x\n    cron: \"0 16 * * 5\"\n    audience: everyone\n",
		"schedules:\n  - name: x\n    cron: \"0 16 * * 5\"\n    audience: group\n",
	} {
		if _, err := ParseConfig([]byte(bad)); err == nil || !strings.Contains(err.Error(), "schedules[0]") {
			t.Fatalf("%q: err=%v, want one naming schedules[0]", bad, err)
		}
	}
}
