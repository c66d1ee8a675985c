package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"mpconsole/store"
)

// demoRoles says in words what each seeded person can try.
var demoRoles = map[string]string{
	"admin":      "administrator (every console page)",
	"operator":   "project member: operator",
	"developer":  "project member: developer",
	"analyst":    "project member: data analyst",
	"experience": "experience member (/wx/apps)",
	"reviewer":   "platform reviewer (/ops)",
}

// seedDemo fills an empty database with the demo account and prints how to sign in as each
// role; a database already in use is left alone.
func seedDemo(ctx context.Context, st *store.Store, stdout io.Writer, url string) error {
	d, err := st.SeedDemo(ctx)
	if errors.Is(err, store.ErrConflict) {
		fmt.Fprintln(stdout, "--demo: the database is not empty, so no demo data was added.")
		return nil
	} else if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	fmt.Fprintf(stdout, "\nDemo account %q (AppID %s, personal subject) is ready, with a month of visits and API calls (/stats) and its history (/logs).\n", d.AccountName, d.AppID)
	fmt.Fprintf(stdout, "Simulated WeChat (%s/wx/login), password %s for everyone:\n", url, d.WxPassword)
	for _, p := range d.People {
		fmt.Fprintf(stdout, "  %-15s %s\n", p.WechatID, demoRoles[p.Role])
	}
	fmt.Fprintf(stdout, "Console (%s/login): email %s, password %s, then confirm the scan as the administrator or a project member;\n", url, d.Email, d.Password)
	fmt.Fprintln(stdout, "or use scan login there and confirm as any of them. Sign in to the simulator first, in the same browser.")
	return nil
}
