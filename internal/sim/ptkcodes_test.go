package sim

import (
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/status"
)

// A refusal whose code the PTK method's table lists passes; one it does not
// list fails the run, named with its method and code.
func TestUndocumentedCodesFailTheRun(t *testing.T) {
	t.Parallel()
	d := &documented{}
	d.check("InteractionRequestContact", status.Errorf(status.DuplicateContactInQueue, "documented"))
	d.check("InteractionRequestContact", nil)
	if err := d.err(); err != nil {
		t.Fatalf("documented codes failed the run: %v", err)
	}
	d.check("InteractionQueued", status.Errorf(status.AppointmentTimeFull, "not in InteractionQueued's table"))
	if err := d.err(); err == nil || !strings.Contains(err.Error(), "InteractionQueued 107014") {
		t.Fatalf("got %v, want InteractionQueued 107014 named", err)
	}
}
