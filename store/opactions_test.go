package store

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Operation-log actions are made only by op in opactions.go, so OpActions (which the
// catalog test walks) holds every code the store can write; codes are unique.
func TestOpActionsDeclaredOnce(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	literal := regexp.MustCompile(`(?:^|[^\]\w])OpAction\{[^}]`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		must(t, err)
		for _, m := range literal.FindAllString(string(src), -1) {
			if f != "opactions.go" || !strings.HasSuffix(m, "OpAction{c") {
				t.Errorf("%s makes an action outside op: %s", f, m)
			}
		}
	}
	seen := map[string]bool{}
	for _, code := range OpActions() {
		if seen[code] || !regexp.MustCompile(`^[a-z_]+$`).MatchString(code) {
			t.Errorf("action code %q is repeated or malformed", code)
		}
		seen[code] = true
	}
}
