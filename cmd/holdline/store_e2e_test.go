package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A second `holdline serve` on a data folder in use exits non-zero with a
// message naming the folder and its lock file; once the first has stopped,
// a server starts on the folder again.
func TestSecondServerOnTheSameDataFolderExits(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	first := startServer(t, data)
	id := register(t, first.base, "VHTLab", "PTK_VHT_TEST", "80001").ID

	msg := refusedServer(t, "--data", data, "--log-format", "json")
	lock := filepath.Join(data, "holdline.lock")
	if !strings.Contains(msg, "data folder "+data+" is in use by another holdline process") || !strings.Contains(msg, lock) {
		t.Fatalf("the second server's message does not name the folder and its lock file %s:\n%s", lock, msg)
	}
	// The first is untouched.
	if code, body := request(t, "GET", first.base+"/readyz", nil); code != 200 {
		t.Fatalf("the first server after the second's attempt: /readyz = %d %s", code, body)
	}
	first.Signal(t, syscall.SIGTERM)
	if err := first.Wait(t); err != nil {
		t.Fatalf("first server: %v\n%s", err, first.Logs())
	}
	third := startServer(t, data)
	if it := getInteraction(t, third.base, "VHTLab", id); it.ID != id {
		t.Fatalf("after the restart: %+v", it)
	}
}

// fullDiskSize is the size of the file system TestDiskFull mounts.
const fullDiskSize = "32m"

// mountTmpfs mounts a small tmpfs on a new temporary folder and returns the
// folder; the test unmounts it when it ends. Without the rights to mount
// (tests run as root on the build machines), the test is skipped, or fails
// under HOLDLINE_REQUIRE_TOOLS=1, as make test sets.
func mountTmpfs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+fullDiskSize+",mode=0700", "tmpfs", dir).CombinedOutput()
	if err != nil {
		msg := "mount a tmpfs (root is needed): " + err.Error() + ": " + strings.TrimSpace(string(out))
		if os.Getenv("HOLDLINE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("HOLDLINE_REQUIRE_TOOLS=1: %s", msg)
		}
		t.Skip(msg)
	}
	// Registered after TempDir's removal, so it runs before it; and before
	// the processes the test starts later are killed, which run first.
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes zeros into path until the file system has no byte left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	for _, chunk := range []int{1 << 20, 4 << 10, 512, 1} {
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("fill %s: %v", path, err)
				}
				break
			}
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		t.Fatal(err)
	}
	if st.Bavail != 0 {
		t.Fatalf("%d blocks still free after the filler", st.Bavail)
	}
}

// post sends body as JSON and returns the status, the Retry-After header
// and the body.
func post(t *testing.T, url string, body any) (int, string, string) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(raw)
}

// TestDiskFull runs the server with its data on a small tmpfs and fills it:
// writes are refused (REST 503 with Retry-After, PTK 109004), /readyz is not
// ready, reads are served, the cause is logged once; with the space back,
// writes and readiness return without a restart, and every registration
// that was acknowledged is there, also after a restart.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	disk := mountTmpfs(t)
	data := filepath.Join(disk, "data")
	p := startServer(t, data)
	callbacks := p.base + "/api/v1/tenants/VHTLab/callbacks"
	var acknowledged []string
	contact := 80000
	registration := func() map[string]any {
		contact++
		return map[string]any{"segment": "PTK_VHT_TEST", "contact": strconv.Itoa(contact),
			"appointmentTime": time.Now().UTC().Add(3 * time.Hour).Truncate(time.Second)}
	}
	for range 5 {
		contact++
		acknowledged = append(acknowledged, register(t, p.base, "VHTLab", "PTK_VHT_TEST", strconv.Itoa(contact)).ID)
	}

	filler := filepath.Join(disk, "filler")
	fill(t, filler)
	// Commits that still fit in the last partly used page may pass: write
	// until one is refused.
	refused := false
	for range 200 {
		code, retryAfter, body := post(t, callbacks, registration())
		if code == 201 {
			var it interaction
			if err := json.Unmarshal([]byte(body), &it); err != nil {
				t.Fatal(err)
			}
			acknowledged = append(acknowledged, it.ID)
			continue
		}
		if code != http.StatusServiceUnavailable || retryAfter == "" || !strings.Contains(body, `"code": 109004`) {
			t.Fatalf("registration on a full disk = %d, Retry-After %q, %s: want 503 with Retry-After and 109004", code, retryAfter, body)
		}
		refused = true
		break
	}
	if !refused {
		t.Fatal("200 registrations on a full disk were all accepted")
	}
	for range 3 {
		if code, _, body := post(t, callbacks, registration()); code != http.StatusServiceUnavailable {
			t.Fatalf("registration on a full disk = %d %s, want 503", code, body)
		}
	}
	code, body := request(t, "POST", p.base+"/api/v1/ptk/AddInteraction",
		map[string]any{"Tenant": "VHTLab", "Segment": "PTK_VHT_TEST", "Contact": "89999"})
	if code != 200 || !strings.Contains(body, "109004") {
		t.Fatalf("PTK AddInteraction on a full disk = %d %s, want 109004", code, body)
	}
	if code, body := request(t, "GET", p.base+"/readyz", nil); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz on a full disk = %d %s, want 503", code, body)
	}
	for _, id := range acknowledged {
		getInteraction(t, p.base, "VHTLab", id) // reads are served
	}
	if n := strings.Count(p.Logs(), `"msg":"store unavailable`); n != 1 {
		t.Fatalf("the cause was logged %d times, want once:\n%s", n, p.Logs())
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	// The Queue Manager's probe brings readiness back without a request.
	waitFor(t, "/readyz to be ready once the disk has room", func() bool {
		code, _ := request(t, "GET", p.base+"/readyz", nil)
		return code == 200
	})
	if !strings.Contains(p.Logs(), `"msg":"store available again"`) {
		t.Fatalf("the recovery was not logged:\n%s", p.Logs())
	}
	acknowledged = append(acknowledged, register(t, p.base, "VHTLab", "PTK_VHT_TEST", "81999").ID)
	for _, id := range acknowledged {
		getInteraction(t, p.base, "VHTLab", id)
	}

	p.Signal(t, syscall.SIGTERM)
	if err := p.Wait(t); err != nil || !strings.Contains(p.Logs(), `"msg":"store closed"`) {
		t.Fatalf("shutdown after the disk was full: %v\n%s", err, p.Logs())
	}
	p2 := startServer(t, data)
	for _, id := range acknowledged {
		getInteraction(t, p2.base, "VHTLab", id)
	}
	// Nothing refused was committed: the store holds exactly those.
	_, metrics := request(t, "GET", p2.base+"/metrics", nil)
	if want := `holdline_interactions{state="PendingCallback"} ` + strconv.Itoa(len(acknowledged)) + "\n"; !strings.Contains(metrics, want) {
		t.Fatalf("the store does not hold exactly the %d acknowledged callbacks: /metrics lacks %q", len(acknowledged), want)
	}
	t.Logf("%d registrations acknowledged around the full disk, all found after a restart", len(acknowledged))
}

// refusedServer runs `holdline serve` with args, expects it to exit
// non-zero within a minute (a second server on data in use), and returns
// what it wrote to standard error.
func refusedServer(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(binPath, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 {
			t.Fatalf("the second server exited with %v, want a non-zero status\n%s", err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the second server is still running\n%s", stderr.String())
	}
	return stderr.String()
}
