package views

import (
	"context"

	"mpconsole/store"
)

// The automation API's paths on the console (SPEC §18): where a new token is made, and
// the API's own OpenAPI document.
const (
	PathSandboxTokens = "/dev/sandbox/tokens"
	PathSandboxAPIDoc = "/sandbox/v1/openapi.json"
)

// PathSandboxTokenShow is the one-time page of a new token, by its one-time key.
func PathSandboxTokenShow(key string) string { return PathSandboxTokens + "/show/" + key }

// PathSandboxTokenRevoke revokes one token (GET: the confirm page without JavaScript).
func PathSandboxTokenRevoke(id int64) string { return PathSandboxTokens + "/" + itoa64(id) + "/revoke" }

// SandboxTokensView is the token section of /dev/sandbox: the account's tokens and the new
// token's form, as typed.
type SandboxTokensView struct {
	Tokens  []store.SandboxToken
	Form    Form
	APIBase string // the automation API's base URL, for the curl example
}

// SandboxTokenRevokeConfirm asks before a token is revoked.
func SandboxTokenRevokeConfirm(ctx context.Context, t store.SandboxToken) Confirm {
	return Confirm{
		Title:    T(ctx, "sbapi.revoke_title"),
		Question: T(ctx, "sbapi.revoke_question", map[string]any{"Name": t.Name}),
		Action:   PathSandboxTokenRevoke(t.ID), Button: "sbapi.revoke", Back: PathSandbox, TestID: "sandbox-token-revoke",
	}
}
