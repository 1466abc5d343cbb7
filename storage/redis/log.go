package redis

import (
	"context"
	"fmt"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"

	"cnsbot"
)

// SetLogger routes go-redis' own log lines to l at debug level instead of
// the standard logger's plain text on stderr. They mostly report failed
// dials during an outage, which the store already returns as EUNAVAILABLE.
// go-redis keeps one logger per process, so this affects every client; call
// it once from main before Open.
func SetLogger(l *slog.Logger) {
	goredis.SetLogger(slogAdapter{l})
}

// slogAdapter adapts *slog.Logger to go-redis' Printf-style logger.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Printf(ctx context.Context, format string, v ...any) {
	a.l.DebugContext(ctx, fmt.Sprintf(format, v...), slog.String(cnsbot.LogComponent, "go-redis"))
}
