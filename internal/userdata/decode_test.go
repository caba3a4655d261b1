package userdata

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// flatJSON is a JSON list of n string pairs, its values padded so that it is
// exactly size bytes long when size is larger than the pairs alone.
func flatJSON(n, size int) []byte {
	const pairLen = len(`{"key":"k000000","string":""}`)
	pad, rest := 0, 0
	if free := size - 2 - (n - 1) - n*pairLen; free > 0 {
		pad, rest = free/n, free%n
	}
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		v := pad
		if i < rest {
			v++
		}
		fmt.Fprintf(&b, `{"key":"k%06d","string":"%s"}`, i, strings.Repeat("v", v))
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// nestedJSON is a list nesting depth lists, one pair each.
func nestedJSON(depth int) []byte {
	return []byte(strings.Repeat(`[{"key":"k","list":`, depth-1) + `[{"key":"k","integer":1}]` + strings.Repeat(`}]`, depth-1))
}

func TestUnmarshalLimits(t *testing.T) {
	t.Parallel()
	half := MaxKeys / 2
	// half pairs at the top, the last holding a list of the rest plus extra.
	split := func(extra int) []byte {
		inner := string(flatJSON(MaxKeys-half+extra, 0))
		top := string(flatJSON(half-1, 0))
		return []byte(top[:len(top)-1] + `,{"key":"nested","list":` + inner + `}]`)
	}
	cases := []struct {
		name string
		in   []byte
		keys int
		err  string
	}{
		{"null", []byte(`null`), 0, ""},
		{"empty", []byte(`[]`), 0, ""},
		{"exactly MaxKeys", flatJSON(MaxKeys, 0), MaxKeys, ""},
		{"one more than MaxKeys", flatJSON(MaxKeys+1, 0), 0, "more than 1000 keys"},
		{"MaxKeys across nested lists", split(0), half, ""},
		{"one more across nested lists", split(1), 0, "more than 1000 keys"},
		{"exactly MaxDepth", nestedJSON(MaxDepth), 1, ""},
		{"one deeper than MaxDepth", nestedJSON(MaxDepth + 1), 0, "deeper than 8 levels"},
		{"far deeper", nestedJSON(5000), 0, "deeper than 8 levels"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var l List
			err := json.Unmarshal(tc.in, &l)
			if tc.err != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want ErrInvalid saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(l) != tc.keys {
				t.Fatalf("%d pairs at the top, want %d", len(l), tc.keys)
			}
			if err := l.Validate(); err != nil {
				t.Fatalf("a tree within the limits does not validate: %v", err)
			}
		})
	}
}

// TestUnmarshalStopsEarly shows that a 30,000-key list is refused after
// MaxKeys+1 pairs, not after decoding them all. It is not parallel: it reads
// the process-wide DecodedPairs counter while no other test decodes.
func TestUnmarshalStopsEarly(t *testing.T) {
	in := flatJSON(30_000, 1<<20)
	if len(in) != 1<<20 {
		t.Fatalf("input of %d bytes, want 1 MiB", len(in))
	}
	before := DecodedPairs()
	var l List
	err := l.UnmarshalJSON(in)
	decoded := DecodedPairs() - before
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "MaxKeys") {
		t.Fatalf("err = %v, want the MaxKeys limit", err)
	}
	if decoded > MaxKeys+1 {
		t.Fatalf("%d pairs decoded for a 30,000-key input, want at most %d", decoded, MaxKeys+1)
	}
}

// refPair decodes as Pair did before List.UnmarshalJSON existed: encoding/json
// filling a struct, one pair at a time. The new decoder must give the same
// lists, and an error where it gave one.
type refPair Pair

type refJSON struct {
	Key    string     `json:"key"`
	String *string    `json:"string,omitempty"`
	Int    *int64     `json:"integer,omitempty"`
	Binary *string    `json:"binary,omitempty"`
	List   *[]refPair `json:"list,omitempty"`
}

func (p *refPair) UnmarshalJSON(b []byte) error {
	var j refJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	p.Key = j.Key
	p.Value = Str("")
	switch {
	case j.String != nil:
		p.Value = Str(*j.String)
	case j.Int != nil:
		p.Value = Int(*j.Int)
	case j.Binary != nil:
		raw, err := hex.DecodeString(*j.Binary)
		if err != nil {
			return fmt.Errorf("%w: binary", ErrInvalid)
		}
		p.Value = Bin(raw)
	case j.List != nil:
		p.Value = Value{Kind: ListKind, List: refConvert(*j.List)}
	}
	return nil
}

func refConvert(ps []refPair) List {
	out := make(List, len(ps))
	for i, p := range ps {
		out[i] = Pair(p)
	}
	return out
}

func refList(raw []byte) (List, error) {
	var ps *[]refPair
	if err := json.Unmarshal(raw, &ps); err != nil || ps == nil {
		return nil, err
	}
	return refConvert(*ps), nil
}

// genJSONList draws a JSON list of pairs with the shapes clients send, good
// and bad: names in any case, duplicates, nulls, unknown members, values of
// the wrong type.
func genJSONList(depth int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		if rapid.IntRange(0, 20).Draw(t, "null list") == 0 {
			return "null"
		}
		n := rapid.IntRange(0, 4).Draw(t, "pairs")
		items := make([]string, n)
		for i := range items {
			if rapid.IntRange(0, 20).Draw(t, "null pair") == 0 {
				items[i] = "null"
				continue
			}
			m := rapid.IntRange(0, 4).Draw(t, "members")
			members := make([]string, m)
			for j := range members {
				name := rapid.SampledFrom([]string{"key", "Key", "string", "STRING", "integer", "binary", "list", "List", "other"}).Draw(t, "name")
				members[j] = fmt.Sprintf("%q:%s", name, genJSONValue(depth).Draw(t, "value"))
			}
			items[i] = "{" + strings.Join(members, ",") + "}"
		}
		return "[" + strings.Join(items, ",") + "]"
	})
}

func genJSONValue(depth int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		kinds := []string{"string", "hex", "int", "float", "null", "bool", "object"}
		if depth > 0 {
			kinds = append(kinds, "list", "list")
		}
		switch rapid.SampledFrom(kinds).Draw(t, "kind") {
		case "string":
			b, _ := json.Marshal(rapid.String().Draw(t, "s"))
			return string(b)
		case "hex":
			return `"` + hex.EncodeToString(rapid.SliceOfN(rapid.Byte(), 0, 4).Draw(t, "b")) + `"`
		case "int":
			return fmt.Sprint(rapid.Int64().Draw(t, "i"))
		case "float":
			return "1.5"
		case "null":
			return "null"
		case "bool":
			return "true"
		case "object":
			return `{"a":[1,{"b":null}]}`
		}
		return genJSONList(depth-1).Draw(t, "list")
	})
}

func TestUnmarshalMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		raw := []byte(genJSONList(2).Draw(t, "json"))
		want, wantErr := refList(raw)
		var got List
		err := json.Unmarshal(raw, &got)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%s: err = %v, encoding/json said %v", raw, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got %#v\nwant %#v", raw, got, want)
		}
		// One pair decodes as the first element of a list of one.
		if err == nil && len(want) > 0 {
			one, _ := json.Marshal(want[0])
			var p Pair
			if err := json.Unmarshal(one, &p); err != nil || !equalLists(List{p}, want[:1]) {
				t.Fatalf("pair %s: %v, %v", one, p, err)
			}
		}
	})
}

func TestPairUnmarshalForms(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Pair
		err  bool
	}{
		{`{"key":"a","string":"x"}`, P("a", Str("x")), false},
		{`{"KEY":"a","Integer":-7}`, P("a", Int(-7)), false},
		{`{"key":"a","binary":"0aff"}`, P("a", Bin([]byte{0x0a, 0xff})), false},
		{`{"key":"a","list":[]}`, P("a", Value{Kind: ListKind, List: List{}}), false},
		{`{"key":"a"}`, P("a", Str("")), false},
		{`null`, P("", Str("")), false},
		{`{"key":"a","string":"x","integer":1}`, P("a", Str("x")), false},
		{`{"key":"a","string":"x","string":null}`, P("a", Str("")), false},
		{`{"key":"a","binary":"zz"}`, Pair{}, true},
		{`{"key":"a","integer":1.5}`, Pair{}, true},
		{`{"key":5}`, Pair{}, true},
		{`[1]`, Pair{}, true},
	}
	for _, tc := range cases {
		var p Pair
		err := json.Unmarshal([]byte(tc.in), &p)
		if (err != nil) != tc.err || (err == nil && !reflect.DeepEqual(p, tc.want)) {
			t.Errorf("%s: %#v, %v", tc.in, p, err)
		}
	}
}

// User data read back from the store has no key limit (it was checked when
// written), but still its depth and form.
func TestParseStored(t *testing.T) {
	t.Parallel()
	big := flatJSON(2_500, 0)
	if _, err := ParseStored(big); err != nil {
		t.Fatalf("2,500 stored keys: %v", err)
	}
	var l List
	if err := l.UnmarshalJSON(big); err == nil {
		t.Fatal("a request of 2,500 keys was decoded")
	}
	if l, err := ParseStored([]byte("[]")); err != nil || l != nil {
		t.Fatalf("empty: %v %v", l, err)
	}
	if _, err := ParseStored([]byte(`{"key":"x"}`)); err == nil {
		t.Fatal("an object was read as a list")
	}
}
