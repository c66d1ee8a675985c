package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Role is what a person is to one account: its administrator or a project member role.
type Role string

// The roles of the permission matrix (SPEC §9).
const (
	RoleAdmin     Role = "admin"
	RoleOperator  Role = "operator"
	RoleDeveloper Role = "developer"
	RoleAnalyst   Role = "analyst"
)

// ProjectRoles are the roles a project member can be given.
var ProjectRoles = []Role{RoleOperator, RoleDeveloper, RoleAnalyst}

// Action is one row of the permission matrix.
type Action string

// The rows of SPEC §9's permission matrix.
const (
	ActView             Action = "view"              // log in, home, view basic info
	ActEditBasic        Action = "edit_basic"        // edit basic info, filing, authentication
	ActManageProject    Action = "manage_project"    // manage project members, transfer admin
	ActManageExperience Action = "manage_experience" // manage experience members
	ActViewDev          Action = "view_dev"          // view dev settings
	ActEditDev          Action = "edit_dev"          // edit IP whitelist and server domains
	ActSecret           Action = "secret"            // generate, reset, freeze, unfreeze AppSecret
	ActUpload           Action = "upload"            // upload versions, choose the trial version
	ActRelease          Action = "release"           // submit for review, release, roll back
	ActStats            Action = "stats"             // operational data
	ActLogs             Action = "logs"              // operation log
	ActAccount          Action = "account"           // change the account's login password (not in SPEC §9's table: the administrator's, as on the real platform)
	ActMessages         Action = "messages"          // manage subscribe-message templates (SPEC §17: administrator, operator)
	ActSandbox          Action = "sandbox"           // the sandbox tools (SPEC §18: administrator, developer)
	ActWhitelistMode    Action = "whitelist_mode"    // log-only or strict IP whitelist: it weakens a security control, so the administrator's
)

// matrix is the one place that says who may do what.
var matrix = map[Action][]Role{
	ActView:             {RoleAdmin, RoleOperator, RoleDeveloper, RoleAnalyst},
	ActEditBasic:        {RoleAdmin, RoleOperator},
	ActManageProject:    {RoleAdmin},
	ActManageExperience: {RoleAdmin, RoleOperator, RoleDeveloper, RoleAnalyst},
	ActViewDev:          {RoleAdmin, RoleDeveloper},
	ActEditDev:          {RoleAdmin, RoleDeveloper},
	ActSecret:           {RoleAdmin},
	ActUpload:           {RoleAdmin, RoleDeveloper},
	ActRelease:          {RoleAdmin, RoleOperator},
	ActStats:            {RoleAdmin, RoleAnalyst},
	ActLogs:             {RoleAdmin},
	ActAccount:          {RoleAdmin},
	ActMessages:         {RoleAdmin, RoleOperator},
	ActSandbox:          {RoleAdmin, RoleDeveloper},
	ActWhitelistMode:    {RoleAdmin},
}

// RolesFor lists the roles that may perform a, for the "this needs role X" page.
func RolesFor(a Action) []Role { return matrix[a] }

// Roles is what one person holds in one account; empty means not a member.
type Roles []Role

// Can tells whether any held role may perform a.
func (rs Roles) Can(a Action) bool {
	for _, r := range rs {
		if slices.Contains(matrix[a], r) {
			return true
		}
	}
	return false
}

// Has tells whether r is held.
func (rs Roles) Has(r Role) bool { return slices.Contains(rs, r) }

// ParseRoles reads the space-separated roles column.
func ParseRoles(s string) Roles {
	var out Roles
	for _, f := range strings.Fields(s) {
		out = append(out, Role(f))
	}
	return out
}

// String is the space-separated form stored and shown in data-roles.
func (rs Roles) String() string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, " ")
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// consoleMember is the SQL condition "person ?1 may use the console of account a": its
// administrator or an active project member (SPEC §6, §9).
const consoleMember = `(a.admin_person_id = ?1 OR EXISTS (SELECT 1 FROM members m
	WHERE m.account_id = a.id AND m.person_id = ?1 AND m.kind = 'project' AND m.status = 'active'))`

// rolesOf reads, from the database, what person is to account right now: the
// administrator, an active project member with its roles, or nothing.
func rolesOf(ctx context.Context, q querier, accountID, personID int64) (Roles, error) {
	var admin bool
	var roles sql.NullString
	err := q.QueryRowContext(ctx, `SELECT a.admin_person_id = ?2,
		(SELECT m.roles FROM members m WHERE m.account_id = a.id AND m.person_id = ?2 AND m.kind = 'project' AND m.status = 'active')
		FROM accounts a WHERE a.id = ?1 AND a.step = 'done'`, accountID, personID).Scan(&admin, &roles)
	if err == sql.ErrNoRows {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("roles of %d in %d: %w", personID, accountID, err)
	}
	var out Roles
	if admin {
		out = append(out, RoleAdmin)
	}
	return append(out, ParseRoles(roles.String)...), nil
}

// Access is what the console knows about a request: the account, the person and the
// roles, all read from the database on every request.
type Access struct {
	Account Account
	Person  Person
	Roles   Roles
}

// AccessOf loads the account, the person and the person's roles in it.
func (s *Store) AccessOf(ctx context.Context, accountID, personID int64) (Access, error) {
	a, err := s.AccountByID(ctx, accountID)
	if err != nil {
		return Access{}, err
	}
	p, err := s.PersonByID(ctx, personID)
	if err != nil {
		return Access{}, err
	}
	roles, err := rolesOf(ctx, s.read, accountID, personID)
	if err != nil {
		return Access{}, err
	}
	return Access{Account: a, Person: p, Roles: roles}, nil
}

// ConsoleAccounts lists the finished accounts where person is administrator or an active
// project member: what scan login offers to pick from.
func (s *Store) ConsoleAccounts(ctx context.Context, personID int64) ([]Account, error) {
	// The accounts are found from the person's side (administered, member of), not by
	// testing consoleMember on every account.
	rows, err := s.read.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE a.step = 'done' AND a.id IN (
		SELECT id FROM accounts WHERE admin_person_id = ?1
		UNION SELECT account_id FROM members WHERE person_id = ?1 AND kind = 'project' AND status = 'active') ORDER BY a.id`, personID)
	if err != nil {
		return nil, fmt.Errorf("accounts of person %d: %w", personID, err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccountChoice is one account a person may sign in to, as the account picker shows it.
type AccountChoice struct {
	Account Account
	Roles   Roles
}

// AccountChoices is ConsoleAccounts with the person's roles in each.
func (s *Store) AccountChoices(ctx context.Context, personID int64) ([]AccountChoice, error) {
	accounts, err := s.ConsoleAccounts(ctx, personID)
	if err != nil {
		return nil, err
	}
	out := make([]AccountChoice, len(accounts))
	for i, a := range accounts {
		roles, err := rolesOf(ctx, s.read, a.ID, personID)
		if err != nil {
			return nil, err
		}
		out[i] = AccountChoice{Account: a, Roles: roles}
	}
	return out, nil
}
