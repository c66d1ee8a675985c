package web

import (
	"bytes"
	"database/sql"
	"encoding/gob"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// A session row holds its values as JSON, and a row an earlier version wrote as gob still
// signs its browser in (nobody is signed out by the upgrade).
func TestSessionValuesJSONAndOldGob(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	c := e.console(tm.a, tm.admin)
	wantStatus(t, c.get("/members"), http.StatusOK)

	db, err := sql.Open("sqlite", "file:"+e.dbPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var data []byte
	if err := db.QueryRow(`SELECT data FROM sessions WHERE person_id = ? AND surface = 'console'`, tm.admin.ID).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if want := `"account_id":` + strconv.FormatInt(tm.a.ID, 10); !strings.HasPrefix(string(data), "{") || !strings.Contains(string(data), want) {
		t.Fatalf("session row data %q, want JSON with %s", data, want)
	}

	var old bytes.Buffer
	if err := gob.NewEncoder(&old).Encode(map[any]any{keyAccount: tm.a.ID, keyPerson: tm.admin.ID, keyMailbox: "7 9"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE sessions SET data = ? WHERE person_id = ? AND surface = 'console'`, old.Bytes(), tm.admin.ID); err != nil {
		t.Fatal(err)
	}
	r := c.get("/members")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`a[href="/members/admin/transfer"], form[action="/members/admin/transfer"]`).Length() == 0 {
		t.Errorf("a gob session row no longer signs the administrator in: %.300s", r.body)
	}
}

// Only numbers and texts are kept: any other value is refused when saved rather than
// lost on the next read.
func TestSessionValuesRefuseOtherTypes(t *testing.T) {
	for _, v := range []any{true, 1.5, []string{"a"}, int(3)} {
		if _, err := encodeSessionValues(map[any]any{"k": v}); err == nil {
			t.Errorf("%T saved in a session, want an error", v)
		}
	}
	got, err := decodeSessionValues(mustEncode(t, map[any]any{keyAccount: int64(1) << 40, keyLoginScan: "tok"}))
	if err != nil || got[keyAccount] != int64(1)<<40 || got[keyLoginScan] != "tok" {
		t.Errorf("round trip: %v, %v", got, err)
	}
}

func mustEncode(t *testing.T, v map[any]any) []byte {
	t.Helper()
	b, err := encodeSessionValues(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
