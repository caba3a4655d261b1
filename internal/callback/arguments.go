package callback

import "fmt"

// ArgumentError refuses a value outside the bounds the domain accepts, in an
// operation the PTK does not have, so no PTK status code names it (a claim's
// size or lease, an ACD report's agent counts). Each front answers it as a
// malformed request in its own words (REST: 400 InvalidRequest naming the
// JSON field), and no front repeats the check.
type ArgumentError struct {
	// Arg names the argument refused.
	Arg Arg
	// Msg says what is wrong, in the domain's words.
	Msg string
}

// Arg names an argument an ArgumentError refuses.
type Arg string

// The arguments the domain bounds outside the PTK.
const (
	ArgClaimMax   Arg = "max"
	ArgClaimLease Arg = "lease"
	ArgStaffing   Arg = "staffing"
)

func (e *ArgumentError) Error() string { return e.Msg }

func argumentErrorf(arg Arg, format string, a ...any) error {
	return &ArgumentError{Arg: arg, Msg: fmt.Sprintf(format, a...)}
}
