package callback

import (
	"fmt"
	"time"
)

// Interaction ids have the shape of the original product's:
// "V" + 4-digit node number + 10-digit sequence + ddMMyyyy + HHmmssfff (UTC
// creation time), e.g. V0001000000004725112026143005123. The node number
// keeps ids of several nodes apart; the sequence is stored and survives
// restarts.
const (
	idLength    = 32
	maxNode     = 9999
	seqModulus  = 10_000_000_000
	idTimeShape = "02012006150405.000"
)

// NewID formats an interaction id from the node number, the node's sequence
// value and the creation time.
func NewID(node int, seq int64, created time.Time) string {
	ts := created.UTC().Format(idTimeShape)
	// "ddMMyyyyHHmmss.fff" without the dot.
	ts = ts[:14] + ts[15:]
	return fmt.Sprintf("V%04d%010d%s", node%(maxNode+1), seq%seqModulus, ts)
}

// ValidID reports whether s has the shape of an interaction id: "V" and 31 digits.
func ValidID(s string) bool {
	if len(s) != idLength || (s[0] != 'V' && s[0] != 'v') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidNode reports whether n can be a node number.
func ValidNode(n int) bool { return n >= 0 && n <= maxNode }
