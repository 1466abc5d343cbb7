package redis_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	"cnsbot/storage/redis"
)

// syncBuffer is a bytes.Buffer safe for go-redis' background goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestSetLogger(t *testing.T) {
	var buf syncBuffer
	redis.SetLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { redis.SetLogger(slog.New(slog.DiscardHandler)) })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := redis.NewStore("redis://"+addr+"/0", "cnsbot:")
	if err := s.Open(context.Background()); err == nil {
		s.Close()
		t.Fatal("Open succeeded on a closed port")
	}
	if got := buf.String(); !strings.Contains(got, `"component":"go-redis"`) {
		t.Fatalf("log=%q, want go-redis lines as JSON", got)
	}
}
