package loadgen

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestRunSaysWhyTheServerDidNotStart: a binary that is missing, or that
// exits without listening, ends the run with an error that says so.
func TestRunSaysWhyTheServerDidNotStart(t *testing.T) {
	tests := []struct {
		name, binary, want string
	}{
		{"no binary to start", "", "no holdline binary"},
		{"missing binary", "/nonexistent/holdline", "start holdline serve (/nonexistent/holdline)"},
		{"exits at once", "/bin/true", "holdline serve exited before it listened"},
		{"fails at once", "/bin/false", "holdline serve exited before it listened (exit status 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err := Run(ctx, Options{Binary: tt.binary, WorkDir: t.TempDir()})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}
