// Package archtest holds the rules of the code's shape that the linters
// cannot state: which packages may name which types.
package archtest

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fronts and the simulator depend on small interfaces they declare,
// never on the platform's concrete type: what a front needs is written
// where it is used, and the domain can be split behind them (issue #10).
func TestFrontsDoNotNameThePlatformType(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"../ptk", "../restapi", "../sim", "../dispatch", "../server", "../payload"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, f, src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Platform" {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "callback" && !isAssertion(file, sel) {
					t.Errorf("%s: names callback.Platform; declare the methods it needs as an interface instead", fset.Position(sel.Pos()))
				}
				return true
			})
		}
	}
}

// isAssertion reports whether sel is the type of a compile-time check that
// the platform implements an interface: var _ I = (*callback.Platform)(nil).
func isAssertion(file *ast.File, sel *ast.SelectorExpr) bool {
	found := false
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if len(vs.Names) != 1 || vs.Names[0].Name != "_" {
				continue
			}
			ast.Inspect(vs, func(n ast.Node) bool {
				if n == sel {
					found = true
				}
				return !found
			})
		}
	}
	return found
}

// maxMethods bounds the exported methods of an exported type of the
// domain: a type that does everything is one nobody can change (issue #10).
const maxMethods = 40

// No exported type of the domain has more than maxMethods exported methods
// (its own and those it promotes).
func TestNoDomainTypeDoesEverything(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "source", nil)
	for _, path := range []string{"github.com/holdline/holdline/internal/callback"} {
		pkg, err := imp.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		scope := pkg.Scope()
		counted := 0
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || !tn.Exported() {
				continue
			}
			n := 0
			ms := types.NewMethodSet(types.NewPointer(tn.Type()))
			for i := range ms.Len() {
				if ms.At(i).Obj().Exported() {
					n++
				}
			}
			counted++
			if n > maxMethods {
				t.Errorf("%s.%s has %d exported methods (at most %d): split it", pkg.Name(), name, n, maxMethods)
			}
		}
		if counted == 0 {
			t.Fatalf("no exported types found in %s", path)
		}
	}
}

// The domain works in time.Time and plain values: the PTK's time layout and
// its ContactURI are read and written by the PTK front, in one place each
// (internal/ptk/times.go), so a second front never inherits the PTK's
// spelling and the PTK's spelling never drifts between methods.
func TestTheDomainSpellsNoPTKFormat(t *testing.T) {
	t.Parallel()
	forbidden := []string{"2006-01-02T15:04:05Z", "voice://"}
	files, err := filepath.Glob("../callback/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no domain files: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			for _, s := range forbidden {
				if strings.Contains(lit.Value, s) {
					t.Errorf("%s: the domain spells the PTK's %q; read and write it in internal/ptk", fset.Position(lit.Pos()), s)
				}
			}
			return true
		})
	}
}

// The configuration maps YAML onto the domain's settings and nothing more:
// the rules of valid settings are the domain's (callback.Settings.Validate)
// and what both sides need of the delivery worker lives in packages of its
// own (internal/smstemplate, callback.Backoff), so config never imports the
// worker or the fronts (issue #10).
func TestConfigImportsNoDeliveryOrFront(t *testing.T) {
	t.Parallel()
	forbidden := []string{"internal/dispatch", "internal/server", "internal/ptk", "internal/restapi", "internal/store"}
	files, err := filepath.Glob("../config/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in ../config: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			for _, bad := range forbidden {
				if strings.HasPrefix(path, "github.com/holdline/holdline/"+bad) {
					t.Errorf("%s imports %s; config maps YAML onto callback.Settings and must not depend on %s", f, path, bad)
				}
			}
		}
	}
}
