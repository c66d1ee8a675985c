package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The two member lists of an account (SPEC §9).
const (
	KindProject    = "project"
	KindExperience = "experience"
)

// Member states: a project member is invited until they accept in the WeChat inbox;
// a declined invitation stays visible to the administrator until it is removed or renewed.
const (
	StatusInvited  = "invited"
	StatusActive   = "active"
	StatusDeclined = "declined"
)

// PersonQuota is how many accounts one person may be a project member of, and separately
// an experience member of (SPEC §9, real). Pending invitations count, so that accepting
// them can never overshoot.
const PersonQuota = 50

// MemberLimit is how many people one list of a may hold at now (SPEC §9, real): 15 for a
// personal subject; 30 for others, 60 when authenticated or released, 90 when both.
func MemberLimit(a Account, now time.Time) int {
	if a.Subject.Personal() {
		return 15
	}
	n := 30
	if a.Authenticated(now) {
		n += 30
	}
	if a.Released() {
		n += 30
	}
	return n
}

// Member is one row of an account's project or experience list.
type Member struct {
	ID       int64
	PersonID int64
	WechatID string
	Nickname string
	Kind     string
	Roles    Roles
	Status   string
	AddedBy  string // WeChat ID of whoever added the member ("" once that person is gone)
	AddedAt  time.Time
}

// MemberLists is everything the members page shows: the administrator, both lists and
// how full each list is against the account's limit.
type MemberLists struct {
	Admin           Person
	Project         []Member
	Experience      []Member
	ProjectCount    int // invited and active project members, what counts against Limit
	ExperienceCount int
	Limit           int
}

// Members loads the account's three lists, oldest first.
func (s *Store) Members(ctx context.Context, accountID int64) (MemberLists, error) {
	a, err := s.AccountByID(ctx, accountID)
	if err != nil {
		return MemberLists{}, err
	}
	return s.MembersOf(ctx, Access{Account: a})
}

// MembersOf is Members of the account of a request's access, which the request has just
// read to authorize it: the account is not read again, nor the administrator when the
// viewer is the administrator (reading both again was a twelfth of the members page).
func (s *Store) MembersOf(ctx context.Context, acc Access) (MemberLists, error) {
	var out MemberLists
	var err error
	a, accountID := acc.Account, acc.Account.ID
	if acc.Person.ID != 0 && acc.Person.ID == a.AdminPersonID {
		out.Admin = acc.Person
	} else if out.Admin, err = s.PersonByID(ctx, a.AdminPersonID); err != nil {
		return out, fmt.Errorf("administrator of %d: %w", accountID, err)
	}
	out.Limit = MemberLimit(a, s.nowFor(accountID))
	rows, err := s.read.QueryContext(ctx, membersListSQL, accountID)
	if err != nil {
		return out, fmt.Errorf("members of %d: %w", accountID, err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return out, err
		}
		counts := m.Status != StatusDeclined
		if m.Kind == KindProject {
			out.Project = append(out.Project, m)
			if counts {
				out.ProjectCount++
			}
		} else {
			out.Experience = append(out.Experience, m)
			if counts {
				out.ExperienceCount++
			}
		}
	}
	return out, rows.Err()
}

// memberColumns are a member row as the members page shows it, with the people it names.
const memberColumns = `m.id, m.person_id, p.wechat_id, p.nickname, m.kind, m.roles, m.status, COALESCE(b.wechat_id, ''), m.added_at
	FROM members m JOIN people p ON p.id = m.person_id LEFT JOIN people b ON b.id = m.added_by`

// membersListSQL is an account's members, oldest first.
const membersListSQL = `SELECT ` + memberColumns + ` WHERE m.account_id = ? ORDER BY m.added_at, m.id`

func scanMember(sc interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var roles, at string
	err := sc.Scan(&m.ID, &m.PersonID, &m.WechatID, &m.Nickname, &m.Kind, &roles, &m.Status, &m.AddedBy, &at)
	m.Roles, m.AddedAt = ParseRoles(roles), parseTime(at)
	return m, err
}

// MemberOf is the account's member row id in the list of kind (a row's roles change or
// removal asks for one): ErrNotFound when the account has no such row in that list.
func (s *Store) MemberOf(ctx context.Context, accountID int64, kind string, id int64) (Member, error) {
	m, err := scanMember(s.read.QueryRowContext(ctx, `SELECT `+memberColumns+` WHERE m.id = ? AND m.account_id = ? AND m.kind = ?`,
		id, accountID, kind))
	if err := notFound(err, "member"); err != nil {
		return Member{}, err
	}
	return m, nil
}

// checkProjectRoles reads the multi-valued roles field: at least one, each a project role,
// kept in the matrix's order without duplicates.
func checkProjectRoles(values []string) (Roles, string) {
	var out Roles
	for _, r := range ProjectRoles {
		if slices.Contains(values, string(r)) {
			out = append(out, r)
		}
	}
	for _, v := range values {
		if !slices.Contains(ProjectRoles, Role(v)) {
			return nil, "roles_invalid"
		}
	}
	if len(out) == 0 {
		return nil, "roles_required"
	}
	return out, ""
}

// AddProjectMember invites the person with wechatID into the account's project list with
// roles; they stay invited until they accept in their WeChat inbox. Only the
// administrator may call it (the web layer checks the matrix). The account limit and the
// person quota are counted in the same write transaction as the insert, so concurrent
// invitations cannot overshoot.
func (s *Store) AddProjectMember(ctx context.Context, accountID, byPersonID int64, wechatID string, roles []string) (Member, error) {
	p := Problems{}
	rs, code := checkProjectRoles(roles)
	if code != "" {
		p.Add("roles", code)
	}
	return s.addMember(ctx, accountID, byPersonID, wechatID, KindProject, rs, p, false)
}

// AddExperienceMember adds the person with wechatID to the account's experience list at
// once (the real platform asks no consent), under the same limits as AddProjectMember.
func (s *Store) AddExperienceMember(ctx context.Context, accountID, byPersonID int64, wechatID string) (Member, error) {
	return s.addMember(ctx, accountID, byPersonID, wechatID, KindExperience, nil, Problems{}, false)
}

func (s *Store) addMember(ctx context.Context, accountID, by int64, wechatID, kind string, roles Roles, p Problems, atOnce bool) (Member, error) {
	wechatID = strings.TrimSpace(wechatID)
	status := StatusActive
	if kind == KindProject && !atOnce {
		status = StatusInvited
	}
	var out Member
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := doneAccountTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		person, err := scanPerson(tx.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE wechat_id = ?`, wechatID))
		if errors.Is(err, ErrNotFound) || wechatID == "" {
			p.Add("wechat_id", "wechat_id_not_found")
			return p.Err()
		} else if err != nil {
			return fmt.Errorf("find person %q: %w", wechatID, err)
		}
		if err := p.Err(); err != nil {
			return err
		}
		var existing int64
		var existingStatus string
		err = tx.QueryRowContext(ctx, `SELECT id, status FROM members WHERE account_id = ? AND person_id = ? AND kind = ?`,
			accountID, person.ID, kind).Scan(&existing, &existingStatus)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find member %q: %w", wechatID, err)
		}
		if (existing != 0 && existingStatus != StatusDeclined) || (kind == KindProject && person.ID == a.AdminPersonID) {
			return invalid("wechat_id", "already_member")
		}
		var inList, ofPerson int
		err = tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM members WHERE account_id = ?1 AND kind = ?3 AND status IN ('invited', 'active')),
			(SELECT count(*) FROM members WHERE person_id = ?2 AND kind = ?3 AND status IN ('invited', 'active'))`,
			accountID, person.ID, kind).Scan(&inList, &ofPerson)
		if err != nil {
			return fmt.Errorf("count members: %w", err)
		}
		now := s.nowFor(accountID)
		if inList >= MemberLimit(a, now) {
			return invalid("wechat_id", "member_quota")
		}
		if ofPerson >= PersonQuota {
			return invalid("wechat_id", "person_quota")
		}
		if existing != 0 {
			_, err = tx.ExecContext(ctx, `UPDATE members SET roles = ?, status = ?, added_by = NULLIF(?, 0), added_at = ? WHERE id = ?`,
				roles.String(), status, by, fmtTime(now), existing)
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `INSERT INTO members (account_id, person_id, kind, roles, status, added_by, added_at)
				VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?)`, accountID, person.ID, kind, roles.String(), status, by, fmtTime(now))
			if err == nil {
				existing, _ = res.LastInsertId()
			}
		}
		if err != nil {
			return fmt.Errorf("add %s member %q: %w", kind, wechatID, err)
		}
		out = Member{ID: existing, PersonID: person.ID, WechatID: person.WechatID, Nickname: person.Nickname, Kind: kind,
			Roles: roles, Status: status, AddedAt: now}
		return s.logOp(ctx, tx, accountID, by, memberAdded[kind], person.WechatID, roles.String())
	})
	return out, err
}

// The log actions of adding and removing a member, by list.
var (
	memberAdded   = map[string]OpAction{KindProject: opProjectMemberAdded, KindExperience: opExperienceMemberAdded}
	memberRemoved = map[string]OpAction{KindProject: opProjectMemberRemoved, KindExperience: opExperienceMemberRemoved}
)

// SetProjectRoles replaces a project member's roles; the member feels it on their next
// request, since roles are read from the database every time.
func (s *Store) SetProjectRoles(ctx context.Context, accountID, byPersonID, memberID int64, roles []string) error {
	rs, code := checkProjectRoles(roles)
	if code != "" {
		return invalid("roles", code)
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var wechatID, old string
		err := tx.QueryRowContext(ctx, `SELECT p.wechat_id, m.roles FROM members m JOIN people p ON p.id = m.person_id
			WHERE m.id = ? AND m.account_id = ? AND m.kind = 'project' AND m.status <> 'declined'`, memberID, accountID).Scan(&wechatID, &old)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("find member %d: %w", memberID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE members SET roles = ? WHERE id = ?`, rs.String(), memberID); err != nil {
			return fmt.Errorf("set roles of member %d: %w", memberID, err)
		}
		return s.logOp(ctx, tx, accountID, byPersonID, opProjectMemberRoles, wechatID, change(old, rs.String()))
	})
}

// RemoveMember takes a member off the account's list of kind; a removed project member's
// console sessions in the account are deleted with the membership.
func (s *Store) RemoveMember(ctx context.Context, accountID, byPersonID int64, kind string, memberID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var wechatID string
		var personID int64
		err := tx.QueryRowContext(ctx, `SELECT p.wechat_id, p.id FROM members m JOIN people p ON p.id = m.person_id
			WHERE m.id = ? AND m.account_id = ? AND m.kind = ?`, memberID, accountID, kind).Scan(&wechatID, &personID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("find member %d: %w", memberID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM members WHERE id = ?`, memberID); err != nil {
			return fmt.Errorf("remove member %d: %w", memberID, err)
		}
		if kind == KindProject {
			if err := endConsoleSessions(ctx, tx, accountID, personID, "", SessionEndRemoved); err != nil {
				return err
			}
		}
		return s.logOp(ctx, tx, accountID, byPersonID, memberRemoved[kind], wechatID, "")
	})
}
