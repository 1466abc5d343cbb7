package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"cnsbot"
	"cnsbot/demo"
	"cnsbot/export"
	"cnsbot/importer"
)

// runMigrate is `cnsbot migrate`: apply pending migrations and say which.
func (m *Main) runMigrate(ctx context.Context, args []string) error {
	fs, configPath := m.flagSet("migrate")
	// Opening applies the migrations; Migrate then says the schema is current.
	a, err := m.openFromFlags(fs, configPath, args)
	if err != nil {
		return err
	}
	applied, err := a.DB.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: schema up to date (%d applied now)\n", a.Config.Database.Path, len(applied))
	return nil
}

// runDemo is `cnsbot demo`: load the demo data into the configured database.
func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs, configPath := m.flagSet("demo")
	a, err := m.openFromFlags(fs, configPath, args)
	if err != nil {
		return err
	}
	svc := demoServices(a)
	if loaded, err := demo.Loaded(ctx, svc); err != nil {
		return err
	} else if loaded {
		fmt.Fprintf(m.Stdout, "%s already holds the demo data\n", a.Config.Database.Path)
		return nil
	}
	sum, err := demo.Load(ctx, svc, time.Now(), a.Location)
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	fmt.Fprintln(m.Stdout, sum.String())
	fmt.Fprintln(m.Stdout, "Demo personas (share one of these phones with /start to register):")
	for _, p := range demo.Personas {
		fmt.Fprintf(m.Stdout, "  %s  %-9s  %s — %s\n", p.Phone, p.Role, p.Name, p.Note)
	}
	return nil
}

// runImport is `cnsbot import KIND FILE`.
func (m *Main) runImport(ctx context.Context, args []string) error {
	fs, configPath := m.flagSet("import")
	a, err := m.openFromFlags(fs, configPath, args)
	if err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return fmt.Errorf("import: want KIND FILE, KIND one of %s", strings.Join(importer.Kinds, ", "))
	}
	kind, path := fs.Arg(0), fs.Arg(1)
	im := importer.NewImporter(importer.Services{Import: a.Imports, Units: a.Units, Indicators: a.Indicators, Members: a.Members, Reports: a.Reports})
	res, err := im.Import(ctx, kind, path)
	var ierr *importer.ImportError
	if errors.As(err, &ierr) {
		fmt.Fprintf(m.Stderr, "%s: %d bad rows, nothing imported:\n%s\n", path, len(ierr.Rows), ierr.Error())
		return fmt.Errorf("import %s: %d bad rows", kind, len(ierr.Rows))
	} else if err != nil {
		return fmt.Errorf("import %s: %w", kind, err)
	}
	fmt.Fprintf(m.Stdout, "%s: imported %d %s\n", path, res.Rows, res.Kind)
	return nil
}

// runExport is `cnsbot export reports [-from] [-to] [-unit] [-lang] -o FILE`.
func (m *Main) runExport(ctx context.Context, args []string) error {
	// The kind may come before or after -config: take it out wherever it is.
	kind := ""
	for i, a := range args {
		if a == "reports" || a == "invites" {
			kind, args = a, append(append([]string{}, args[:i]...), args[i+1:]...)
			break
		}
	}
	switch kind {
	case "invites":
		return m.runExportInvites(ctx, args)
	case "":
		fmt.Fprint(m.Stderr, usage)
		return errors.New("export: `export reports` or `export invites`")
	}
	fs, configPath := m.flagSet("export reports")
	from := fs.String("from", "", "first `DATE` (YYYY-MM-DD or DD/MM/YYYY)")
	to := fs.String("to", "", "last `DATE` (YYYY-MM-DD or DD/MM/YYYY)")
	unit := fs.String("unit", "", "only reports of this unit `CODE` and its subtree")
	out := fs.String("o", "", "output `FILE`: .xlsx or .csv")
	lang := fs.String("lang", "vi", "CSV for Excel in `LANG`: vi (semicolons, decimal comma) or en (commas, decimal point)")
	a, err := m.openFromFlags(fs, configPath, args)
	if err != nil {
		return err
	}
	if *lang != "vi" && *lang != "en" {
		return fmt.Errorf("export reports: -lang %q: use vi or en", *lang)
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	if *out == "" || format != "xlsx" && format != "csv" {
		return errors.New("export reports: -o FILE.xlsx or FILE.csv is required")
	}
	filter := cnsbot.ReportFilter{}
	if filter.From, err = parseFlagDate("-from", *from); err != nil {
		return err
	}
	if filter.To, err = parseFlagDate("-to", *to); err != nil {
		return err
	}
	if *unit != "" {
		u, err := a.Units.FindUnitByCode(ctx, *unit)
		if cnsbot.IsNotFound(err) {
			return fmt.Errorf("-unit %q: no such unit code", *unit)
		} else if err != nil {
			return err
		}
		filter.UnitID = u.ID
	}
	n, err := export.ExportReportsFile(ctx, exportServices(a), filter, *out, export.CSVLayoutFor(*lang))
	if err != nil {
		return fmt.Errorf("export reports: %w", err)
	}
	fmt.Fprintf(m.Stdout, "%s: %d reports\n", *out, n)
	return nil
}

// parseFlagDate accepts YYYY-MM-DD or DD/MM/YYYY and returns YYYY-MM-DD.
func parseFlagDate(name, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("%s %q: want a date like 2026-07-21 or 21/07/2026", name, s)
}

func exportServices(a *App) export.Services {
	return export.Services{Reports: a.Reports, Units: a.Units, Indicators: a.Indicators, Members: a.Members, Teams: a.Teams}
}

// openFromFlags parses a tool's flags, reads the config and opens the app.
func (m *Main) openFromFlags(fs *flag.FlagSet, configPath *string, args []string) (*App, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return nil, err
	}
	return m.openApp(cfg)
}
