package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // Asia/Ho_Chi_Minh must load on machines without a zoneinfo database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "cnsbot:", err)
		os.Exit(1)
	}
}

// Main is the program: it picks the subcommand and owns what it opened.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	closers []func() error
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

// usage is printed by -help and for an unknown subcommand.
const usage = `cnsbot — the Telegram bot of the community digital technology teams (Tổ công nghệ số cộng đồng)

Usage:
  cnsbot run     [-config FILE]                     run the bot (long polling or webhook)
  cnsbot shell   [-config FILE] [-as ROLE] [-fresh] talk to the bot in this terminal, on the demo data
  cnsbot migrate [-config FILE]                     apply database migrations
  cnsbot demo    [-config FILE]                     load the demo data (Lào Cai, 2023 tree)
  cnsbot import  [-config FILE] units|members|indicators|targets|values FILE.csv|FILE.xlsx
  cnsbot export  [-config FILE] reports [-from DATE] [-to DATE] [-unit CODE] [-lang vi|en] -o FILE.xlsx|FILE.csv
  cnsbot export  [-config FILE] invites [-unit CODE] [-bot USERNAME] -o FILE.csv
  cnsbot backup  [-config FILE] -o FILE.db          online, checked copy of the database (never overwrites)
  cnsbot version

Every command takes -config FILE (YAML; see config.example.yaml). Without it the embedded
defaults apply: SQLite under ./data/, conversation state in process memory.
Roles for -as: member, team_lead, leader, admin.
`

// Run runs the subcommand named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return m.runBot(ctx, rest)
	case "shell":
		return m.runShell(ctx, rest)
	case "migrate":
		return m.runMigrate(ctx, rest)
	case "demo":
		return m.runDemo(ctx, rest)
	case "import":
		return m.runImport(ctx, rest)
	case "export":
		return m.runExport(ctx, rest)
	case "backup":
		return m.runBackup(ctx, rest)
	case "version", "-version", "--version":
		return m.runVersion(rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	fmt.Fprint(m.Stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// Close releases what Run opened, last opened first.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}

func (m *Main) onClose(f func() error) { m.closers = append(m.closers, f) }

// flagSet returns a flag set for a subcommand with the common -config flag.
func (m *Main) flagSet(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("cnsbot "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	path := fs.String("config", "", "YAML configuration `FILE` (default: embedded defaults)")
	fs.Usage = func() {
		fmt.Fprint(m.Stderr, usage)
		fmt.Fprintf(m.Stderr, "\nFlags of %s:\n", fs.Name())
		fs.PrintDefaults()
	}
	return fs, path
}
