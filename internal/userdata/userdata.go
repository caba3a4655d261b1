// Package userdata is the key/value tree attached to an interaction (screen-pop
// data, UUI, CTI variables), with the PTK reference's merge rules and limits.
package userdata

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/holdline/holdline/internal/status"
)

// Kind is the type of a Value.
type Kind int

// The value kinds of the PTK reference.
const (
	String Kind = iota
	Integer
	Binary
	ListKind
)

// Value is one user-data value: a string, an integer, binary bytes or a nested list.
type Value struct {
	Kind Kind
	Str  string
	Int  int64
	Bin  []byte
	List List
}

// Pair is one key with its value. Keys are case-sensitive.
type Pair struct {
	Key   string
	Value Value
}

// List is an ordered list of pairs; a key appears at most once once merged.
type List []Pair

// Str makes a string value.
func Str(s string) Value { return Value{Kind: String, Str: s} }

// Int makes an integer value.
func Int(i int64) Value { return Value{Kind: Integer, Int: i} }

// Bin makes a binary value.
func Bin(b []byte) Value { return Value{Kind: Binary, Bin: b} }

// Of makes a list value.
func Of(pairs ...Pair) Value { return Value{Kind: ListKind, List: List(pairs)} }

// P makes a pair.
func P(key string, v Value) Pair { return Pair{Key: key, Value: v} }

// Limits on a user-data tree (behaviour.md §11, and MaxKeys).
const (
	// MaxDepth is the deepest nesting of lists allowed (the top list is depth 1).
	MaxDepth = 8
	// MaxBytes is the largest encoded size of one interaction's user data.
	MaxBytes = 64 << 10
	// MaxKeys is the most pairs one tree may hold, the pairs of every nested
	// list included. The reference sets no such limit; this one is far above
	// what screen-pop data needs, and it lets the decoders stop an oversized
	// request after MaxKeys+1 pairs instead of reading it whole (Budget).
	MaxKeys = 1000
)

// Merge applies update to old following the reference: a scalar replaces,
// list merged with list merges recursively, and a scalar and a list replace
// each other. Keys not in update keep their value and order; new keys are
// appended in update's order. Neither input is modified. When a list holds a
// key twice (an update sent so), its first occurrence is the one merged into.
// The cost is linear in the size of both trees.
func Merge(old, update List) List {
	return mergeInto(old.clone(), update)
}

// mergeInto merges update into out, which it owns (a clone), and returns it:
// each pair of old is copied once (by the clone) and each of update at most
// once, and the keys are found through a map, so no merge is quadratic.
func mergeInto(out, update List) List {
	if len(update) == 0 {
		return out
	}
	pos := make(map[string]int, len(out)+len(update))
	for i, p := range out {
		if _, dup := pos[p.Key]; !dup {
			pos[p.Key] = i
		}
	}
	for _, p := range update {
		i, ok := pos[p.Key]
		switch {
		case !ok:
			pos[p.Key] = len(out)
			out = append(out, Pair{Key: p.Key, Value: p.Value.clone()})
		case out[i].Value.Kind == ListKind && p.Value.Kind == ListKind:
			out[i].Value.List = mergeInto(out[i].Value.List, p.Value.List)
		default:
			out[i].Value = p.Value.clone()
		}
	}
	return out
}

// Get returns the value under key.
func (l List) Get(key string) (Value, bool) {
	if i := l.index(key); i >= 0 {
		return l[i].Value, true
	}
	return Value{}, false
}

func (l List) index(key string) int {
	for i, p := range l {
		if p.Key == key {
			return i
		}
	}
	return -1
}

func (l List) clone() List {
	if l == nil {
		return nil
	}
	out := make(List, len(l))
	for i, p := range l {
		out[i] = Pair{Key: p.Key, Value: p.Value.clone()}
	}
	return out
}

func (v Value) clone() Value {
	switch v.Kind {
	case Binary:
		v.Bin = append([]byte(nil), v.Bin...)
	case ListKind:
		v.List = v.List.clone()
	}
	return v
}

// ErrInvalid is wrapped by every validation error (PTK 108040).
var ErrInvalid = errors.New("user data failed validation")

// Validate checks the tree against the limits: keys present, depth at most
// MaxDepth, at most MaxKeys pairs, encoded size at most MaxBytes.
func (l List) Validate() error {
	keys := 0
	if err := l.validate(1, "", &keys); err != nil {
		return err
	}
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if len(b) > MaxBytes {
		return fmt.Errorf("%w: %d bytes is more than the %d allowed", ErrInvalid, len(b), MaxBytes)
	}
	return nil
}

// validate checks l, at depth under path, and adds its pairs to keys.
func (l List) validate(depth int, path string, keys *int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: %s nests deeper than %d levels", ErrInvalid, status.Quote(path), MaxDepth)
	}
	if *keys += len(l); *keys > MaxKeys {
		return fmt.Errorf("%w: %s", ErrInvalid, tooManyKeys)
	}
	for _, p := range l {
		if strings.TrimSpace(p.Key) == "" {
			return fmt.Errorf("%w: a key under %s is empty", ErrInvalid, status.Quote("/"+path))
		}
		if p.Value.Kind == ListKind {
			if err := p.Value.List.validate(depth+1, path+"/"+p.Key, keys); err != nil {
				return err
			}
		}
	}
	return nil
}

// String renders the tree compactly, as the reference writes it: ("a"=1,"b"=("c"="x")).
func (l List) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, p := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q=%s", p.Key, p.Value)
	}
	b.WriteByte(')')
	return b.String()
}

// String renders one value.
func (v Value) String() string {
	switch v.Kind {
	case Integer:
		return fmt.Sprint(v.Int)
	case Binary:
		return "0x" + hex.EncodeToString(v.Bin)
	case ListKind:
		return v.List.String()
	}
	return fmt.Sprintf("%q", v.Str)
}

// jsonPair is the stored and JSON form of a pair: exactly one value field is set.
type jsonPair struct {
	Key    string  `json:"key"`
	String *string `json:"string,omitempty"`
	Int    *int64  `json:"integer,omitempty"`
	Binary *string `json:"binary,omitempty"`
	List   *List   `json:"list,omitempty"`
}

// MarshalJSON encodes a pair as {"key":K,"string"|"integer"|"binary"|"list":V}; binary is hex.
func (p Pair) MarshalJSON() ([]byte, error) {
	j := jsonPair{Key: p.Key}
	switch p.Value.Kind {
	case String:
		j.String = &p.Value.Str
	case Integer:
		j.Int = &p.Value.Int
	case Binary:
		h := hex.EncodeToString(p.Value.Bin)
		j.Binary = &h
	case ListKind:
		l := p.Value.List
		if l == nil {
			l = List{}
		}
		j.List = &l
	}
	return json.Marshal(j)
}
