package sqlitestore

import (
	"testing"

	"github.com/holdline/holdline/internal/callback"
)

// Fill is the conformance harness's Fill: it makes s full (fill).
func Fill(t *testing.T, s callback.Store) func() { return fill(t, s.(*Store)) }
