package userdata

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync/atomic"

	"github.com/holdline/holdline/internal/status"
)

// tooManyKeys says which limit a tree broke, for the errors of Budget and Validate.
var tooManyKeys = fmt.Sprintf("more than %d keys (MaxKeys; the pairs of nested lists count too)", MaxKeys)

// decodedPairs counts the pairs admitted by every Budget since the process started.
var decodedPairs atomic.Int64

// DecodedPairs is the number of pairs the decoders of user data (List's and
// Pair's UnmarshalJSON, and every decoder counting with a Budget) have
// admitted since the process started. Tests read it to show that a limit
// stops a decoder early, not after it has read the whole request.
func DecodedPairs() int64 { return decodedPairs.Load() }

// Budget bounds the decoding of one user-data tree. A decoder takes one Budget
// per tree, calls Pair before it builds each pair and List before it decodes
// each list, and stops at the first error: an oversized tree costs at most
// MaxKeys+1 pairs, whatever the size of the request. The zero Budget is ready
// to use.
type Budget struct {
	keys int
	// stored lifts the key limit for user data read back from the store.
	stored bool
}

// Pair counts one more pair of the tree; past MaxKeys it returns an error
// wrapping ErrInvalid.
func (b *Budget) Pair() error {
	b.keys++
	decodedPairs.Add(1)
	if b.keys > MaxKeys && !b.stored {
		return fmt.Errorf("%w: %s", ErrInvalid, tooManyKeys)
	}
	return nil
}

// List checks a list about to be decoded at depth (the top list is 1); deeper
// than MaxDepth is an error wrapping ErrInvalid.
func (b *Budget) List(depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: lists nest deeper than %d levels (MaxDepth)", ErrInvalid, MaxDepth)
	}
	return nil
}

// UnmarshalJSON decodes a list of pairs in the form Pair.MarshalJSON writes,
// nested lists included, with one Budget for the whole tree: it stops at the
// first pair past MaxKeys or the first list deeper than MaxDepth, with an
// error wrapping ErrInvalid, without decoding the rest. null is the empty
// list (nil).
func (l *List) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	var budget Budget
	out, isNull, err := decodeListValue(dec, &budget, 1)
	if err != nil {
		return err
	}
	if isNull {
		out = nil
	}
	*l = out
	return nil
}

// ParseStored decodes user data the platform stored itself, in the form
// List.MarshalJSON writes. It was checked when it was written, under the
// limits of the version that wrote it — before MaxKeys existed an
// interaction could hold about 2,600 keys within MaxBytes — so no key limit
// applies here: data accepted once is never refused on reading.
func ParseStored(b []byte) (List, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	out, _, err := decodeListValue(dec, &Budget{stored: true}, 1)
	if len(out) == 0 {
		out = nil
	}
	return out, err
}

// UnmarshalJSON decodes the form MarshalJSON writes (a nested list within
// the limits, as List.UnmarshalJSON does). Names match case-insensitively,
// unknown members are ignored, and of several value members the first of
// string, integer, binary, list is taken; a pair without one is an empty
// string, and null is an empty pair.
func (p *Pair) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	var budget Budget
	if err := budget.Pair(); err != nil {
		return err
	}
	pair, err := decodePair(dec, &budget, 1)
	if err != nil {
		return err
	}
	*p = pair
	return nil
}

// decodeListValue reads a list at depth: an array of pairs, or null.
func decodeListValue(dec *json.Decoder, b *Budget, depth int) (l List, isNull bool, err error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, false, err
	}
	if tok == nil {
		return nil, true, nil
	}
	if tok != json.Delim('[') {
		return nil, false, fmt.Errorf("user data must be an array of pairs, not %s", jsonKind(tok))
	}
	if err := b.List(depth); err != nil {
		return nil, false, err
	}
	l = List{}
	for dec.More() {
		if err := b.Pair(); err != nil {
			return nil, false, err
		}
		p, err := decodePair(dec, b, depth)
		if err != nil {
			return nil, false, err
		}
		l = append(l, p)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, false, err
	}
	return l, false, nil
}

// pairJSON is one pair as decodePair reads it: jsonPair, but with a list
// member that decodes within the tree's Budget.
type pairJSON struct {
	Key    string     `json:"key"`
	String *string    `json:"string"`
	Int    *int64     `json:"integer"`
	Binary *string    `json:"binary"`
	List   listMember `json:"list"`
}

// listMember is the list member of a pair being decoded: encoding/json hands
// it its bytes as soon as it meets it, and it decodes them at once, within
// the Budget of the tree, one level deeper.
type listMember struct {
	budget *Budget
	depth  int
	list   List
	set    bool
}

// UnmarshalJSON decodes the member's list, or forgets it for null.
func (m *listMember) UnmarshalJSON(b []byte) error {
	l, isNull, err := decodeListValue(json.NewDecoder(bytes.NewReader(b)), m.budget, m.depth)
	if err != nil {
		return err
	}
	m.list, m.set = l, !isNull
	return nil
}

// decodePair reads one pair of a list at depth: an object, as encoding/json
// fills a struct (names match case-insensitively, unknown members are
// ignored, a later member replaces an earlier one), or null, an empty pair.
// Of several value members the first of string, integer, binary, list is
// taken; a pair without one is an empty string.
func decodePair(dec *json.Decoder, b *Budget, depth int) (Pair, error) {
	j := pairJSON{List: listMember{budget: b, depth: depth + 1}}
	if err := dec.Decode(&j); err != nil {
		return Pair{}, err
	}
	p := Pair{Key: j.Key, Value: Str("")}
	switch {
	case j.String != nil:
		p.Value = Str(*j.String)
	case j.Int != nil:
		p.Value = Int(*j.Int)
	case j.Binary != nil:
		raw, err := hex.DecodeString(*j.Binary)
		if err != nil {
			return Pair{}, fmt.Errorf("%w: key %s: binary value is not hexadecimal", ErrInvalid, status.Quote(j.Key))
		}
		p.Value = Bin(raw)
	case j.List.set:
		p.Value = Value{Kind: ListKind, List: j.List.list}
	}
	return p, nil
}

// jsonKind names the kind of a JSON token for an error, without repeating it.
func jsonKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}
