package views

import (
	"context"
	"strings"

	ua "github.com/mileusna/useragent"
)

// BrowserOf names the browser and operating system of a User-Agent for a person to
// recognise ("Chrome 131 · macOS"), or "unknown browser" in the page's language.
func BrowserOf(ctx context.Context, agent string) string {
	u := ua.Parse(agent)
	var parts []string
	if u.Name != "" {
		name := u.Name
		if major, _, _ := strings.Cut(u.Version, "."); major != "" {
			name += " " + major
		}
		parts = append(parts, name)
	}
	if u.OS != "" {
		parts = append(parts, strings.TrimSpace(u.OS+" "+u.OSVersion))
	}
	if len(parts) == 0 {
		return T(ctx, "agent.unknown")
	}
	return strings.Join(parts, " · ")
}
