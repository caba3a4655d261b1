package loadgen

import (
	"os"
	"strings"
	"testing"
	"time"
)

// checkParse parses text and checks the value, or the error when wantErr
// is set.
func checkParse[T comparable](t *testing.T, parse func([]byte) (T, error), text string, want T, wantErr string) {
	t.Helper()
	got, err := parse([]byte(text))
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("err = %v, want one saying %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("parsed %v, want %v", got, want)
	}
}

func TestParseStatCPU(t *testing.T) {
	// A real line of /proc/PID/stat, with utime 1234 and stime 566 ticks.
	fields := "S 1 100 100 0 -1 4194560 5000 0 0 0 1234 566 0 0 20 0 12 0 5000 1000000 9000 18446744073709551615"
	tests := []struct {
		name    string
		stat    string
		want    time.Duration
		wantErr string
	}{
		{name: "plain name", stat: "4242 (holdline) " + fields, want: 18 * time.Second},
		{name: "name with spaces and parentheses", stat: "4242 (a) b (c)) " + fields, want: 18 * time.Second},
		{name: "nothing used yet", stat: "1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0 0", want: 0},
		{name: "no command name", stat: "4242 holdline S 1", wantErr: "no command name"},
		{name: "cut short", stat: "4242 (holdline) S 1 100", wantErr: "fields after the command name"},
		{name: "not a number", stat: "4242 (holdline) " + strings.Replace(fields, "1234", "x", 1), wantErr: "utime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkParse(t, parseStatCPU, tt.stat, tt.want, tt.wantErr)
		})
	}
}

func TestParseVmRSS(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		want    int64
		wantErr string
	}{
		{name: "among other lines", status: "Name:\tholdline\nVmPeak:\t  900 kB\nVmRSS:\t   40960 kB\nThreads:\t9\n", want: 40 << 20},
		{name: "no VmRSS (a kernel thread)", status: "Name:\tkthreadd\nThreads:\t1\n", wantErr: "no VmRSS"},
		{name: "another unit", status: "VmRSS:\t 40 MB\n", wantErr: "want a number of kB"},
		{name: "not a number", status: "VmRSS:\t 4x kB\n", wantErr: "VmRSS \"4x\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkParse(t, parseVmRSS, tt.status, tt.want, tt.wantErr)
		})
	}
}

// TestOwnProcess reads this test process's own figures: the files exist,
// parse, and hold plausible values.
func TestOwnProcess(t *testing.T) {
	cpu, err := ProcessCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	self, err := SelfCPU()
	if err != nil {
		t.Fatal(err)
	}
	if cpu < 0 || self <= 0 {
		t.Errorf("CPU from /proc %s, from getrusage %s: want both positive", cpu, self)
	}
	rss, err := ProcessRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1<<20 {
		t.Errorf("RSS %d bytes: want at least a MiB for a Go test binary", rss)
	}
	if _, err := ProcessCPU(-1); err == nil || !strings.Contains(err.Error(), "/proc/-1/stat") {
		t.Errorf("ProcessCPU(-1) err = %v, want one naming the file", err)
	}
}
