package cnsbot_test

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogKeysAreConstants fails when a log call in a non-test file of the
// module gets a key that is not one of the Log* constants of logattr.go: a
// string literal, a constant declared elsewhere, or a value where slog expects
// a key (it would print !BADKEY). It type-checks every package so only calls
// on *slog.Logger, the slog package functions and attribute constructors, and
// the module's own functions that forward their ...any to those, are checked.
func TestLogKeysAreConstants(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the whole module")
	}
	modPath := modulePath(t)
	exports := exportData(t)
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})

	var pkgs []*checkedPackage
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
			return filepath.SkipDir
		}
		bp, err := build.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		p := &checkedPackage{dir: filepath.ToSlash(path), info: &types.Info{
			Types: map[ast.Expr]types.TypeAndValue{},
			Uses:  map[*ast.Ident]types.Object{},
			Defs:  map[*ast.Ident]types.Object{},
		}}
		for _, f := range bp.GoFiles {
			file, err := parser.ParseFile(fset, filepath.Join(path, f), nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			p.files = append(p.files, file)
		}
		importPath := modPath
		if path != "." {
			importPath += "/" + filepath.ToSlash(path)
		}
		conf := types.Config{Importer: imp}
		if _, err := conf.Check(importPath, fset, p.files, p.info); err != nil {
			return fmt.Errorf("type-check %s: %w", importPath, err)
		}
		pkgs = append(pkgs, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	c := &keyChecker{fset: fset, modPath: modPath, forwarders: map[string]int{}}
	// Forwarders can forward to forwarders: repeat until no new one is found.
	for {
		n := len(c.forwarders)
		for _, p := range pkgs {
			c.findForwarders(p)
		}
		if len(c.forwarders) == n {
			break
		}
	}
	for _, p := range pkgs {
		c.check(p)
	}

	var failures []string
	for _, f := range c.findings {
		failures = append(failures, f.String())
	}
	if len(failures) > 0 {
		t.Errorf("log keys must be the Log* constants of package cnsbot (logattr.go); add one there if none fits:\n\t%s",
			strings.Join(failures, "\n\t"))
	}
}

func modulePath(tb testing.TB) string {
	tb.Helper()
	data, err := os.ReadFile("go.mod")
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	tb.Fatal("go.mod: no module line")
	return ""
}

// exportData maps the import path of every package the module builds with to
// its compiled export data, as the go command reports it (from the build cache).
func exportData(tb testing.TB) map[string]string {
	tb.Helper()
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("go list -export: %v\n%s", err, stderr.Bytes())
	}
	m := map[string]string{}
	for line := range strings.Lines(string(out)) {
		path, file, _ := strings.Cut(strings.TrimSpace(line), "\t")
		m[path] = file
	}
	return m
}

type checkedPackage struct {
	dir   string
	files []*ast.File
	info  *types.Info
}

type keyFinding struct {
	pos token.Position
	msg string
}

func (f keyFinding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", filepath.ToSlash(f.pos.Filename), f.pos.Line, f.pos.Column, f.msg)
}

type keyChecker struct {
	fset    *token.FileSet
	modPath string
	// forwarders maps a module function (funcKey) whose final ...any
	// parameter reaches a log call as key/value pairs to that parameter's index.
	forwarders map[string]int
	findings   []keyFinding
}

func funcKey(fn *types.Func) string {
	if fn.Pkg() == nil {
		return fn.Name()
	}
	return fn.FullName()
}

// logArgs reports where the key/value pairs of a call to fn start (-1: none)
// and whether its first argument is an attribute key (slog.String and kin).
func (c *keyChecker) logArgs(fn *types.Func) (pairs int, keyFirst bool) {
	if i, ok := c.forwarders[funcKey(fn)]; ok {
		return i, false
	}
	if fn.Pkg() == nil || fn.Pkg().Path() != "log/slog" {
		return -1, false
	}
	sig := fn.Type().(*types.Signature)
	if recv := sig.Recv(); recv != nil {
		named, ok := types.Unalias(derefType(recv.Type())).(*types.Named)
		if !ok || named.Obj().Name() != "Logger" {
			return -1, false
		}
		if fn.Name() == "WithGroup" {
			return -1, true
		}
		return logPairs(fn.Name()), false
	}
	switch fn.Name() {
	case "Group":
		return 1, true
	case "String", "Int", "Int64", "Uint64", "Float64", "Bool", "Time", "Duration", "Any":
		return -1, true
	}
	return logPairs(fn.Name()), false
}

// logPairs is where the key/value pairs start in a call of the logging
// function or *slog.Logger method of that name (-1: it takes none): after
// the message, after the context and the message, after the level too.
func logPairs(name string) int {
	switch name {
	case "Debug", "Info", "Warn", "Error":
		return 1
	case "DebugContext", "InfoContext", "WarnContext", "ErrorContext":
		return 2
	case "Log":
		return 3
	case "With":
		return 0
	}
	return -1
}

func derefType(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func calledFunc(info *types.Info, call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = fun
	case *ast.SelectorExpr:
		id = fun.Sel
	case *ast.IndexExpr:
		return nil
	default:
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	return fn
}

// findForwarders records the functions of p whose final ...any parameter is
// spread into the key/value pairs of a log call.
func (c *keyChecker) findForwarders(p *checkedPackage) {
	for _, file := range p.files {
		for _, decl := range file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, _ := p.info.Defs[fd.Name].(*types.Func)
			if fn == nil {
				continue
			}
			sig := fn.Type().(*types.Signature)
			if !sig.Variadic() {
				continue
			}
			last := sig.Params().At(sig.Params().Len() - 1)
			if !types.Identical(last.Type(), types.NewSlice(types.Universe.Lookup("any").Type())) {
				continue
			}
			if _, done := c.forwarders[funcKey(fn)]; done {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || !call.Ellipsis.IsValid() {
					return true
				}
				callee := calledFunc(p.info, call)
				if callee == nil {
					return true
				}
				if pairs, _ := c.logArgs(callee); pairs < 0 || pairs >= len(call.Args) {
					return true
				}
				spread := ast.Unparen(call.Args[len(call.Args)-1])
				if app, ok := spread.(*ast.CallExpr); ok && isBuiltin(p.info, app.Fun, "append") && len(app.Args) > 0 {
					spread = ast.Unparen(app.Args[0])
				}
				if id, ok := spread.(*ast.Ident); ok && p.info.Uses[id] == last {
					c.forwarders[funcKey(fn)] = sig.Params().Len() - 1
				}
				return true
			})
		}
	}
}

func isBuiltin(info *types.Info, fun ast.Expr, name string) bool {
	id, ok := ast.Unparen(fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

func (c *keyChecker) check(p *checkedPackage) {
	for _, file := range p.files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				c.checkAttrLit(p, n)
			case *ast.CallExpr:
				c.checkCall(p, n)
			}
			return true
		})
	}
}

// checkAttrLit checks slog.Attr{Key: …}.
func (c *keyChecker) checkAttrLit(p *checkedPackage, lit *ast.CompositeLit) {
	named, ok := types.Unalias(p.info.Types[lit].Type).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "log/slog" || named.Obj().Name() != "Attr" {
		return
	}
	for i, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Key" {
				c.checkKey(p, kv.Value)
			}
		} else if i == 0 {
			c.checkKey(p, elt)
		}
	}
}

func (c *keyChecker) checkCall(p *checkedPackage, call *ast.CallExpr) {
	fn := calledFunc(p.info, call)
	if fn == nil {
		return
	}
	pairs, keyFirst := c.logArgs(fn)
	if keyFirst && len(call.Args) > 0 {
		c.checkKey(p, call.Args[0])
	}
	if pairs < 0 {
		return
	}
	args := call.Args
	if call.Ellipsis.IsValid() && len(args) > 0 {
		// The spread slice is opaque, but append(args, k, v…)... adds pairs we can see.
		last := ast.Unparen(args[len(args)-1])
		args = args[:len(args)-1]
		if app, ok := last.(*ast.CallExpr); ok && isBuiltin(p.info, app.Fun, "append") && len(app.Args) > 1 && !app.Ellipsis.IsValid() {
			c.checkPairs(p, app.Args[1:])
		}
	}
	if pairs < len(args) {
		c.checkPairs(p, args[pairs:])
	}
}

// checkPairs walks arguments the way slog reads them: a slog.Attr stands
// alone, anything else is a key followed by its value.
func (c *keyChecker) checkPairs(p *checkedPackage, args []ast.Expr) {
	for i := 0; i < len(args); {
		t := p.info.Types[args[i]].Type
		if isAttr(t) {
			i++
			continue
		}
		c.checkKey(p, args[i])
		i += 2
	}
}

func isAttr(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "log/slog" && named.Obj().Name() == "Attr"
}

func (c *keyChecker) checkKey(p *checkedPackage, e ast.Expr) {
	e = ast.Unparen(e)
	tv := p.info.Types[e]
	report := func(format string, args ...any) {
		c.findings = append(c.findings, keyFinding{pos: c.fset.Position(e.Pos()), msg: fmt.Sprintf(format, args...)})
	}
	if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
		report("literal key %s", lit.Value)
		return
	}
	if tv.Value != nil && tv.Value.Kind() == constant.String {
		var id *ast.Ident
		switch e := e.(type) {
		case *ast.Ident:
			id = e
		case *ast.SelectorExpr:
			id = e.Sel
		}
		if id != nil {
			if k, ok := p.info.Uses[id].(*types.Const); ok && k.Pkg() != nil && k.Pkg().Path() == c.modPath && strings.HasPrefix(k.Name(), "Log") {
				return
			}
		}
		report("key %s (%s) is not a Log* constant of package %s", types.ExprString(e), tv.Value.ExactString(), c.modPath)
		return
	}
	if tv.Type == nil {
		return
	}
	if b, ok := tv.Type.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
		return // a key computed at run time
	}
	if types.IsInterface(tv.Type) {
		return // cannot tell
	}
	report("%s (%s) where slog expects a key: it would log !BADKEY", types.ExprString(e), tv.Type)
}
