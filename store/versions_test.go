package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// Upload rules of SPEC §12: the version name, the description, the robot number and who may
// upload (administrator and developers; operators and analysts may not).
func TestUploadRules(t *testing.T) {
	e := newVerEnv(t, "personal")
	admin, dev := ByPerson(e.admin.ID), ByPerson(e.developer.ID)
	for _, tc := range []struct {
		name, version, desc string
		by                  Actor
		want                string
	}{
		{"plain", "1.0.0", "", admin, "ok"},
		{"every allowed character", "V1.0.0-beta+build_2", "修复若干问题", dev, "ok"},
		{"64 characters", strings.Repeat("a", 64), "", admin, "ok"},
		{"65 characters", strings.Repeat("a", 65), "", admin, "version_invalid"},
		{"empty", "", "", admin, "version_invalid"},
		{"space inside", "1.0 beta", "", admin, "version_invalid"},
		{"slash", "1/0", "", admin, "version_invalid"},
		{"CJK", "版本一", "", admin, "version_invalid"},
		{"200 characters of description", "1.0.1", strings.Repeat("版", 200), admin, "ok"},
		{"201 characters of description", "1.0.1", strings.Repeat("版", 201), admin, "description_invalid"},
		{"robot 1", "1.0.2", "", ByRobot(1), "ok"},
		{"robot 30", "1.0.2", "", ByRobot(30), "ok"},
		{"robot 31", "1.0.2", "", ByRobot(31), "robot_invalid"},
		{"robot -1", "1.0.2", "", ByRobot(-1), "robot_invalid"},
		{"nobody", "1.0.2", "", Actor{}, "forbidden"},
		{"operator", "1.0.2", "", ByPerson(e.operator.ID), "forbidden"},
		{"analyst", "1.0.2", "", ByPerson(e.analyst.ID), "forbidden"},
		{"experience member", "1.0.2", "", ByPerson(e.tester.ID), "forbidden"},
		{"stranger", "1.0.2", "", ByPerson(e.stranger.ID), "forbidden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.st.Upload(e.ctx, e.acct.ID, tc.by, tc.version, tc.desc, nil)
			if got := outcome(err); got != tc.want {
				t.Fatalf("upload %q by %+v: %s, want %s", tc.version, tc.by, got, tc.want)
			}
		})
	}
	// A robot's upload is logged as that robot, not as a person.
	e.upload(ByRobot(7), "2.0.0")
	if l := e.lastLog(); l.Action != "version_uploaded" || l.Robot != 7 || l.PersonID != 0 || l.Detail != "2.0.0" {
		t.Fatalf("robot upload logged as %+v", l)
	}
}

// Packages are checked as real zips: at most 2 MB, an app.json at the root whose pages is a
// non-empty list of strings. What passes is kept with its size, SHA-256, files and pages.
func TestPackageChecks(t *testing.T) {
	e := newVerEnv(t, "personal")
	noise := make([]byte, 2<<20)
	rand.Read(noise)
	big := zipOf("app.json", `{"pages":["a"]}`, "noise.bin", string(noise))
	for _, tc := range []struct {
		name string
		pkg  []byte
		want string
	}{
		{"over 2 MB", big, "package_too_large"},
		{"2 MB and one byte of anything", make([]byte, 2<<20+1), "package_too_large"},
		{"not a zip", []byte("just some text, not a zip"), "package_invalid"},
		{"empty file", nil, "package_invalid"},
		{"no app.json", zipOf("app.js", "App({})"), "package_invalid"},
		{"app.json only in a folder", zipOf("dist/app.json", `{"pages":["a"]}`), "package_invalid"},
		{"bad JSON", zipOf("app.json", `{"pages": [`), "package_invalid"},
		{"pages missing", zipOf("app.json", `{"window": {}}`), "package_invalid"},
		{"pages empty", zipOf("app.json", `{"pages": []}`), "package_invalid"},
		{"pages not strings", zipOf("app.json", `{"pages": [1, 2]}`), "package_invalid"},
		{"pages not a list", zipOf("app.json", `{"pages": "pages/index/index"}`), "package_invalid"},
		{"a blank page", zipOf("app.json", `{"pages": ["pages/a", " "]}`), "package_invalid"},
		{"good", appZip("x", testPages...), "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.st.Upload(e.ctx, e.acct.ID, ByPerson(e.admin.ID), "1.0.0", "", bytes.NewReader(tc.pkg))
			if got := outcome(err); got != tc.want {
				t.Fatalf("%s, want %s", got, tc.want)
			}
			var ve *ValidationError
			if errors.As(err, &ve) && ve.Fields["package"] != tc.want {
				t.Fatalf("error on the wrong field: %v", ve.Fields)
			}
		})
	}
	pkg := zipOf("app.json", `{"pages":["pages/index/index","pages/logs/logs"]}`, "pages/", "", "pages/index/index.js", "Page({})", "app.js", "App({})")
	v, err := e.st.Upload(e.ctx, e.acct.ID, ByPerson(e.admin.ID), "1.0.1", "", bytes.NewReader(pkg))
	must(t, err)
	sum := sha256.Sum256(pkg)
	p := v.Package
	if p == nil || p.SHA256 != hex.EncodeToString(sum[:]) || p.Size != int64(len(pkg)) || p.FileCount() != 3 ||
		strings.Join(p.Files, ",") != "app.json,pages/index/index.js,app.js" || strings.Join(p.Pages, ",") != "pages/index/index,pages/logs/logs" {
		t.Fatalf("package kept as %+v", p)
	}
}

// Only the latest upload of each uploader is kept: a new one replaces that uploader's
// previous one (and its package), and nobody else's.
func TestUploadReplacesPerUploader(t *testing.T) {
	e := newVerEnv(t, "personal")
	first := e.upload(ByPerson(e.admin.ID), "1.0.0")
	e.upload(ByPerson(e.developer.ID), "1.0.0-dev")
	e.upload(ByRobot(1), "1.0.0-ci1")
	e.upload(ByRobot(2), "1.0.0-ci2")
	if n := len(e.page().Dev); n != 4 {
		t.Fatalf("%d development versions, want 4", n)
	}
	second := e.upload(ByPerson(e.admin.ID), "1.0.1")
	e.upload(ByRobot(1), "1.0.1-ci1")
	var got []string
	for _, v := range e.page().Dev {
		got = append(got, v.Version)
	}
	if strings.Join(got, " ") != "1.0.1-ci1 1.0.1 1.0.0-ci2 1.0.0-dev" {
		t.Fatalf("development versions %v", got)
	}
	if n := e.count(`SELECT count(*) FROM versions WHERE id = ?`, first.ID); n != 0 {
		t.Fatal("the replaced upload is still stored")
	}
	if n := e.count(`SELECT count(*) FROM packages WHERE sha256 = ?`, first.Package.SHA256); n != 0 {
		t.Fatal("the replaced upload's package is still stored")
	}
	if n := e.count(`SELECT count(*) FROM packages`); n != 4 {
		t.Fatalf("%d packages stored for 4 versions", n)
	}
	// The same zip uploaded by two uploaders is stored once and stays while one uses it.
	same := appZip("shared", testPages...)
	for _, by := range []Actor{ByRobot(3), ByRobot(4)} {
		_, err := e.st.Upload(e.ctx, e.acct.ID, by, "3.0.0", "", bytes.NewReader(same))
		must(t, err)
	}
	sum := sha256.Sum256(same)
	shared := hex.EncodeToString(sum[:])
	e.upload(ByRobot(3), "3.0.1")
	if n := e.count(`SELECT count(*) FROM packages WHERE sha256 = ?`, shared); n != 1 {
		t.Fatal("a package still used by robot 4 was deleted")
	}
	if second.ID == 0 || second.Dev != true {
		t.Fatalf("upload answered %+v", second)
	}
}

// Deleting a development version leaves the same code as trial, under review and online;
// a version that is nothing else disappears with its package.
func TestDeleteVersion(t *testing.T) {
	e := newVerEnv(t, "personal")
	e.ready()
	online := e.released("1.0.0", ModeFull, PhasePlan{})
	must(t, e.st.DeleteVersion(e.ctx, e.acct.ID, e.admin.ID, online.ID))
	trial := e.upload(ByPerson(e.developer.ID), "1.1.0")
	must(t, e.st.SetTrial(e.ctx, e.acct.ID, e.developer.ID, trial.ID))
	review := e.upload(ByRobot(1), "1.2.0")
	must(t, e.st.SubmitReview(e.ctx, e.acct.ID, e.operator.ID, review.ID, e.group()))
	plain := e.upload(ByRobot(2), "1.3.0")

	for _, tc := range []struct {
		name string
		by   Person
		id   int64
		want string
	}{
		{"analyst may not", e.analyst, trial.ID, "forbidden"},
		{"operator may not", e.operator, trial.ID, "forbidden"},
		{"trial", e.developer, trial.ID, "ok"},
		{"under review", e.admin, review.ID, "ok"},
		{"plain", e.admin, plain.ID, "ok"},
		{"twice", e.admin, plain.ID, "not_found"},
		{"online, no longer a development version", e.admin, online.ID, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := outcome(e.st.DeleteVersion(e.ctx, e.acct.ID, tc.by.ID, tc.id)); got != tc.want {
				t.Fatalf("%s, want %s", got, tc.want)
			}
		})
	}
	p := e.page()
	if len(p.Dev) != 0 || p.Trial == nil || p.Trial.ID != trial.ID || p.Review == nil || p.Review.Version.ID != review.ID ||
		p.Online == nil || p.Online.Version.ID != online.ID {
		t.Fatalf("after deleting: dev %v, trial %v, review %v, online %v", p.Dev, p.Trial, p.Review, p.Online)
	}
	if e.count(`SELECT count(*) FROM versions WHERE id = ?`, plain.ID) != 0 || e.count(`SELECT count(*) FROM packages WHERE sha256 = ?`, plain.Package.SHA256) != 0 {
		t.Fatal("a deleted version that was nothing else is still stored")
	}
	if a := e.actions(); a[len(a)-1] != "version_deleted" {
		t.Fatalf("log ends with %v", a[len(a)-3:])
	}
}

// The package downloads for members who may upload, and only for them.
func TestDownloadPackage(t *testing.T) {
	e := newVerEnv(t, "personal")
	pkg := appZip("download", testPages...)
	v, err := e.st.Upload(e.ctx, e.acct.ID, ByRobot(1), "1.0.0", "", bytes.NewReader(pkg))
	must(t, err)
	bare, err := e.st.Upload(e.ctx, e.acct.ID, ByRobot(2), "1.0.0", "", nil)
	must(t, err)
	for _, tc := range []struct {
		name string
		who  Person
		id   int64
		want string
	}{
		{"administrator", e.admin, v.ID, "ok"},
		{"developer", e.developer, v.ID, "ok"},
		{"operator", e.operator, v.ID, "forbidden"},
		{"analyst", e.analyst, v.ID, "forbidden"},
		{"stranger", e.stranger, v.ID, "forbidden"},
		{"no package", e.admin, bare.ID, "not_found"},
		{"unknown version", e.admin, v.ID + 100, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := e.st.DownloadPackage(e.ctx, e.acct.ID, tc.who.ID, tc.id)
			if got := outcome(err); got != tc.want {
				t.Fatalf("%s, want %s", got, tc.want)
			}
			if err == nil && (!bytes.Equal(f.Data, pkg) || f.Name != e.acct.AppID+"-1.0.0.zip") {
				t.Fatalf("downloaded %s, %d bytes", f.Name, len(f.Data))
			}
		})
	}
	otherAdmin := e.person("other_admin")
	other := e.account("other@example.com", otherAdmin, "personal")
	ov, err := e.st.Upload(e.ctx, other.ID, ByPerson(otherAdmin.ID), "9.9.9", "", bytes.NewReader(appZip("other", "a")))
	must(t, err)
	if _, err := e.st.DownloadPackage(e.ctx, e.acct.ID, e.admin.ID, ov.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another account's package: %v", err)
	}
}

// One trial version: choosing another retires the previous one, which disappears when it
// is nothing else any more.
func TestSetTrial(t *testing.T) {
	e := newVerEnv(t, "personal")
	a := e.upload(ByPerson(e.admin.ID), "1.0.0")
	b := e.upload(ByPerson(e.developer.ID), "1.1.0")
	for _, tc := range []struct {
		name string
		who  Person
		id   int64
		want string
	}{
		{"operator may not", e.operator, a.ID, "forbidden"},
		{"analyst may not", e.analyst, a.ID, "forbidden"},
		{"administrator", e.admin, a.ID, "ok"},
		{"the same again", e.admin, a.ID, "ok"},
		{"developer", e.developer, b.ID, "ok"},
		{"unknown", e.admin, b.ID + 100, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := outcome(e.st.SetTrial(e.ctx, e.acct.ID, tc.who.ID, tc.id)); got != tc.want {
				t.Fatalf("%s, want %s", got, tc.want)
			}
		})
	}
	if p := e.page(); p.Trial == nil || p.Trial.ID != b.ID || e.count(`SELECT count(*) FROM versions WHERE trial = 1`) != 1 {
		t.Fatalf("trial is %+v", p.Trial)
	}
	e.upload(ByPerson(e.developer.ID), "1.2.0")
	if e.count(`SELECT count(*) FROM versions WHERE id = ?`, b.ID) != 1 {
		t.Fatal("the trial version was deleted when its uploader uploaded again")
	}
	must(t, e.st.SetTrial(e.ctx, e.acct.ID, e.admin.ID, a.ID))
	if e.count(`SELECT count(*) FROM versions WHERE id = ?`, b.ID) != 0 {
		t.Fatal("the former trial version is nothing any more but is still stored")
	}
	if a := e.actions(); strings.Count(strings.Join(a, " "), "trial_set") != 3 {
		t.Fatalf("trial changes logged: %v", a)
	}
}
