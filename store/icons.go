package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"time"

	"golang.org/x/image/bmp"
	xdraw "golang.org/x/image/draw"
)

// Icon limits: uploads up to 2 MB (real); decoding stops at 4096 pixels a side so a small
// file cannot claim a huge canvas; what is stored is at most 1024 pixels square.
const (
	IconMaxBytes    = 2 << 20
	iconMaxDecode   = 4096
	iconMaxSideKept = 1024
)

// IconMeta is what the pages need to show an icon: its validator and age.
type IconMeta struct {
	ETag      string // "" when the account has no icon
	UpdatedAt time.Time
}

// Icon is a stored icon with what HTTP caching needs.
type Icon struct {
	PNG []byte
	IconMeta
}

type imageCodec struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// iconCodec picks the decoder by the file's leading bytes, never by its name.
func iconCodec(b []byte) (imageCodec, bool) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return imageCodec{png.DecodeConfig, png.Decode}, true
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return imageCodec{jpeg.DecodeConfig, jpeg.Decode}, true
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return imageCodec{gif.DecodeConfig, gif.Decode}, true
	case bytes.HasPrefix(b, []byte("BM")):
		return imageCodec{bmp.DecodeConfig, bmp.Decode}, true
	}
	return imageCodec{}, false
}

// ReadIcon reads an uploaded icon (at most IconMaxBytes are read, whatever the upload
// claims), checks that it is a PNG, JPEG, GIF or BMP that decodes, and returns it
// centre-cropped to a square as PNG. Errors are *ValidationError icon_too_large or
// icon_format.
func ReadIcon(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, IconMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read icon: %w", err)
	}
	if len(data) > IconMaxBytes {
		return nil, invalid("icon", "icon_too_large")
	}
	codec, ok := iconCodec(data)
	if !ok {
		return nil, invalid("icon", "icon_format")
	}
	cfg, err := codec.config(bytes.NewReader(data))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > iconMaxDecode || cfg.Height > iconMaxDecode {
		return nil, invalid("icon", "icon_format")
	}
	img, err := codec.decode(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("icon", "icon_format")
	}
	var out bytes.Buffer
	if err := png.Encode(&out, squareIcon(img)); err != nil {
		return nil, fmt.Errorf("encode icon: %w", err)
	}
	return out.Bytes(), nil
}

// squareIcon crops the centre square of img, scaled down to iconMaxSideKept if larger.
func squareIcon(img image.Image) image.Image {
	b := img.Bounds()
	side := min(b.Dx(), b.Dy())
	x0, y0 := b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2
	src := image.Rect(x0, y0, x0+side, y0+side)
	out := min(side, iconMaxSideKept)
	dst := image.NewRGBA(image.Rect(0, 0, out, out))
	if out == side {
		xdraw.Draw(dst, dst.Bounds(), img, src.Min, xdraw.Src)
	} else {
		xdraw.BiLinear.Scale(dst, dst.Bounds(), img, src, xdraw.Src, nil)
	}
	return dst
}

// SetIcon stores a new icon. The upload is read and decoded before the write
// transaction; the yearly quota (5, after the free first setting) is counted inside it.
func (s *Store) SetIcon(ctx context.Context, accountID, personID int64, r io.Reader) error {
	data, err := ReadIcon(r)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error { return s.setIconTx(ctx, tx, accountID, personID, data) })
}

// setIconTx stores an icon already read by ReadIcon, counting the quota in tx.
func (s *Store) setIconTx(ctx context.Context, tx *sql.Tx, accountID, personID int64, data []byte) error {
	sum := sha256.Sum256(data)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	if _, err := doneAccountTx(ctx, tx, accountID); err != nil {
		return err
	}
	meta, err := iconMetaTx(ctx, tx, accountID)
	if err != nil || meta.ETag == etag {
		return err // the same picture again is no change
	}
	q, err := iconQuota(ctx, tx, accountID, meta.ETag != "", s.nowFor(accountID))
	if err != nil {
		return err
	}
	if !q.Allowed() {
		return invalid("icon", "icon_change_quota")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO icons (account_id, png, etag, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET png = excluded.png, etag = excluded.etag, updated_at = excluded.updated_at`,
		accountID, data, etag, fmtTime(s.nowFor(accountID)))
	if err != nil {
		return fmt.Errorf("store icon of %d: %w", accountID, err)
	}
	kind := "change"
	if q.First {
		kind = "first"
	}
	if err := s.recordChange(ctx, tx, accountID, personID, "icon", kind, etag); err != nil {
		return err
	}
	return s.logOp(ctx, tx, accountID, personID, opIconSet, "", "")
}

func iconMetaTx(ctx context.Context, tx *sql.Tx, accountID int64) (IconMeta, error) {
	var m IconMeta
	var at string
	err := tx.QueryRowContext(ctx, `SELECT etag, updated_at FROM icons WHERE account_id = ?`, accountID).Scan(&m.ETag, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return IconMeta{}, nil
	} else if err != nil {
		return IconMeta{}, fmt.Errorf("icon of %d: %w", accountID, err)
	}
	m.UpdatedAt = parseTime(at)
	return m, nil
}

// IconByAppID loads the icon served at /icons/{appid}.
func (s *Store) IconByAppID(ctx context.Context, appid string) (Icon, error) {
	var ic Icon
	var at string
	err := s.read.QueryRowContext(ctx, `SELECT i.png, i.etag, i.updated_at FROM icons i JOIN accounts a ON a.id = i.account_id
		WHERE a.appid = ?`, appid).Scan(&ic.PNG, &ic.ETag, &at)
	if err := notFound(err, "icon of "+appid); err != nil {
		return Icon{}, err
	}
	ic.UpdatedAt = parseTime(at)
	return ic, nil
}

// IconETags gives the icon validator of each of the accounts that have an uploaded icon,
// by AppID, for pages that list accounts with their icons (the others get a drawn one).
func (s *Store) IconETags(ctx context.Context, appids ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, appid := range appids {
		var etag string
		err := s.read.QueryRowContext(ctx, `SELECT i.etag FROM icons i JOIN accounts a ON a.id = i.account_id WHERE a.appid = ?`, appid).Scan(&etag)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("icon of %s: %w", appid, err)
		}
		out[appid] = etag
	}
	return out, nil
}
