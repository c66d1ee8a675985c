package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"image/jpeg"
	"net/url"
	"strings"
	"unicode/utf8"

	qrcode "github.com/skip2/go-qrcode"
)

// Mini-program codes (SPEC §17; real: getwxacodeunlimit, getwxacode, createwxaqrcode). The
// real codes are round "sun codes" that only WeChat reads; the stand-in is a QR code of the
// simulator URL /wx/apps/{appid}?env=…&path=…&scene=…, so the simulator or a phone's camera
// opens the mini program where the code says. It is answered as JPEG because the real API
// answers image/jpeg and silenceper/wechat accepts nothing else.

// The three code endpoints.
const (
	CodeUnlimited = "getwxacodeunlimit" // scene + page, unlimited in number
	CodeLimited   = "getwxacode"        // path (≤ 1024 characters), counted
	CodeQR        = "createwxaqrcode"   // path (≤ 128 bytes), counted, release only
)

// codeEndpoints are the paths the three code kinds are counted under.
var codeEndpoints = map[string]string{CodeUnlimited: "/wxa/getwxacodeunlimit", CodeLimited: "/wxa/getwxacode", CodeQR: "/cgi-bin/wxaapp/createwxaqrcode"}

// Code rules (real).
const (
	CodeQuota        = 100000 // getwxacode + createwxaqrcode per account (45029)
	CodeWidthDefault = 430
	CodeWidthMin     = 280
	CodeWidthMax     = 1280
	MaxScene         = 32   // visible characters
	MaxCodePath      = 1024 // getwxacode's path, characters
	MaxQRPath        = 128  // createwxaqrcode's path, bytes
	// codeJPEGQuality keeps the modules' edges sharp enough for any reader.
	codeJPEGQuality = 95
)

// sceneChars are the characters a scene may hold besides letters and digits (real).
const sceneChars = "!#$&'()*+,/:;=?@-._~"

// CodeRequest is the body of a code call, as the web layer decoded it.
type CodeRequest struct {
	Kind  string // CodeUnlimited, CodeLimited or CodeQR
	Scene string // CodeUnlimited only
	// Page is getwxacodeunlimit's page (no leading slash, no query), or the path of the other
	// two, which may carry a query.
	Page string
	// CheckPath (CodeUnlimited) checks Page against the released package. The real default
	// is true: the web layer passes true when the body does not say.
	CheckPath  bool
	EnvVersion string // release (""), trial or develop; CodeQR is always release
	Width      int    // 0 is 430; outside 280–1280 it is clamped, as the documented bounds say
}

// CodeImage is a code as answered: the JPEG, the URL it holds and its side in pixels.
type CodeImage struct {
	JPEG  []byte
	URL   string
	Width int
	Used  int // codes counted against CodeQuota so far (getwxacode and createwxaqrcode; the real Num-Used header)
}

// MiniProgramCode makes a code for the account. baseURL is the server's absolute root
// (--base-url). Refusals: 40169 scene empty or over 32 characters, 40129 a scene
// character outside letters, digits and !#$&'()*+,/:;=?@-._~, 40159 a path empty or too
// long, 85096 scancode_time in the page or path, 41030 a page with a leading slash or a
// query, or (check_path) not in the released package's pages or nothing released, 40097 an
// unknown env_version, 45029 once 100,000 counted codes were made.
func (s *Store) MiniProgramCode(ctx context.Context, accountID int64, baseURL string, r CodeRequest) (CodeImage, error) {
	width := min(max(r.Width, CodeWidthMin), CodeWidthMax)
	if r.Width == 0 {
		width = CodeWidthDefault
	}
	counted := r.Kind != CodeUnlimited
	var out CodeImage
	err := s.tokenAPITx(ctx, accountID, codeEndpoints[r.Kind], func(tx *sql.Tx) error {
		if err := r.check(); err != nil {
			return err
		}
		var appid string
		if err := tx.QueryRowContext(ctx, `SELECT appid FROM accounts WHERE id = ?`, accountID).Scan(&appid); err != nil {
			return fmt.Errorf("appid of %d: %w", accountID, err)
		}
		if r.Kind == CodeUnlimited && r.CheckPath {
			if err := checkReleasedPage(ctx, tx, accountID, r.Page, s.nowFor(accountID)); err != nil {
				return err
			}
		}
		if counted {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT used FROM wxacode_counts WHERE account_id = ?), 0)`,
				accountID).Scan(&out.Used); err != nil {
				return fmt.Errorf("codes of %d: %w", accountID, err)
			}
			if out.Used >= CodeQuota {
				return APICodeQuota
			}
		}
		out.URL = codeURL(baseURL, appid, r)
		img, err := codeJPEG(out.URL, width)
		if err != nil {
			if r.Kind == CodeUnlimited {
				return APIInvalidArgs
			}
			return APIInvalidPath
		}
		out.JPEG, out.Width = img, width
		if counted {
			out.Used++
			if _, err := tx.ExecContext(ctx, `INSERT INTO wxacode_counts (account_id, used) VALUES (?, 1)
				ON CONFLICT (account_id) DO UPDATE SET used = used + 1`, accountID); err != nil {
				return fmt.Errorf("count code of %d: %w", accountID, err)
			}
		}
		return nil
	})
	return out, err
}

// check applies the rules that need no database.
func (r CodeRequest) check() error {
	if r.EnvVersion != "" && r.EnvVersion != EnvRelease && r.EnvVersion != EnvTrial && r.EnvVersion != EnvDevelop ||
		r.Kind == CodeQR && r.EnvVersion != "" && r.EnvVersion != EnvRelease {
		return APIInvalidArgs
	}
	switch r.Kind {
	case CodeUnlimited:
		n := utf8.RuneCountInString(r.Scene)
		if n == 0 || n > MaxScene {
			return APIInvalidSceneLen
		}
		for _, c := range r.Scene {
			if !isLatin(c) && !isDigit(c) && !strings.ContainsRune(sceneChars, c) {
				return APIInvalidScene
			}
		}
		if strings.Contains(r.Page, "scancode_time") {
			return APIScancodeTime
		}
		if strings.HasPrefix(r.Page, "/") || strings.Contains(r.Page, "?") {
			return APIInvalidPage
		}
	case CodeLimited, CodeQR:
		if r.Page == "" || r.Kind == CodeLimited && utf8.RuneCountInString(r.Page) > MaxCodePath || r.Kind == CodeQR && len(r.Page) > MaxQRPath {
			return APIInvalidPath
		}
		if strings.Contains(r.Page, "scancode_time") {
			return APIScancodeTime
		}
	default:
		return APIInvalidArgs
	}
	return nil
}

// codeURL is the simulator URL a code holds. Slashes stay unescaped in the query (RFC 3986
// allows them there), which keeps long paths within a QR code and readable.
func codeURL(baseURL, appid string, r CodeRequest) string {
	q := url.Values{"env": {cmp.Or(r.EnvVersion, EnvRelease)}}
	if r.Page != "" {
		q.Set("path", r.Page)
	}
	if r.Kind == CodeUnlimited {
		q.Set("scene", r.Scene)
	}
	return strings.TrimSuffix(baseURL, "/") + "/wx/apps/" + appid + "?" + strings.ReplaceAll(q.Encode(), "%2F", "/")
}

// codeJPEG draws the QR code of u, width pixels square, with medium error correction, or
// low when u is too long for medium.
func codeJPEG(u string, width int) ([]byte, error) {
	var q *qrcode.QRCode
	var err error
	for _, level := range []qrcode.RecoveryLevel{qrcode.Medium, qrcode.Low} {
		if q, err = qrcode.New(u, level); err == nil {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, q.Image(width), &jpeg.Options{Quality: codeJPEGQuality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CodesUsed is how many of the 100,000 counted codes the account has made.
func (s *Store) CodesUsed(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE((SELECT used FROM wxacode_counts WHERE account_id = ?), 0)`, accountID).Scan(&n)
	return n, err
}
