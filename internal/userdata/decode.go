package userdata

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
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
}

// Pair counts one more pair of the tree; past MaxKeys it returns an error
// wrapping ErrInvalid.
func (b *Budget) Pair() error {
	b.keys++
	decodedPairs.Add(1)
	if b.keys > MaxKeys {
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

// decodePair reads one pair of a list at depth: an object, or null.
func decodePair(dec *json.Decoder, b *Budget, depth int) (Pair, error) {
	tok, err := dec.Token()
	if err != nil {
		return Pair{}, err
	}
	if tok == nil {
		return Pair{Value: Str("")}, nil
	}
	if tok != json.Delim('{') {
		return Pair{}, fmt.Errorf(`a user-data pair must be an object {"key": …, "string"|"integer"|"binary"|"list": …}, not %s`, jsonKind(tok))
	}
	// As json.Unmarshal would fill jsonPair: a later member replaces an
	// earlier one of the same name, null included.
	var (
		key      string
		str, bin *string
		num      *int64
		list     *List
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Pair{}, err
		}
		name, _ := tok.(string)
		switch {
		case strings.EqualFold(name, "key"):
			err = dec.Decode(&key)
		case strings.EqualFold(name, "string"):
			err = dec.Decode(&str)
		case strings.EqualFold(name, "integer"):
			err = dec.Decode(&num)
		case strings.EqualFold(name, "binary"):
			err = dec.Decode(&bin)
		case strings.EqualFold(name, "list"):
			var l List
			var isNull bool
			if l, isNull, err = decodeListValue(dec, b, depth+1); err == nil {
				list = &l
				if isNull {
					list = nil
				}
			}
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return Pair{}, err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return Pair{}, err
	}
	p := Pair{Key: key, Value: Str("")}
	switch {
	case str != nil:
		p.Value = Str(*str)
	case num != nil:
		p.Value = Int(*num)
	case bin != nil:
		raw, err := hex.DecodeString(*bin)
		if err != nil {
			return Pair{}, fmt.Errorf("%w: key %s: binary value is not hexadecimal", ErrInvalid, status.Quote(key))
		}
		p.Value = Bin(raw)
	case list != nil:
		p.Value = Value{Kind: ListKind, List: *list}
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
