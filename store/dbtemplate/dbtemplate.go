// Package dbtemplate gives each test a copy of one migrated database instead of migrating a
// new one. Under the race detector applying the migrations takes about 1.5 s a database
// (SQLite's parser is Go there, and every access is instrumented) against milliseconds for
// a copy; with hundreds of test stores that was most of `make test`. Only tests import it.
package dbtemplate

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

var (
	once sync.Once
	dir  string
	path string
	err  error
)

// Copy writes the template database to dst. The first call makes the template: create must
// leave a complete, closed database at the path it is given (open it, which migrates, and
// close it).
func Copy(dst string, create func(path string) error) error {
	once.Do(func() {
		if dir, err = os.MkdirTemp("", "mpconsole-template-"); err != nil {
			return
		}
		path = filepath.Join(dir, "template.db")
		if err = create(path); err != nil {
			err = fmt.Errorf("template database: %w", err)
		}
	})
	if err != nil {
		return err
	}
	b, rerr := os.ReadFile(path)
	if rerr != nil {
		return rerr
	}
	return os.WriteFile(dst, b, 0o600)
}

// Remove deletes the template; TestMain calls it after the tests ran.
func Remove() {
	if dir != "" {
		os.RemoveAll(dir)
	}
}
