package store

import (
	"errors"
	"sort"
	"strings"
)

// Sentinel errors that the web layer maps to statuses in one place.
var (
	ErrNotFound  = errors.New("not found")
	ErrForbidden = errors.New("forbidden")
	ErrConflict  = errors.New("conflict")
	ErrGone      = errors.New("gone")
)

// ValidationError carries one error code per form field (SPEC §13); it maps to 422. The
// field "" holds a page-level message.
type ValidationError struct {
	Fields map[string]string // field → error code, e.g. "wechat_id" → "member_quota"
}

func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Fields))
	for f, c := range e.Fields {
		parts = append(parts, f+"="+c)
	}
	sort.Strings(parts)
	return "invalid input: " + strings.Join(parts, ", ")
}

// invalid builds a ValidationError for a single field.
func invalid(field, code string) error {
	return &ValidationError{Fields: map[string]string{field: code}}
}

// Problems collects field errors while a form is checked; Err is nil when there were none.
type Problems map[string]string

// Add records code for field unless the field already has an error (the first one wins).
func (p Problems) Add(field, code string) {
	if _, ok := p[field]; !ok {
		p[field] = code
	}
}

// Err returns the collected problems as a *ValidationError, or nil.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Fields: p}
}
