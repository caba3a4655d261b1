package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/status"
)

// checkWithDecoder is the former Check, on encoding/json's tokenizer: the
// reference the scanner is fuzzed against. It scans data, which must hold exactly one JSON value, within lim, and
// refuses a key repeated in any object at any depth (case-insensitively).
func checkWithDecoder(data []byte, lim Limits) error {
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
		if str, ok := tok.(string); ok && strings.ContainsRune(str, 0) {
			return errNUL
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

// The scanner accepts exactly what the reference accepts, and refuses a
// repeated key exactly when the reference does.
func FuzzCheckMatchesReference(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,{"b":null}]}`, `{"a":1,"A":2}`, `"x"`, `[]`, `{"a":1}{`,
		`{"\u0041":1,"a":2}`, `{"a":1,"b":{"a":2,"A":3}}`, `[1,2,3`, `{"a" 1}`, `-0.5e+7`, `01`, `{"k":"\u12"}`,
		`{"ſegment":1,"SEGMENT":2}`, `{"a":"x\u0000y"}`, `{"\u0000":1}`, `["\u00001"]`, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lim := Limits{MaxTokens: 200, MaxDepth: 16}
		got, want := Check([]byte(s), lim), checkWithDecoder([]byte(s), lim)
		if (got == nil) != (want == nil) {
			t.Fatalf("%q: scanner %v, reference %v", s, got, want)
		}
		if got != nil && strings.Contains(got.Error(), "written twice") != strings.Contains(want.Error(), "written twice") {
			t.Fatalf("%q: scanner %v, reference %v", s, got, want)
		}
	})
}

// BenchmarkCheck compares the scanner with the reference and json.Valid on
// a 1 MiB list of 30,000 objects.
func BenchmarkCheck(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"userData":[`)
	for i := range 30_000 {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"key":"k`)
		buf.WriteString(strings.Repeat("x", 5))
		buf.WriteString(`","string":"value of the pair"}`)
	}
	buf.WriteString(`]}`)
	data := buf.Bytes()
	lim := Limits{MaxTokens: 1 << 30, MaxBytes: 1 << 30}
	for name, fn := range map[string]func() bool{
		"scanner":    func() bool { return Check(data, lim) == nil },
		"reference":  func() bool { return checkWithDecoder(data, lim) == nil },
		"json.Valid": func() bool { return json.Valid(data) },
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if !fn() {
					b.Fatal("refused")
				}
			}
		})
	}
}
