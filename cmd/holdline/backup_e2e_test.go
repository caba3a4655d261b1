package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// `holdline backup` copies the store of a running server while clients keep
// registering callbacks; a server started on a folder holding the copy
// serves every registration acknowledged before the backup began (issue
// #12, acceptance 6).
func TestBackupOfARunningServerRestores(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	cfg := benchConfig(t)
	p := startServer(t, data, "--config", cfg)
	st := startStorm(t, p.base, 8, "6")
	st.waitAcked(t, 300)
	before := st.ackedSoFar()
	file := filepath.Join(t.TempDir(), "holdline-backup.db")
	out, err := exec.Command(binPath, "backup", "--data", data, file).CombinedOutput()
	st.stop()
	if err != nil {
		t.Fatalf("holdline backup: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "written to "+file) {
		t.Errorf("holdline backup says %q", out)
	}
	// A second backup to the same file is refused, and leaves it alone.
	if again, err := exec.Command(binPath, "backup", "--data", data, file).CombinedOutput(); err == nil || !strings.Contains(string(again), "exists") {
		t.Errorf("a backup onto an existing file: %v %s", err, again)
	}

	restored := t.TempDir()
	copyFile(t, file, filepath.Join(restored, "holdline.db"))
	p2 := startServer(t, restored, "--config", cfg)
	for _, id := range before {
		if it := getInteraction(t, p2.base, "Bench", id); it.ID != id || len(it.History) == 0 || it.History[0].Event != "Add" {
			t.Errorf("registration %s, acknowledged before the backup, in the restored server: %+v", id, it)
		}
	}
	t.Logf("%d registrations acknowledged before the backup, all served from it; %s", len(before), strings.TrimSpace(string(out)))
}

// copyFile copies src to dst, as an operator restoring a backup does.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
