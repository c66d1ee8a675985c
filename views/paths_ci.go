package views

import (
	"context"
	"net/url"

	"mpconsole/store"
)

// The code-upload key's routes on /dev/settings (SPEC §12).
const (
	PathDevUploadKey    = "/dev/settings/upload-key"
	PathDevUploadKeyIPs = "/dev/settings/upload-key/ip-whitelist"
)

// PathDevUploadKeyWait is the page that waits for the upload_key scan.
func PathDevUploadKeyWait(token string) string {
	return "/dev/settings/upload-key/wait/" + url.PathEscape(token)
}

// PathDevUploadKeyShow is the one-time page of a new code-upload key.
func PathDevUploadKeyShow(token string) string {
	return "/dev/settings/upload-key/" + url.PathEscape(token)
}

// uploadKeyState names the key's state for tests: none or active.
func uploadKeyState(k store.UploadKey) string {
	if k.Exists {
		return "active"
	}
	return "none"
}

// uploadIPsOpen tells whether the upload key's whitelist form is shown: opened for editing,
// or its post failed.
func (v DevSettingsView) uploadIPsOpen(ctx context.Context) bool {
	return Can(ctx, store.ActEditDev) && (v.Open == "upload_ips" || v.Form.Err("upload_ips") != "")
}

// PathWxAppEnv opens a mini program's version in env (release, trial or develop) in the
// simulated WeChat: what the trial's QR code holds (SPEC §12).
func PathWxAppEnv(appid, env string) string {
	return "/wx/apps/" + url.PathEscape(appid) + "?env=" + url.QueryEscape(env)
}
