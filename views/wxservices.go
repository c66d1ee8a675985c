package views

import "mpconsole/store"

// WxServicesView is the opened mini program's phone-number and subscription page.
type WxServicesView struct {
	AppID, Name, IconETag string
	Phone                 string           // the person's number, "" for none
	Code                  *store.PhoneCode // the code just given, shown this once
	Offers                []store.MessageOffer
	Form                  Form
}

// WxOpenedAtView is a mini program opened from a service notification: where it opened.
type WxOpenedAtView struct {
	Opened   store.Opened
	Code     store.JSCode
	Page     string // the page and query the notice named, "" for the home page
	IconETag string
	Back     string // where the page's back button goes
}
