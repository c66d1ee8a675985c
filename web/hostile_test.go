package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Nothing a person can type into the foundation's forms or URLs gets a 500.
func TestHostileInputNever500(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	_, ops := newReviewer(e, "reviewer")
	atSubject := e.client()
	e.toSubject(atSubject, "subject@example.com")
	atConfirm := e.client()
	e.toConfirm(atConfirm, "confirm@example.com", admin)
	picker := e.client()
	picker.submit("/login/qr", nil, false)
	values := []string{"", " ", "\x00", "\xff\xfe", strings.Repeat("长", 5000), strings.Repeat("a", 10000), "<script>alert(1)</script>",
		"' OR 1=1 --", "%00", "../../etc/passwd", "-1", "99999999999999999999999", "a@b.c\r\nBcc: x@y.z", "\u202e", "x\ny"}
	forms := []struct {
		c      *client
		path   string
		fields []string
	}{
		{e.client(), "/register", []string{"email", "password", "password_confirm", "agree"}},
		{e.client(), "/register/resend", []string{"email"}},
		{atSubject, "/register/subject", []string{"subject_type", "admin_name", "admin_id_number", "admin_phone", "org_name", "credit_code"}},
		{atConfirm, "/register/confirm", []string{"x"}},
		{e.client(), "/login", []string{"email", "password"}},
		{picker, "/login/scan", []string{"account"}},
		{e.client(), "/wx/signup", []string{"wechat_id", "nickname", "password", "real_name", "id_number", "bound_email"}},
		{e.client(), "/wx/login", []string{"wechat_id", "password", "next"}},
		{ops, "/ops/registry", []string{"email"}},
	}
	for _, f := range forms {
		for _, v := range values {
			form := url.Values{}
			for _, name := range f.fields {
				form.Set(name, v)
			}
			for _, htmx := range []bool{false, true} {
				if r := f.c.post(f.path, form, htmx); r.status >= 500 {
					t.Errorf("POST %s with %.20q: %d", f.path, v, r.status)
				}
			}
		}
	}
	for _, p := range []string{"/register/activate?token=%ff", "/register/activate?token=" + strings.Repeat("a", 5000), "/wx/scan/%00",
		"/wx/scan/" + strings.Repeat("f", 64), "/ops/registry/1e9/delete", "/login?lang=%ff", "/register?lang=" + strings.Repeat("x", 1000)} {
		c := e.wx(admin)
		if r := c.get(p); r.status >= 500 {
			t.Errorf("GET %s: %d", p, r.status)
		}
	}
	if r := ops.post("/ops/registry/"+strings.Repeat("9", 30)+"/delete", nil, false); r.status != http.StatusNotFound {
		t.Errorf("deleting an absurd id: %d", r.status)
	}
}
