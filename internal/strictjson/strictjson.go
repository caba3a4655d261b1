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
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
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

// foldKey is a canonical form of a key under Unicode simple case folding,
// the equivalence encoding/json and strings.EqualFold use to match names:
// each rune becomes the smallest rune of its folding orbit ("K", "k" and the
// Kelvin sign all fold to "K").
func foldKey(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		// An ASCII letter's orbit is its two cases (and, for k and s, a
		// non-ASCII rune above them): the upper case is the least.
		return strings.ToUpper(s)
	}
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
