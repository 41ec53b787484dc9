package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/keyprojects/ledger"

// packageRule is one row of docs/architecture.md's package map.
type packageRule struct {
	mayImport []string // the ledger's packages it may import; nil with all
	all       bool
	nats      bool
}

// packageMap reads the package map of docs/architecture.md.
func packageMap(t *testing.T) map[string]packageRule {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "architecture.md"))
	require.NoError(t, err)
	row := regexp.MustCompile("^\\| `([a-z/]+)` \\|[^|]*\\| ([^|]*) \\| (yes|no) \\|$")
	rules := map[string]packageRule{}
	for _, line := range strings.Split(string(doc), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		r := packageRule{nats: m[3] == "yes"}
		switch deps := strings.TrimSpace(m[2]); deps {
		case "all":
			r.all = true
		case "-":
		default:
			for _, d := range strings.Split(deps, ",") {
				r.mayImport = append(r.mayImport, strings.Trim(strings.TrimSpace(d), "`"))
			}
		}
		rules[m[1]] = r
	}
	require.NotEmpty(t, rules, "docs/architecture.md has no package map")
	return rules
}

// sourceImports returns, per package folder of the module, what its
// non-test Go files import.
func sourceImports(t *testing.T) map[string][]string {
	t.Helper()
	root := filepath.Join("..", "..")
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if !slices.Contains(out[pkg], p) {
				out[pkg] = append(out[pkg], p)
			}
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// Every package of the module is in docs/architecture.md's package map,
// and imports only what its row allows: the arrows point inward, and the
// domain knows no NATS.
func TestPackagesImportOnlyWhatTheArchitectureAllows(t *testing.T) {
	rules := packageMap(t)
	pkgs := sourceImports(t)
	for pkg, imports := range pkgs {
		rule, ok := rules[pkg]
		if !assert.True(t, ok, "package %s is not in docs/architecture.md's package map", pkg) {
			continue
		}
		for _, imp := range imports {
			switch {
			case strings.HasPrefix(imp, module+"/"):
				ours := strings.TrimPrefix(imp, module+"/")
				assert.True(t, rule.all || slices.Contains(rule.mayImport, ours),
					"%s imports %s, which docs/architecture.md does not allow", pkg, ours)
			case strings.HasPrefix(imp, "github.com/nats-io/") || strings.HasPrefix(imp, "github.com/synadia-io/"):
				assert.True(t, rule.nats, "%s imports %s, but docs/architecture.md says it uses no NATS", pkg, imp)
			}
		}
	}
	for pkg := range rules {
		_, ok := pkgs[pkg]
		assert.True(t, ok, "docs/architecture.md lists %s, which has no Go files", pkg)
	}
}
