package views

import (
	"context"
	"time"

	"mpconsole/store"
)

// The paths of the sandbox page's whitelist-mode and word-list sections.
const (
	PathSandboxWhitelistMode = "/dev/sandbox/whitelist-mode"
	PathSandboxWords         = "/dev/sandbox/words"
)

// securityWordsSectionID is the word list's card, which htmx swaps alone.
const securityWordsSectionID = "security-words"

// SandboxExtras are the sandbox page's sections for SPEC §18's whitelist mode and
// content-security word list.
type SandboxExtras struct {
	WhitelistMode string
	Words         []store.SecurityWord
	WordsOpen     bool // the list's form is shown (opened, or its post failed)
	Form          Form // the page's form: whitelist_mode and words as typed, with errors
}

// wordsOpen tells whether the word list's form is shown: only to those who may edit it.
func (x SandboxExtras) wordsOpen(can bool) bool {
	return can && (x.WordsOpen || x.Form.Err("words") != "")
}

// lastUsedText is a secret's last use in words: the minute, or never.
func lastUsedText(ctx context.Context, key string, t time.Time) string {
	if t.IsZero() {
		return T(ctx, key+"_never")
	}
	return T(ctx, key, map[string]any{"At": stamp(t)})
}

// overlapValue is the reset form's overlap as typed, 0 before anything was typed.
func overlapValue(f Form) string {
	if v, ok := f.Values["overlap_hours"]; ok {
		return v
	}
	return "0"
}
