package userdata

import (
	"encoding/json"
	"errors"
	"fmt"
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
		{"MaxKeys", keys(MaxKeys), true},
		{"one key more than MaxKeys", keys(MaxKeys + 1), false},
		{"MaxKeys counted across nested lists", append(keys(MaxKeys-1), P("nested", Of(P("a", Int(1))))), false},
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

// keys is a flat list of n integer pairs with distinct keys.
func keys(n int) List {
	l := make(List, n)
	for i := range l {
		l[i] = P(fmt.Sprintf("k%d", i), Int(int64(i)))
	}
	return l
}

// refMerge is the merge as first written: a scan of the list for each key,
// quadratic but plainly the reference's rules. Merge must agree with it.
func refMerge(old, update List) List {
	out := old.clone()
	for _, p := range update {
		i := -1
		for j, q := range out {
			if q.Key == p.Key {
				i = j
				break
			}
		}
		switch {
		case i < 0:
			out = append(out, Pair{Key: p.Key, Value: p.Value.clone()})
		case out[i].Value.Kind == ListKind && p.Value.Kind == ListKind:
			out[i].Value = Value{Kind: ListKind, List: refMerge(out[i].Value.List, p.Value.List)}
		default:
			out[i].Value = p.Value.clone()
		}
	}
	return out
}

// genRawList draws a list as a client may send it: keys may repeat, at any
// depth, which the merge must handle as the reference does.
func genRawList(depth int) *rapid.Generator[List] {
	return rapid.Custom(func(t *rapid.T) List {
		n := rapid.IntRange(0, 6).Draw(t, "n")
		var l List
		for i := 0; i < n; i++ {
			key := rapid.SampledFrom([]string{"a", "b", "c", "A", ""}).Draw(t, "key")
			var v Value
			switch kind := rapid.IntRange(0, 3).Draw(t, "kind"); {
			case kind == 3 && depth > 0:
				v = Value{Kind: ListKind, List: genRawList(depth-1).Draw(t, "list")}
			case kind == 2:
				v = Bin(rapid.SliceOfN(rapid.Byte(), 0, 3).Draw(t, "b"))
			case kind == 1:
				v = Int(rapid.Int64Range(-3, 3).Draw(t, "i"))
			default:
				v = Str(rapid.StringN(0, 3, -1).Draw(t, "s"))
			}
			l = append(l, P(key, v))
		}
		return l
	})
}

func TestMergeMatchesReference(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		old := genRawList(3).Draw(t, "old")
		update := genRawList(3).Draw(t, "update")
		oldBefore, updateBefore := old.clone(), update.clone()
		got, want := Merge(old, update), refMerge(old, update)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Merge(%s, %s)\n = %s\nwant %s", old, update, got, want)
		}
		if !equalLists(old, oldBefore) || !equalLists(update, updateBefore) {
			t.Fatal("Merge modified its input")
		}
		// The result shares no memory with the update either.
		for i := range got {
			if got[i].Value.Kind == Binary && len(got[i].Value.Bin) > 0 {
				got[i].Value.Bin[0]++
			}
		}
		if !equalLists(old, oldBefore) || !equalLists(update, updateBefore) {
			t.Fatal("Merge's result aliases its input")
		}
	})
}

// mergeInputs are an interaction's user data of n keys, one list among them
// of n/10 keys, and an update of n keys: half replace, half are new, and the
// list is merged with a list of the same shape.
func mergeInputs(n int) (old, update List) {
	inner := keys(n / 10)
	old = append(keys(n-1), P("list", Of(inner...)))
	for i := range n - 1 {
		update = append(update, P(fmt.Sprintf("k%d", i+n/2), Str("v")))
	}
	update = append(update, P("list", Of(keys(n/10)...)))
	return old, update
}

// BenchmarkMerge shows Merge linear in the number of keys: ns/key stays flat
// from 10 to 1,000 keys. The reference merge (refMerge) is the quadratic
// scan Merge replaced, for comparison.
func BenchmarkMerge(b *testing.B) {
	for _, impl := range []struct {
		name  string
		merge func(old, update List) List
	}{{"Merge", Merge}, {"scan", refMerge}} {
		for _, n := range []int{10, 100, 1000} {
			old, update := mergeInputs(n)
			b.Run(fmt.Sprintf("%s/keys=%d", impl.name, n), func(b *testing.B) {
				for b.Loop() {
					impl.merge(old, update)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
			})
		}
	}
}

// BenchmarkUnmarshal30000 decodes the request of the audit (1 MiB, 30,000
// keys) with List.UnmarshalJSON, which stops at MaxKeys+1, against
// json.Valid over the same bytes (what encoding/json does before any
// decoding); and a list of MaxKeys keys, which is decoded whole.
func BenchmarkUnmarshal30000(b *testing.B) {
	for _, in := range []struct {
		name string
		raw  []byte
	}{{"30000-keys-1MiB", flatJSON(30_000, 1<<20)}, {"1000-keys", flatJSON(MaxKeys, 0)}} {
		b.Run(in.name+"/List.UnmarshalJSON", func(b *testing.B) {
			b.SetBytes(int64(len(in.raw)))
			for b.Loop() {
				var l List
				_ = l.UnmarshalJSON(in.raw)
			}
		})
		b.Run(in.name+"/json.Valid", func(b *testing.B) {
			b.SetBytes(int64(len(in.raw)))
			for b.Loop() {
				json.Valid(in.raw)
			}
		})
	}
}
