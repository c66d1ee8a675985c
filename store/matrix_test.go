package store

import "testing"

// The matrix says exactly what SPEC §9's table says, row by row.
func TestMatrixMatchesSpec(t *testing.T) {
	spec := map[Action]string{ // admin, operator, developer, analyst
		ActView:             "✓✓✓✓",
		ActEditBasic:        "✓✓··",
		ActManageProject:    "✓···",
		ActManageExperience: "✓✓✓✓",
		ActViewDev:          "✓·✓·",
		ActEditDev:          "✓·✓·",
		ActSecret:           "✓···",
		ActUpload:           "✓·✓·",
		ActRelease:          "✓✓··",
		ActStats:            "✓··✓",
		ActLogs:             "✓···",
		ActAccount:          "✓···", // the account password: the administrator's (SPEC §6)
		ActMessages:         "✓✓··", // subscribe-message templates: administrator, operator (SPEC §17)
		ActSandbox:          "✓·✓·", // the sandbox tools: administrator, developer (SPEC §18)
		ActWhitelistMode:    "✓···", // log-only whitelist weakens a security control: administrator only
	}
	if len(spec) != len(matrix) {
		t.Fatalf("the matrix has %d rows, SPEC §9 has %d", len(matrix), len(spec))
	}
	order := []Role{RoleAdmin, RoleOperator, RoleDeveloper, RoleAnalyst}
	for a, row := range spec {
		for i, mark := range []rune(row) {
			if got := (Roles{order[i]}).Can(a); got != (mark == '✓') {
				t.Errorf("%s may %s = %v, SPEC says %c", order[i], a, got, mark)
			}
		}
		if (Roles{}).Can(a) || (Roles{RoleOperator, RoleAnalyst}).Can(a) != (Roles{RoleOperator}.Can(a) || Roles{RoleAnalyst}.Can(a)) {
			t.Errorf("%s: no roles must allow nothing, several roles their union", a)
		}
	}
}
