package strictjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, in string
		lim      Limits
		refusal  string // "" when accepted
	}{
		{"object", `{"Tenant":"A","data":{"Tenant":"B"}}`, Limits{}, ""},
		{"the same key in two objects", `{"a":{"a":1},"b":[{"a":1},{"a":2}]}`, Limits{}, ""},
		{"scalar", `5`, Limits{}, ""},
		{"repeated key", `{"Tenant":"A","Tenant":"B"}`, Limits{}, `the key "Tenant" is written twice`},
		{"repeated key in another case", `{"Tenant":"A","TENANT":"B"}`, Limits{}, `the key "TENANT" is written twice`},
		{"repeated key, Kelvin sign", `{"kind":1,"\u212aind":2}`, Limits{}, "written twice"},
		{"repeated key, long s", `{"segment":1,"\u017fegment":2}`, Limits{}, "written twice"},
		{"repeated key deep down", `{"data":{"x":[{"Reason":1,"reason":2}]}}`, Limits{}, "written twice"},
		{"a key equal to a value", `{"a":"b","b":"a"}`, Limits{}, ""},
		{"trailing data", `{"a":1} {"a":2}`, Limits{}, "more than one value"},
		{"trailing garbage", `{"a":1} x`, Limits{}, "malformed JSON"},
		{"empty", ``, Limits{}, "holds no value"},
		{"malformed", `{"a":`, Limits{}, "malformed JSON"},
		{"too many tokens", `[1,2,3,4,5,6]`, Limits{MaxTokens: 5}, "more than 5 JSON tokens"},
		{"too deep", `[[[[1]]]]`, Limits{MaxDepth: 3}, "deeper than 3 levels"},
		{"deep enough", `[[[1]]]`, Limits{MaxDepth: 3}, ""},
		{"a NUL in a value", `{"clientId":"a\u0000b"}`, Limits{}, `the NUL character (\u0000)`},
		{"a NUL in a key", `{"\u0000":1}`, Limits{}, `the NUL character`},
		{"an escaped backslash before 0000 is no NUL", `{"a":"\\u0000"}`, Limits{}, ""},
		{"other control characters, escaped", `{"a":"\u0001\u001f"}`, Limits{}, ""},
		{"a huge repeated key is quoted in part", `{"` + strings.Repeat("k", 5000) + `":1,"` + strings.Repeat("K", 5000) + `":2}`, Limits{}, `…`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := Check([]byte(c.in), c.lim)
			if c.refusal == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), c.refusal) {
				t.Fatalf("got %v, want a refusal containing %q", err, c.refusal)
			}
			if len(err.Error()) > 300 {
				t.Fatalf("the message is %d bytes long", len(err.Error()))
			}
		})
	}
}

// Check never accepts what is not one valid JSON value.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,{"b":null}]}`, `{"a":1,"A":2}`, `"x"`, `[]`, `{"a":1}{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Check([]byte(s), Limits{}) == nil && !json.Valid([]byte(s)) {
			t.Fatalf("Check accepted %q, which is not valid JSON", s)
		}
	})
}

func TestRead(t *testing.T) {
	t.Parallel()
	if _, err := Read(strings.NewReader(`{"a":"`+strings.Repeat("x", 100)+`"}`), Limits{MaxBytes: 50}); err == nil || !strings.Contains(err.Error(), "larger than 50 bytes") {
		t.Fatalf("too big: %v", err)
	}
	if b, err := Read(strings.NewReader("  "), Limits{}); err != nil || len(b) != 2 {
		t.Fatalf("blank: %q %v", b, err)
	}
	if _, err := Read(strings.NewReader(`{"a":1,"a":2}`), Limits{}); err == nil {
		t.Fatal("a repeated key was read")
	}
}
