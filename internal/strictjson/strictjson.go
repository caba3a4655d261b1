// Package strictjson reads JSON request bodies the same strict, bounded way
// on every JSON front: at most so many bytes, tokens and levels of nesting;
// exactly one value with nothing after it; and no object key written twice,
// compared case-insensitively as Go's decoder matches keys to fields. A key
// written twice is how a request says two things at once (one part of a
// server reading the first, another the last); it is refused before any
// work is spent on the request.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"unicode"
	"unicode/utf8"

	"github.com/holdline/holdline/internal/status"
)

// Default limits of one JSON document, the same as the XML front's.
const (
	// DefaultMaxBytes is the largest body read (1 MiB).
	DefaultMaxBytes = 1 << 20
	// DefaultMaxTokens is the most tokens (delimiters, keys and values).
	DefaultMaxTokens = 50_000
	// DefaultMaxDepth is the deepest nesting of objects and arrays.
	DefaultMaxDepth = 64
)

// Limits bound what reading one document may cost; zero fields take the defaults.
type Limits struct {
	MaxBytes  int64
	MaxTokens int
	MaxDepth  int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultMaxTokens
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// Error is a document refused: its message says what is wrong, for the client.
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

func refuse(format string, args ...any) *Error { return &Error{msg: fmt.Sprintf(format, args...)} }

// Read reads a whole body from r within lim and checks it (Check). An empty
// body is returned as is (empty), for the caller to decide what it means.
func Read(r io.Reader, lim Limits) ([]byte, error) {
	lim = lim.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, refuse("the request body is larger than %d bytes", lim.MaxBytes)
		}
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, refuse("the request body is larger than %d bytes", lim.MaxBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return data, nil
	}
	return data, Check(data, lim)
}

// Check scans data, which must hold exactly one JSON value, within lim, and
// refuses a key repeated in any object at any depth (case-insensitively).
func Check(data []byte, lim Limits) error {
	lim = lim.withDefaults()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	// One frame per open object or array: the keys seen (objects only).
	type frame struct {
		object bool
		keys   map[string]struct{}
		key    bool // the next string token of an object is a key
	}
	var stack []frame
	tokens := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			switch {
			case tokens == 0:
				return refuse("malformed JSON: the body holds no value")
			case len(stack) > 0:
				return refuse("malformed JSON: unexpected end of the body")
			}
			return nil
		}
		if err != nil {
			return refuse("malformed JSON: %v", err)
		}
		if tokens++; tokens > lim.MaxTokens {
			return refuse("the request has more than %d JSON tokens", lim.MaxTokens)
		}
		if len(stack) == 0 && tokens > 1 {
			return refuse("malformed JSON: more than one value")
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].key = true
				}
				if len(stack) >= lim.MaxDepth {
					return refuse("the request nests deeper than %d levels", lim.MaxDepth)
				}
				stack = append(stack, frame{object: d == '{', key: d == '{'})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].key = true
				}
			}
			continue
		}
		if len(stack) == 0 {
			continue
		}
		top := &stack[len(stack)-1]
		if !top.object {
			continue
		}
		if !top.key {
			top.key = true // a value: the next string is a key again
			continue
		}
		top.key = false
		name, _ := tok.(string)
		folded := foldKey(name)
		if top.keys == nil {
			top.keys = map[string]struct{}{}
		}
		if _, dup := top.keys[folded]; dup {
			return refuse("the key %s is written twice in one object (keys are compared without regard to case)", status.Quote(name))
		}
		top.keys[folded] = struct{}{}
	}
}

// foldKey is a canonical form of a key under Unicode simple case folding,
// the equivalence encoding/json and strings.EqualFold use to match names:
// each rune becomes the smallest rune of its folding orbit ("K", "k" and the
// Kelvin sign all fold to "K").
func foldKey(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b = utf8.AppendRune(b, least)
	}
	return string(b)
}
