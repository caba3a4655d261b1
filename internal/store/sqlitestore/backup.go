package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
)

// BackupInfo describes a backup Backup wrote.
type BackupInfo struct {
	// Path is the backup's file.
	Path string
	// Bytes is its size.
	Bytes int64
	// SchemaVersion is the last migration the copy holds.
	SchemaVersion int64
	// Interactions and Records count what it holds.
	Interactions, Records int64
}

// Backup writes a consistent copy of the database at src — which a server
// may be using at the same time — to the new file dst. The copy is a
// snapshot of the last commit before it began (VACUUM INTO, in one read
// transaction: the server's writers go on), written beside dst under a
// temporary name, checked (PRAGMA quick_check), synced, and only then
// renamed to dst, so dst is either a whole backup or absent. dst must not
// exist. Restoring is copying dst to a data folder's holdline.db.
func Backup(ctx context.Context, src, dst string) (BackupInfo, error) {
	info := BackupInfo{Path: dst}
	if err := checkBackupPaths(src, dst); err != nil {
		return info, err
	}
	v := url.Values{}
	v.Add("_pragma", "busy_timeout("+strconv.FormatInt(DefaultBusyTimeout.Milliseconds(), 10)+")")
	db, err := sql.Open("sqlite", src+"?"+v.Encode())
	if err != nil {
		return info, fmt.Errorf("backup %s: %w", src, err)
	}
	defer func() { _ = db.Close() }()
	db.SetMaxOpenConns(1)

	tmp := dst + ".partial"
	_ = os.Remove(tmp) // a backup interrupted before: it never became dst
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		_ = os.Remove(tmp)
		return info, fmt.Errorf("backup %s: copy: %w", src, interpretError(err))
	}
	if info, err = inspectBackup(ctx, tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return info, err
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return info, fmt.Errorf("backup %s: %w", src, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return info, fmt.Errorf("backup %s: %w", src, err)
	}
	if err := syncFile(filepath.Dir(dst)); err != nil {
		return info, fmt.Errorf("backup %s: %w", src, err)
	}
	return info, nil
}

// checkBackupPaths refuses a missing source (opening it would create an
// empty database) and an existing destination (a backup never overwrites).
func checkBackupPaths(src, dst string) error {
	if dst == "" {
		return errors.New("backup: no destination file")
	}
	for _, p := range []string{src, dst} {
		if err := checkPath(p); err != nil {
			return fmt.Errorf("backup: %q: %w", p, err)
		}
	}
	fi, err := os.Stat(src)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("backup: there is no store at %s", src)
	case err != nil:
		return fmt.Errorf("backup: %w", err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("backup: %s is not a database file", src)
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("backup: %s exists; a backup does not overwrite a file", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// inspectBackup checks the copy at path and counts what it holds; dst is
// the name it will have.
func inspectBackup(ctx context.Context, path, dst string) (BackupInfo, error) {
	info := BackupInfo{Path: dst}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return info, fmt.Errorf("check the backup: %w", err)
	}
	defer func() { _ = db.Close() }()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return info, fmt.Errorf("check the backup: %w", err)
	}
	if check != "ok" {
		return info, fmt.Errorf("check the backup: quick_check says %q", check)
	}
	for _, c := range []struct {
		query string
		into  *int64
	}{
		{"SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied", &info.SchemaVersion},
		{"SELECT COUNT(*) FROM interactions", &info.Interactions},
		{"SELECT COUNT(*) FROM records", &info.Records},
	} {
		if err := db.QueryRowContext(ctx, c.query).Scan(c.into); err != nil {
			return info, fmt.Errorf("check the backup: %w", err)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return info, fmt.Errorf("check the backup: %w", err)
	}
	info.Bytes = fi.Size()
	return info, nil
}

// syncFile flushes a file or a directory to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}
