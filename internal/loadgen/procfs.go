package loadgen

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is the kernel's USER_HZ, the unit of utime and stime in
// /proc/PID/stat: 100 on every Linux architecture Go supports (the value
// sysconf(_SC_CLK_TCK) reports, fixed by the kernel's ABI).
const clockTicks = 100

// parseStatCPU reads the CPU time (user + system) a process has used from
// the text of its /proc/PID/stat. The second field, the command name in
// parentheses, may itself hold spaces and parentheses, so the fields are
// counted from the last ')'.
func parseStatCPU(stat []byte) (time.Duration, error) {
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("no command name in %q", truncate(stat))
	}
	// After ") " come the fields from the third (state) on; utime and
	// stime are the 14th and 15th of the line.
	f := strings.Fields(string(stat[end+1:]))
	const utime, stime = 14 - 3, 15 - 3
	if len(f) <= stime {
		return 0, fmt.Errorf("%d fields after the command name, want at least %d", len(f), stime+1)
	}
	u, err := strconv.ParseUint(f[utime], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("utime %q: %w", f[utime], err)
	}
	s, err := strconv.ParseUint(f[stime], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stime %q: %w", f[stime], err)
	}
	return time.Duration(u+s) * time.Second / clockTicks, nil
}

// parseVmRSS reads the resident set size, in bytes, from the text of
// /proc/PID/status (its "VmRSS:  1234 kB" line).
func parseVmRSS(status []byte) (int64, error) {
	for line := range strings.Lines(string(status)) {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("VmRSS line %q: want a number of kB", strings.TrimSpace(line))
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("VmRSS %q: %w", f[0], err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("no VmRSS line")
}

// ProcessCPU is the CPU time (user + system) process pid has used so far.
func ProcessCPU(pid int) (time.Duration, error) {
	return readProc(pid, "stat", parseStatCPU)
}

// ProcessRSS is the resident set size of process pid, in bytes.
func ProcessRSS(pid int) (int64, error) {
	return readProc(pid, "status", parseVmRSS)
}

// readProc reads /proc/PID/file and parses it.
func readProc[T any](pid int, file string, parse func([]byte) (T, error)) (T, error) {
	var zero T
	path := fmt.Sprintf("/proc/%d/%s", pid, file)
	b, err := os.ReadFile(path)
	if err != nil {
		return zero, fmt.Errorf("read %s: %w", path, err)
	}
	v, err := parse(b)
	if err != nil {
		return zero, fmt.Errorf("parse %s: %w", path, err)
	}
	return v, nil
}

// SelfCPU is the CPU time (user + system) this process — the load
// generator — has used so far, from getrusage(2).
func SelfCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// truncate shortens b for an error message.
func truncate(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}
