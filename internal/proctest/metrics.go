package proctest

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// UndocumentedCodes is the counter of PTK answers whose status code the
// method's table does not list; every suite that drives a server checks it
// stays at zero.
const UndocumentedCodes = "holdline_ptk_undocumented_code_total"

// Counted reads the Prometheus text a server at base serves on /metrics and
// returns each series of the counter name whose value is above zero, as its
// labels and value ("{code="107014",method="X"} 2").
func Counted(base, name string) ([]string, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return nil, fmt.Errorf("scrape %s/metrics: %w", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape %s/metrics: HTTP %d", base, resp.StatusCode)
	}
	var out []string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest != "" && rest[0] != '{' && rest[0] != ' ') {
			continue
		}
		i := strings.LastIndexByte(rest, ' ')
		if v, err := strconv.ParseFloat(rest[i+1:], 64); err == nil && v > 0 {
			out = append(out, strings.TrimSpace(rest))
		}
	}
	return out, sc.Err()
}

// CheckNoUndocumentedCodes registers a check, run when t ends and before
// the server at base is stopped, that it answered no PTK code its method's
// table does not list.
func CheckNoUndocumentedCodes(t testing.TB, base string) {
	t.Helper()
	t.Cleanup(func() {
		got, err := Counted(base, UndocumentedCodes)
		switch {
		case err != nil:
			t.Errorf("undocumented PTK codes: %v", err)
		case len(got) > 0:
			t.Errorf("%s counted %v: the server answered codes its methods' tables (docs/ptk.md) do not list", UndocumentedCodes, got)
		}
	})
}
