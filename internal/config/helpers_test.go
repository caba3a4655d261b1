package config

import (
	"fmt"
	"strings"
)

// baseDoc is the smallest valid configuration; doc adds lines to its tenant
// and its queue.
const baseDoc = `tenants:
  - name: T
%s    segments:
      - {name: S, queue: Q}
    queues:
      - name: Q
%s`

// holdingSkill is the one queue key a configuration may not leave out.
const holdingSkill = "skills: {holding: {id: hold-Q}}\n"

// doc returns baseDoc with tenant lines (indented under the tenant) and
// queue lines (indented under the queue) added; the queue gets a holding
// skill unless the lines set its skills.
func doc(tenant, queue string) []byte {
	if !strings.Contains(queue, "skills:") {
		queue = holdingSkill + queue
	}
	return []byte(fmt.Sprintf(baseDoc, indent(tenant, 4), indent(queue, 8)))
}

// indent prefixes every line of s with n spaces.
func indent(s string, n int) string {
	if s == "" {
		return ""
	}
	pad := strings.Repeat(" ", n)
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(pad + l + "\n")
	}
	return b.String()
}

// issueStrings renders issues as "PATH: MESSAGE".
func issueStrings(issues []Issue) []string {
	out := make([]string, len(issues))
	for i, is := range issues {
		out[i] = is.String()
	}
	return out
}
