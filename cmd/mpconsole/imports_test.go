package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The package graph flows one way (ARCHITECTURE.md): cmd → web → views → store,
// web → web/wxapi → store, web → web/sandboxapi → views, store (the automation API words the
// journal's reasons through the catalog), views → static, views → views/chart (which imports no package
// of ours, so any page can draw a chart); store/qrread and store/dbtemplate,
// which only tests import, import nothing of ours. Nothing imports web or cmd, the WeChat API imports
// neither web nor views, and store imports no package of ours. This test breaks the build
// of a change that bends it.
func TestImportGraph(t *testing.T) {
	allowed := map[string][]string{
		"mpconsole/store":            nil,
		"mpconsole/static":           nil,
		"mpconsole/views":            {"mpconsole/store", "mpconsole/static", "mpconsole/views/chart"},
		"mpconsole/views/chart":      nil,
		"mpconsole/store/qrread":     nil,
		"mpconsole/store/dbtemplate": nil,
		"mpconsole/web":              {"mpconsole/store", "mpconsole/views", "mpconsole/static", "mpconsole/web/wxapi", "mpconsole/web/sandboxapi"},
		"mpconsole/web/wxapi":        {"mpconsole/store"},
		"mpconsole/web/sandboxapi":   {"mpconsole/store", "mpconsole/views"},
		"mpconsole/cmd/":             {"mpconsole/store", "mpconsole/web"},
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "mpconsole/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		rules, ok := ruleFor(allowed, pkg)
		if !ok {
			t.Errorf("package %s has no place in the graph: add it to this test and to ARCHITECTURE.md's layout", pkg)
			continue
		}
		for _, imp := range imports {
			if !strings.HasPrefix(imp, "mpconsole/") || imp == pkg {
				continue
			}
			if !permitted(rules, imp) {
				t.Errorf("%s imports %s, which the one-way graph forbids", pkg, imp)
			}
		}
	}
}

// ruleFor finds the rule of pkg: an exact key, or a key ending in "/" that prefixes it.
func ruleFor(allowed map[string][]string, pkg string) ([]string, bool) {
	if r, ok := allowed[pkg]; ok {
		return r, true
	}
	for k, r := range allowed {
		if strings.HasSuffix(k, "/") && strings.HasPrefix(pkg, k) {
			return r, true
		}
	}
	return nil, false
}

func permitted(rules []string, imp string) bool {
	for _, r := range rules {
		if imp == r || (strings.HasSuffix(r, "/") && strings.HasPrefix(imp, r)) {
			return true
		}
	}
	return false
}
