package views

import (
	"context"
	"strconv"
	"time"

	"mpconsole/store"
)

// The sandbox page's paths.
const (
	PathSandbox       = "/dev/sandbox"
	PathSandboxFaults = "/dev/sandbox/faults"
)

// PathSandboxFaultDelete deletes one fault rule.
func PathSandboxFaultDelete(id int64) string { return PathSandboxFaults + "/" + itoa64(id) + "/delete" }

func itoa(n int) string { return strconv.Itoa(n) }

func boolText(b bool) string { return strconv.FormatBool(b) }

// stampSeconds is a journal time: China time to the second.
func stampSeconds(t time.Time) string { return t.In(store.CalendarZone).Format("2006-01-02 15:04:05") }

// ReasonText is a journal entry's refusal reason in words, in ctx's language: the
// sandbox page and the automation API both say it so.
func ReasonText(ctx context.Context, e store.JournalEntry) string {
	data := make(map[string]any, len(e.ReasonArgs))
	for k, v := range e.ReasonArgs {
		data[k] = v
	}
	return T(ctx, "journal.reason."+e.Reason, data)
}

// faultAnswer says what a rule answers: its errcode, or the broken answer.
func faultAnswer(ctx context.Context, r store.FaultRule) string {
	if r.Kind == store.FaultErrcode {
		return T(ctx, "sandbox.kind.errcode_n", map[string]any{"Code": r.ErrCode})
	}
	return T(ctx, "sandbox.kind."+r.Kind)
}

// faultWhen says which calls a rule takes: the next N (with how many are left), or a
// share of them.
func faultWhen(ctx context.Context, r store.FaultRule) string {
	if r.Count > 0 {
		return T(ctx, "sandbox.when_next", map[string]any{"Left": r.Remaining})
	}
	return T(ctx, "sandbox.when_probability", map[string]any{"P": strconv.FormatFloat(r.Probability*100, 'f', -1, 64)})
}
