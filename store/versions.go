package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// The versions of SPEC §12, as the real platform keeps them. A version is uploaded by a
// person (Upload) or a CI robot (CheckUploadKey, then Upload with ByRobot) and is its
// uploader's development version until the next upload. One development version may be
// made the trial (SetTrial) and any submitted for review (SubmitReview, WithdrawReview; ops
// decide through Decide with ReviewCode). The approved one is released in full or in
// phases (Release, SetPhasePercent, ChangePhase) and an earlier release can be restored
// (Rollback). VersionsOf reads it all for /versions; ResolveOpen and OpenVersion answer what
// a person opens in the simulator. Every step writes the operation log.

// Upload rules (SPEC §12).
const (
	MaxVersionDescription = 200 // characters
	MaxRobot              = 30  // CI robots are numbered 1..30 (real: miniprogram-ci's robot)
)

// versionPattern is a version name: 1–64 letters, digits and . + _ -.
var versionPattern = regexp.MustCompile(`^[A-Za-z0-9.+_-]{1,64}$`)

// Version is one uploaded piece of code, whatever it has become since: the uploader's
// development version (Dev), the account's trial version (Trial), under review, released.
type Version struct {
	ID          int64
	AccountID   int64
	Version     string
	Description string
	Uploader    Actor
	WechatID    string // the uploading person's WeChat ID ("" for a robot)
	Dev         bool   // still its uploader's latest upload
	Trial       bool
	UploadedAt  time.Time
	Package     *Package // nil when uploaded without one
}

const versionColumns = `v.id, v.account_id, v.version, v.description, COALESCE(v.person_id, 0), COALESCE(pe.wechat_id, ''),
	COALESCE(v.robot, 0), v.dev, v.trial, v.uploaded_at, COALESCE(k.sha256, ''), COALESCE(k.size, 0), COALESCE(k.files, '[]'), COALESCE(k.pages, '[]')`

const versionFrom = ` FROM versions v LEFT JOIN people pe ON pe.id = v.person_id LEFT JOIN packages k ON k.sha256 = v.package`

func scanVersion(row interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var at, files, pages string
	var pkg Package
	err := row.Scan(&v.ID, &v.AccountID, &v.Version, &v.Description, &v.Uploader.PersonID, &v.WechatID, &v.Uploader.Robot,
		&v.Dev, &v.Trial, &at, &pkg.SHA256, &pkg.Size, &files, &pages)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, ErrNotFound
	} else if err != nil {
		return Version{}, fmt.Errorf("scan version: %w", err)
	}
	v.UploadedAt = parseTime(at)
	if pkg.SHA256 != "" {
		if err := json.Unmarshal([]byte(files), &pkg.Files); err != nil {
			return Version{}, fmt.Errorf("files of %s: %w", pkg.SHA256, err)
		}
		if err := json.Unmarshal([]byte(pages), &pkg.Pages); err != nil {
			return Version{}, fmt.Errorf("pages of %s: %w", pkg.SHA256, err)
		}
		v.Package = &pkg
	}
	return v, nil
}

// versionTx loads one of the account's versions (ErrNotFound for another account's).
func versionTx(ctx context.Context, q querier, accountID, id int64) (Version, error) {
	return scanVersion(q.QueryRowContext(ctx, `SELECT `+versionColumns+versionFrom+` WHERE v.id = ? AND v.account_id = ?`, id, accountID))
}

// versionsWhere lists the account's versions matching cond (a condition on v), newest first.
func versionsWhere(ctx context.Context, tx *sql.Tx, accountID int64, cond string) ([]Version, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+versionColumns+versionFrom+` WHERE v.account_id = ? AND `+cond+` ORDER BY v.uploaded_at DESC, v.id DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("versions of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// checkUpload applies the rules that need no database. version and description come back
// trimmed; the package (nil: none) comes back read and checked.
func checkUpload(by Actor, version, description string, pkg io.Reader) (string, string, *checkedPackage, error) {
	version, description = strings.TrimSpace(version), strings.TrimSpace(description)
	p := Problems{}
	if by.Robot != 0 && (by.Robot < 1 || by.Robot > MaxRobot || by.PersonID != 0) {
		p.Add("robot", "robot_invalid")
	}
	if !versionPattern.MatchString(version) {
		p.Add("version", "version_invalid")
	}
	if !utf8.ValidString(description) || utf8.RuneCountInString(description) > MaxVersionDescription {
		p.Add("description", "description_invalid")
	}
	var checked *checkedPackage
	if pkg != nil {
		c, err := readPackage(pkg)
		var ve *ValidationError
		if errors.As(err, &ve) {
			p.Add("package", ve.Fields["package"])
		} else if err != nil {
			return "", "", nil, err
		}
		checked = &c
	}
	return version, description, checked, p.Err()
}

// Upload stores a development version for by: a person (the administrator or a developer,
// checked now from the database, else ErrForbidden) or a CI robot 1–30 (whose key the
// caller checked with CheckUploadKey). pkg is the zip (nil: none). The uploader's previous
// upload is replaced: it disappears unless it is also the trial, under review or released
// (SPEC §12, real). Errors: version_invalid, description_invalid, package_invalid,
// package_too_large, robot_invalid.
func (s *Store) Upload(ctx context.Context, accountID int64, by Actor, version, description string, pkg io.Reader) (Version, error) {
	if by == (Actor{}) {
		return Version{}, ErrForbidden
	}
	version, description, checked, err := checkUpload(by, version, description, pkg)
	if err != nil {
		return Version{}, err
	}
	var out Version
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := doneAccountTx(ctx, tx, accountID); err != nil {
			return err
		}
		if by.PersonID != 0 {
			if err := mayTx(ctx, tx, accountID, by.PersonID, ActUpload); err != nil {
				return err
			}
		}
		id, err := s.uploadTx(ctx, tx, accountID, by, version, description, checked)
		if err != nil {
			return err
		}
		out, err = versionTx(ctx, tx, accountID, id)
		return err
	})
	return out, err
}

// uploadTx inserts the version, retires the uploader's previous one and logs the upload.
func (s *Store) uploadTx(ctx context.Context, tx *sql.Tx, accountID int64, by Actor, version, description string, pkg *checkedPackage) (int64, error) {
	var sha any
	if pkg != nil {
		if err := s.savePackage(ctx, tx, *pkg); err != nil {
			return 0, err
		}
		sha = pkg.SHA256
	}
	var old int64
	err := tx.QueryRowContext(ctx, `UPDATE versions SET dev = 0 WHERE account_id = ? AND dev = 1 AND (person_id = ? OR robot = ?) RETURNING id`,
		accountID, by.PersonID, by.Robot).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("retire previous upload: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO versions (account_id, version, description, person_id, robot, package, uploaded_at)
		VALUES (?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)`, accountID, version, description, by.PersonID, by.Robot, sha, fmtTime(s.nowFor(accountID)))
	if err != nil {
		return 0, fmt.Errorf("insert version %s: %w", version, err)
	}
	id, _ := res.LastInsertId()
	if err := dropVersionIfUnused(ctx, tx, old); err != nil {
		return 0, err
	}
	return id, s.logActor(ctx, tx, accountID, by, opVersionUploaded, version, "", s.nowFor(accountID))
}

// DeleteVersion deletes a development version (SPEC §12, real): the same code stays as the
// trial, under review or online where it is one of those. ErrNotFound unless versionID is
// one of the account's development versions; ErrForbidden unless person may upload.
func (s *Store) DeleteVersion(ctx context.Context, accountID, personID, versionID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActUpload); err != nil {
			return err
		}
		var version string
		err := tx.QueryRowContext(ctx, `UPDATE versions SET dev = 0 WHERE id = ? AND account_id = ? AND dev = 1 RETURNING version`,
			versionID, accountID).Scan(&version)
		if err := notFound(err, "delete version"); err != nil {
			return err
		}
		if err := dropVersionIfUnused(ctx, tx, versionID); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, opVersionDeleted, version, "")
	})
}

// SetTrial makes one of the account's development versions the trial version; there is one
// (SPEC §12, real), so the previous trial version stops being it. ErrNotFound unless
// versionID is a development version of the account; ErrForbidden unless person may upload.
func (s *Store) SetTrial(ctx context.Context, accountID, personID, versionID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActUpload); err != nil {
			return err
		}
		v, err := versionTx(ctx, tx, accountID, versionID)
		if err != nil {
			return err
		}
		if !v.Dev {
			return ErrNotFound
		}
		if v.Trial {
			return nil
		}
		var old int64
		var oldVersion string
		err = tx.QueryRowContext(ctx, `UPDATE versions SET trial = 0 WHERE account_id = ? AND trial = 1 RETURNING id, version`, accountID).Scan(&old, &oldVersion)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("retire trial of %d: %w", accountID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE versions SET trial = 1 WHERE id = ?`, versionID); err != nil {
			return fmt.Errorf("set trial %d: %w", versionID, err)
		}
		if err := dropVersionIfUnused(ctx, tx, old); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, opTrialSet, v.Version, change(oldVersion, v.Version))
	})
}

// dropVersionIfUnused deletes a version that is no longer anyone's development version, not
// the trial, not in the review slot and never released, and then its package if no other
// version shares it. Closed reviews of the version go with it.
func dropVersionIfUnused(ctx context.Context, tx *sql.Tx, id int64) error {
	if id == 0 {
		return nil
	}
	var sha string
	err := tx.QueryRowContext(ctx, `DELETE FROM versions WHERE id = ?1 AND dev = 0 AND trial = 0
		AND NOT EXISTS (SELECT 1 FROM releases WHERE version_id = ?1)
		AND NOT EXISTS (SELECT 1 FROM code_reviews WHERE version_id = ?1 AND status IN ('pending', 'approved', 'rejected'))
		RETURNING COALESCE(package, '')`, id).Scan(&sha)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("drop version %d: %w", id, err)
	}
	return dropUnusedPackage(ctx, tx, sha)
}

// mayTx checks, inside the transaction, that person may perform a in the account now:
// ErrForbidden otherwise (the route's role check is only the first gate).
func mayTx(ctx context.Context, tx *sql.Tx, accountID, personID int64, a Action) error {
	roles, err := rolesOf(ctx, tx, accountID, personID)
	if err != nil {
		return err
	}
	if !roles.Can(a) {
		return ErrForbidden
	}
	return nil
}
