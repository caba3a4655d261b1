package userdata

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// The merge examples of the PTK reference (UpdateUserData), verbatim.
func TestMergeReferenceExamples(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ref               string
		old, update, want List
	}{
		{
			`("a"=1) merge ("a"=2) -> ("a"=2)`,
			List{P("a", Int(1))}, List{P("a", Int(2))}, List{P("a", Int(2))},
		},
		{
			`("b"=("a"=2)) merge ("b"=("b"=2)) -> ("b"=("a"=2,"b"=2))`,
			List{P("b", Of(P("a", Int(2))))}, List{P("b", Of(P("b", Int(2))))},
			List{P("b", Of(P("a", Int(2)), P("b", Int(2))))},
		},
		{
			`("b"=("a"=2)) merge ("b"=("a"=3)) -> ("b"=("a"=3))`,
			List{P("b", Of(P("a", Int(2))))}, List{P("b", Of(P("a", Int(3))))},
			List{P("b", Of(P("a", Int(3))))},
		},
		{
			`("b"=5) merge ("b"=("a"=3)) -> ("b"=("a"=3))`,
			List{P("b", Int(5))}, List{P("b", Of(P("a", Int(3))))},
			List{P("b", Of(P("a", Int(3))))},
		},
		{
			`("b"=("a"=3)) merge ("b"=5) -> ("b"=5)`,
			List{P("b", Of(P("a", Int(3))))}, List{P("b", Int(5))},
			List{P("b", Int(5))},
		},
	}
	for _, tc := range cases {
		t.Run(tc.ref, func(t *testing.T) {
			t.Parallel()
			got := Merge(tc.old, tc.update)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("%s\n got %s", tc.ref, got)
			}
			// The reference's own notation must read back the same way.
			want := strings.SplitN(tc.ref, " -> ", 2)[1]
			if got.String() != want {
				t.Fatalf("rendered %s, want %s", got, want)
			}
		})
	}
}

func TestMergeKeepsOrderAndDoesNotAlias(t *testing.T) {
	t.Parallel()
	old := List{P("x", Str("1")), P("y", Bin([]byte{1}))}
	got := Merge(old, List{P("z", Int(3)), P("x", Str("2"))})
	want := List{P("x", Str("2")), P("y", Bin([]byte{1})), P("z", Int(3))}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %s", got)
	}
	got[1].Value.Bin[0] = 9
	if old[1].Value.Bin[0] != 1 {
		t.Fatal("Merge must not share memory with its input")
	}
	if old[0].Value.Str != "1" {
		t.Fatal("Merge modified its input")
	}
}

func TestKeysAreCaseSensitive(t *testing.T) {
	t.Parallel()
	got := Merge(List{P("Key", Int(1))}, List{P("key", Int(2))})
	if len(got) != 2 {
		t.Fatalf("Key and key must be distinct, got %s", got)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	deep := Str("leaf")
	for i := 0; i < MaxDepth; i++ {
		deep = Of(P("k", deep))
	}
	cases := []struct {
		name string
		l    List
		ok   bool
	}{
		{"empty", nil, true},
		{"flat", List{P("a", Str("b"))}, true},
		{"empty key", List{P(" ", Str("b"))}, false},
		{"max depth", List{P("k", Of(P("k", Str("x"))))}, true},
		{"too deep", List{P("k", deep)}, false},
		{"too big", List{P("k", Str(strings.Repeat("x", MaxBytes)))}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.l.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func genList(depth int) *rapid.Generator[List] {
	return rapid.Custom(func(t *rapid.T) List {
		n := rapid.IntRange(0, 4).Draw(t, "n")
		var l List
		for i := 0; i < n; i++ {
			key := rapid.SampledFrom([]string{"a", "b", "c", "A"}).Draw(t, "key")
			var v Value
			kind := rapid.IntRange(0, 3).Draw(t, "kind")
			if depth == 0 && kind == 3 {
				kind = 0
			}
			switch kind {
			case 0:
				v = Str(rapid.String().Draw(t, "s"))
			case 1:
				v = Int(rapid.Int64().Draw(t, "i"))
			case 2:
				v = Bin(rapid.SliceOf(rapid.Byte()).Draw(t, "b"))
			default:
				v = Value{Kind: ListKind, List: genList(depth-1).Draw(t, "list")}
			}
			l = Merge(l, List{P(key, v)})
		}
		return l
	})
}

func TestMergeProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		a := genList(2).Draw(t, "a")
		b := genList(2).Draw(t, "b")
		m := Merge(a, b)
		// Every key of b ends up with b's value unless both sides are lists.
		for _, p := range b {
			got, ok := m.Get(p.Key)
			if !ok {
				t.Fatalf("key %q lost", p.Key)
			}
			if old, had := a.Get(p.Key); !had || old.Kind != ListKind || p.Value.Kind != ListKind {
				if !reflect.DeepEqual(got, p.Value) {
					t.Fatalf("key %q = %s, want %s", p.Key, got, p.Value)
				}
			}
		}
		// Keys only in a keep a's value.
		for _, p := range a {
			if _, inB := b.Get(p.Key); !inB {
				got, _ := m.Get(p.Key)
				if !reflect.DeepEqual(got, p.Value) {
					t.Fatalf("untouched key %q changed", p.Key)
				}
			}
		}
		// Merging the same update twice changes nothing more.
		if !reflect.DeepEqual(Merge(m, b), m) {
			t.Fatal("merge is not idempotent")
		}
		// JSON round-trips.
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back List
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		if len(m) == 0 && len(back) == 0 {
			return
		}
		if !equalLists(back, m) {
			t.Fatalf("round trip: %s != %s", back, m)
		}
	})
}

func equalLists(a, b List) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Value.Kind != b[i].Value.Kind {
			return false
		}
		va, vb := a[i].Value, b[i].Value
		switch va.Kind {
		case String:
			if va.Str != vb.Str {
				return false
			}
		case Integer:
			if va.Int != vb.Int {
				return false
			}
		case Binary:
			if string(va.Bin) != string(vb.Bin) {
				return false
			}
		case ListKind:
			if !equalLists(va.List, vb.List) {
				return false
			}
		}
	}
	return true
}
