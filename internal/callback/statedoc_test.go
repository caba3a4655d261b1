package callback

import (
	"fmt"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/doctest"
	"github.com/holdline/holdline/internal/status"
)

// stateDoc renders docs/states.md from the state and transition tables, so
// the documentation can never disagree with the code.
func stateDoc() string {
	var b strings.Builder
	b.WriteString("# Interaction states\n\n")
	b.WriteString("<!-- Generated from internal/callback/state.go by `go test ./internal/callback -run TestStatesDoc -update`. Do not edit. -->\n\n")
	b.WriteString("Every interaction moves through one state machine (behaviour.md §2). Each change writes the\n")
	b.WriteString("interaction and a history record in the same transaction. Final states are never left.\n\n")
	b.WriteString("## States\n\n| state | report name | final |\n|---|---|---|\n")
	for _, s := range states {
		final := ""
		if s.Final {
			final = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.State, s.Report, final)
	}
	b.WriteString("\n## Transitions\n\nA pair not listed is refused with the event's code (the interaction does not move).\n\n")
	b.WriteString("| event | from | to | refused with |\n|---|---|---|---|\n")
	for _, ev := range Events() {
		code, ok := refusals[ev]
		if !ok {
			code = status.InteractionStatePreventsRequestedAction
		}
		first := true
		for _, r := range transitions {
			if r.Event != ev {
				continue
			}
			var from []string
			for _, f := range r.From {
				from = append(from, "`"+stateName(f)+"`")
			}
			to := "`" + stateName(r.To) + "`"
			if r.To == sameState {
				to = "(unchanged)"
			}
			refused := ""
			if first {
				refused = fmt.Sprintf("%d %s", code, code.Name())
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", ev, strings.Join(from, ", "), to, refused)
			first = false
		}
	}
	b.WriteString("\nAny event but a creation one on an id the platform does not know answers 107002 InteractionNotFound.\n")
	return b.String()
}

func TestStatesDocIsCurrent(t *testing.T) {
	t.Parallel()
	doctest.File(t, "../../docs/states.md", stateDoc(), "go test ./internal/callback -run TestStatesDoc")
}

func stateName(s State) string {
	if s == StateNone {
		return "(new)"
	}
	return string(s)
}
