package store

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Package limits (SPEC §12, real: the platform refuses code packages over 2 MB).
const (
	PackageMaxBytes = 2 << 20
	// appJSONMaxBytes caps how much of app.json is read, so a tiny zip cannot inflate a
	// huge file into memory.
	appJSONMaxBytes = 1 << 20
)

// Package is what is kept and shown of an uploaded code package; the bytes themselves are
// only read for a download.
type Package struct {
	SHA256 string // hex, also the package's name
	Size   int64
	Files  []string // the zip's file names (directories left out), in the zip's order
	Pages  []string // app.json's "pages": the paths the mini-program-code API checks against
}

// FileCount is how many files the package holds.
func (p Package) FileCount() int { return len(p.Files) }

// checkedPackage is an upload that passed the checks, with its bytes.
type checkedPackage struct {
	Package
	data []byte
}

// readPackage reads an upload (at most PackageMaxBytes are read, whatever the request
// claims) and checks that it is a real zip holding an app.json at its root whose "pages" is
// a non-empty list of non-empty strings. Errors: package_too_large, package_invalid.
func readPackage(r io.Reader) (checkedPackage, error) {
	data, err := io.ReadAll(io.LimitReader(r, PackageMaxBytes+1))
	if err != nil {
		return checkedPackage{}, fmt.Errorf("read package: %w", err)
	}
	if len(data) > PackageMaxBytes {
		return checkedPackage{}, invalid("package", "package_too_large")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return checkedPackage{}, invalid("package", "package_invalid")
	}
	out := checkedPackage{data: data}
	var appJSON *zip.File
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		out.Files = append(out.Files, f.Name)
		if f.Name == "app.json" {
			appJSON = f
		}
	}
	if appJSON == nil {
		return checkedPackage{}, invalid("package", "package_invalid")
	}
	if out.Pages, err = appPages(appJSON); err != nil {
		return checkedPackage{}, err
	}
	sum := sha256.Sum256(data)
	out.SHA256, out.Size = hex.EncodeToString(sum[:]), int64(len(data))
	return out, nil
}

// appPages reads the "pages" list of app.json.
func appPages(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, invalid("package", "package_invalid")
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, appJSONMaxBytes+1))
	if err != nil || len(raw) > appJSONMaxBytes {
		return nil, invalid("package", "package_invalid")
	}
	var app struct {
		Pages []string `json:"pages"`
	}
	if err := json.Unmarshal(raw, &app); err != nil || len(app.Pages) == 0 {
		return nil, invalid("package", "package_invalid")
	}
	for _, p := range app.Pages {
		if strings.TrimSpace(p) == "" {
			return nil, invalid("package", "package_invalid")
		}
	}
	return app.Pages, nil
}

// savePackage stores a package once, however many versions use it. Packages live in the
// packages table rather than in files beside the database: a package is written in the
// transaction that creates its version and deleted in the one that drops the last version
// using it, so a crash leaves neither orphan files nor versions without their package;
// `mpconsole backup` copies them with everything else; and they are small (2 MB at most,
// one per uploader plus the trial, the review and the releases).
func (s *Store) savePackage(ctx context.Context, tx *sql.Tx, p checkedPackage) error {
	files, _ := json.Marshal(p.Files)
	pages, _ := json.Marshal(p.Pages)
	_, err := tx.ExecContext(ctx, `INSERT INTO packages (sha256, size, files, pages, data, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, p.SHA256, p.Size, string(files), string(pages), p.data, fmtTime(s.now()))
	if err != nil {
		return fmt.Errorf("store package %s: %w", p.SHA256, err)
	}
	return nil
}

// dropUnusedPackage deletes a package no version refers to any more.
func dropUnusedPackage(ctx context.Context, tx *sql.Tx, sha string) error {
	if sha == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM packages WHERE sha256 = ?1 AND NOT EXISTS (SELECT 1 FROM versions WHERE package = ?1)`, sha)
	if err != nil {
		return fmt.Errorf("drop package %s: %w", sha, err)
	}
	return nil
}

// PackageFile is a package ready to download.
type PackageFile struct {
	Name string // "<appid>-<version>.zip", the name a download is saved under
	Data []byte
}

// DownloadPackage returns the package of one of the account's versions for a person who may
// upload (administrator, developer; checked now, from the database): ErrForbidden for anyone
// else, ErrNotFound for another account's version or one without a package.
func (s *Store) DownloadPackage(ctx context.Context, accountID, personID, versionID int64) (PackageFile, error) {
	var out PackageFile
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActUpload); err != nil {
			return err
		}
		var appid, version string
		err := tx.QueryRowContext(ctx, `SELECT a.appid, v.version, p.data FROM versions v JOIN accounts a ON a.id = v.account_id
			JOIN packages p ON p.sha256 = v.package WHERE v.id = ? AND v.account_id = ?`, versionID, accountID).Scan(&appid, &version, &out.Data)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("package of version %d: %w", versionID, err)
		}
		out.Name = appid + "-" + version + ".zip"
		return nil
	})
	return out, err
}
