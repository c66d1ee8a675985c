package views

import "net/url"

// PathDevSecretWait is the page that waits for the reset_secret scan.
func PathDevSecretWait(token string) string {
	return "/dev/settings/secret/wait/" + url.PathEscape(token)
}

// PathDevSecretShow is the one-time page of a new AppSecret.
func PathDevSecretShow(token string) string { return "/dev/settings/secret/" + url.PathEscape(token) }

// PathWxAppOpen opens a mini program in the simulated WeChat.
func PathWxAppOpen(appid string) string { return "/wx/apps/" + url.PathEscape(appid) + "/open" }

// PathDevSecretFreezeWait is the page that waits for the freeze_secret scan of a freeze
// (or, freeze false, an unfreeze).
func PathDevSecretFreezeWait(token string, freeze bool) string {
	if freeze {
		return "/dev/settings/secret/freeze/" + url.PathEscape(token)
	}
	return "/dev/settings/secret/unfreeze/" + url.PathEscape(token)
}
