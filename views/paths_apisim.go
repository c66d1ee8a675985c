package views

import (
	"net/url"
	"strconv"
)

// The simulator's phone number, subscriptions and service notifications, and the console's
// subscribe messages (SPEC §17).
const (
	PathWxProfile   = "/wx/profile"
	PathWxNotices   = "/wx/notices"
	PathMessages    = "/messages"
	PathMessagesNew = "/messages/new"
)

// PathWxAppServices is the opened mini program's phone-number and subscription page.
func PathWxAppServices(appid string) string { return "/wx/apps/" + url.PathEscape(appid) + "/services" }

// PathWxAppPhone shares the person's phone number with the opened mini program.
func PathWxAppPhone(appid string) string { return "/wx/apps/" + url.PathEscape(appid) + "/phone" }

// PathWxAppSubscribe accepts one template of the opened mini program once.
func PathWxAppSubscribe(appid string) string {
	return "/wx/apps/" + url.PathEscape(appid) + "/subscribe"
}

// PathWxNoticeOpen opens the mini program of a service notification at its page.
func PathWxNoticeOpen(id int64) string {
	return PathWxNotices + "/" + strconv.FormatInt(id, 10) + "/open"
}

// PathMessageNew is the form that adds library template tid to the account.
func PathMessageNew(tid int) string { return PathMessagesNew + "?tid=" + strconv.Itoa(tid) }

// PathMessageDelete removes one of the account's templates (GET asks first).
func PathMessageDelete(priTmplID string) string {
	return PathMessages + "/" + url.PathEscape(priTmplID) + "/delete"
}
