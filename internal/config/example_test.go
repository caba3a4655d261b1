package config

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/callback"
)

// These tests hold example.yaml to its promise: it is valid, it shows every
// key of the schema, every key has a comment, and the default each comment
// states is the default the code applies.

// exampleKey is one key of the example, at its first occurrence.
type exampleKey struct {
	path    string // schema path: list indexes removed, e.g. tenants[].queues[].retries.busy
	comment string
	key     *yaml.Node
	value   *yaml.Node
}

// parseExample parses example.yaml into a node tree.
func parseExample(t *testing.T) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(Example(), &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

// dataKeys are the keys whose mappings hold data, not schema: variable
// names, HTTP header names.
var dataKeys = map[string]bool{"variables": true, "headers": true}

// walkKeys calls fn for every mapping key under n, with its schema path,
// skipping the contents of dataKeys.
func walkKeys(n *yaml.Node, path string, fn func(path string, parent, k, v *yaml.Node)) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walkKeys(c, path, fn)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			walkKeys(c, path+"[]", fn)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			fn(p, n, k, v)
			if !dataKeys[k.Value] {
				walkKeys(v, p, fn)
			}
		}
	}
}

// commentPath is the path a key's comment is looked up by: every day of
// businessHours shares Monday's.
func commentPath(path string) string {
	if i := strings.LastIndex(path, ".businessHours."); i >= 0 {
		return path[:i] + ".businessHours.mon"
	}
	return path
}

// firstKeys returns the example's keys at their first occurrence, by comment path.
func firstKeys(doc *yaml.Node) map[string]exampleKey {
	out := map[string]exampleKey{}
	walkKeys(doc, "", func(path string, _, k, v *yaml.Node) {
		cp := commentPath(path)
		if _, ok := out[cp]; ok {
			return
		}
		out[cp] = exampleKey{path: cp, comment: strings.TrimSpace(k.HeadComment + "\n" + k.LineComment), key: k, value: v}
	})
	return out
}

var defaultRE = regexp.MustCompile(`(?m)^#\s*(?:.*\.\s+)?Default: (.*)$`)

// statedDefault returns the "Default: X" of a comment.
func statedDefault(comment string) (string, bool) {
	m := defaultRE.FindStringSubmatch(comment)
	if m == nil {
		return "", false
	}
	return strings.TrimSpace(m[1]), true
}

// isLeaf reports whether a key holds a value or a list of values (not a
// section of keys).
func isLeaf(k, v *yaml.Node) bool {
	switch v.Kind {
	case yaml.ScalarNode:
		return true
	case yaml.SequenceNode:
		return len(v.Content) == 0 || v.Content[0].Kind == yaml.ScalarNode
	}
	return dataKeys[k.Value]
}

func TestExampleIsValid(t *testing.T) {
	t.Parallel()
	if issues := Check(Example()); len(issues) != 0 {
		t.Fatalf("the example has issues: %v", issues)
	}
	s, err := Parse(Example(), "example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tenants) != 2 {
		t.Fatalf("got %d tenants, want 2", len(s.Tenants))
	}
}

func TestExampleCommentsEveryKey(t *testing.T) {
	t.Parallel()
	for _, k := range firstKeys(parseExample(t)) {
		if k.comment == "" {
			t.Errorf("line %d: %s has no comment", k.key.Line, k.path)
			continue
		}
		_, hasDefault := statedDefault(k.comment)
		required := strings.Contains(k.comment, "Required")
		if isLeaf(k.key, k.value) && !hasDefault && !required {
			t.Errorf("line %d: %s states neither its default nor that it is required", k.key.Line, k.path)
		}
	}
}

func TestExampleShowsEveryKey(t *testing.T) {
	t.Parallel()
	allowed := map[string][]string{}
	if _, issues := decode(Example(), allowed); len(issues) != 0 {
		t.Fatal(issues)
	}
	shown := map[string]map[string]bool{}
	walkKeys(parseExample(t), "", func(path string, _, k, _ *yaml.Node) {
		parent := strings.TrimSuffix(strings.TrimSuffix(path, k.Value), ".")
		if shown[parent] == nil {
			shown[parent] = map[string]bool{}
		}
		shown[parent][k.Value] = true
	})
	for parent, keys := range allowed {
		for _, k := range keys {
			if !shown[parent][k] {
				t.Errorf("the example does not show %s", join(parent, k))
			}
		}
	}
	for _, must := range []string{"tenants[].queues[].businessHours", "tenants[].licenses", "tenants[].queues[].skills.holding"} {
		if allowed[must] == nil {
			t.Errorf("the walk did not visit %s", must)
		}
	}
}

// TestExampleDefaultsMatchCode rewrites the example twice: once with every
// key that states a default set to that stated default, once with those keys
// left out. Both must load to the same settings, so the stated defaults are
// the code's.
func TestExampleDefaultsMatchCode(t *testing.T) {
	t.Parallel()
	first := firstKeys(parseExample(t))
	stated := map[string]*yaml.Node{}
	for cp, k := range first {
		if s, ok := statedDefault(k.comment); ok {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(s), &n); err != nil || len(n.Content) != 1 {
				t.Fatalf("%s: stated default %q is not a YAML value: %v", cp, s, err)
			}
			stated[cp] = n.Content[0]
		}
	}
	if len(stated) < 60 {
		t.Fatalf("only %d keys state a default", len(stated))
	}

	withDefaults, withoutKeys := parseExample(t), parseExample(t)
	walkKeys(withDefaults, "", func(path string, parent, k, v *yaml.Node) {
		if d := stated[commentPath(path)]; d != nil {
			*v = *d
		}
	})
	var drop []func()
	walkKeys(withoutKeys, "", func(path string, parent, k, _ *yaml.Node) {
		if stated[commentPath(path)] != nil {
			drop = append(drop, func() {
				for i := 0; i+1 < len(parent.Content); i += 2 {
					if parent.Content[i] == k {
						parent.Content = slices.Delete(parent.Content, i, i+2)
						return
					}
				}
			})
		}
	})
	for _, d := range drop {
		d()
	}

	load := func(doc *yaml.Node, name string) *Config {
		data, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ParseConfig(data, name)
		if err != nil {
			t.Fatalf("%v\n%s", err, data)
		}
		return c
	}
	ca, cb := load(withDefaults, "stated defaults"), load(withoutKeys, "keys left out")
	if !reflect.DeepEqual(ca.Tokens, cb.Tokens) || ca.Delivery != cb.Delivery || !reflect.DeepEqual(ca.Server, cb.Server) || !reflect.DeepEqual(ca.Limits, cb.Limits) {
		t.Errorf("tokens, delivery, server or limits:\nstated %+v %+v %+v %+v\ncode   %+v %+v %+v %+v",
			ca.Tokens, ca.Delivery, ca.Server, ca.Limits, cb.Tokens, cb.Delivery, cb.Server, cb.Limits)
	}
	a, b := ca.Settings, cb.Settings
	if !reflect.DeepEqual(a, b) {
		for i := range a.Tenants {
			ta, tb := *a.Tenants[i], *b.Tenants[i]
			if fmt.Sprintf("%+v", ta) != fmt.Sprintf("%+v", tb) || fmt.Sprintf("%+v", ta.Licenses) != fmt.Sprintf("%+v", tb.Licenses) {
				t.Errorf("tenant %d:\nstated %+v %+v\ncode   %+v %+v", i, ta, ta.Licenses, tb, tb.Licenses)
			}
			for j := range ta.Queues {
				if !reflect.DeepEqual(ta.Queues[j], tb.Queues[j]) {
					t.Errorf("tenant %d queue %d:\nstated %+v\ncode   %+v", i, j, *ta.Queues[j], *tb.Queues[j])
				}
			}
			for j := range ta.Segments {
				if !reflect.DeepEqual(ta.Segments[j], tb.Segments[j]) {
					t.Errorf("tenant %d segment %d:\nstated %+v\ncode   %+v", i, j, *ta.Segments[j], *tb.Segments[j])
				}
			}
		}
		t.Fatal("the defaults stated in example.yaml differ from the code's")
	}
}

// TestExampleListsFreeVariables checks the commented list of variables in the
// example against the table: every free variable, in order, with its default.
func TestExampleListsFreeVariables(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`(?m)^\s+# ([A-Za-z_]+): "(.*)"$`)
	text := string(Example())
	start := strings.Index(text, "        variables:\n")
	end := strings.Index(text[start:], "\n\n")
	if start < 0 || end < 0 {
		t.Fatal("no variables section in the example")
	}
	var got []callback.Variable
	for _, m := range re.FindAllStringSubmatch(text[start:start+end], -1) {
		got = append(got, callback.Variable{Name: m[1], Value: m[2]})
	}
	var want []callback.Variable
	for _, v := range callback.VariableTable() {
		if !v.IsBound() {
			want = append(want, callback.Variable{Name: v.Name, Value: v.Default})
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the example lists %d variables, the table has %d free ones", len(got), len(want))
		for i := 0; i < len(got) && i < len(want); i++ {
			if got[i] != want[i] {
				t.Errorf("first difference at %d: example %v, table %v", i, got[i], want[i])
				break
			}
		}
	}
}

var asForRE = regexp.MustCompile(`As for (?:the tenant's )?([A-Za-z.]+[A-Za-z])\.`)

// TestExampleStatesTheRanges holds the "Allowed:" lines of the example (and
// so docs/configuration.md, which embeds it) to the domain's one table of
// ranges: every numeric setting's comment, or its section's, states the
// range callback.RangeOf gives it.
func TestExampleStatesTheRanges(t *testing.T) {
	t.Parallel()
	first := firstKeys(parseExample(t))
	for _, key := range callback.RangeKeys() {
		r, _ := callback.RangeOf(key)
		k, ok := first[key]
		if !ok {
			t.Errorf("the example does not show %s, which has a range", key)
			continue
		}
		allowed := r.Allowed()
		if m := asForRE.FindStringSubmatch(k.comment); m != nil {
			// "As for dialer.timeout.": the tenant's key states it.
			k = first["tenants[]."+m[1]]
		}
		if strings.Contains(k.comment, "Allowed: "+allowed) {
			continue
		}
		parent := first[key[:strings.LastIndex(key, ".")]]
		if !strings.Contains(parent.comment, allowed) {
			t.Errorf("line %d: %s: the example states %q, the table allows %q", k.key.Line, key, k.comment, allowed)
		}
	}
}

// TestDomainProblemsAreOnTheirLines checks that a problem found by the
// domain (callback.Settings.Validate) is reported on the line of its key,
// or of the nearest enclosing key that is written.
func TestDomainProblemsAreOnTheirLines(t *testing.T) {
	t.Parallel()
	data := []byte(`tenants:
  - name: T
    segments:
      - name: S
        queue: Nope
      - queue: Q
    queues:
      - {name: Q, skills: {holding: {id: h}}}
      - {name: q, skills: {holding: {id: h}}}
delivery:
  backoff:
    initial: 1m
    max: 2s
`)
	got := Check(data)
	want := []Issue{
		{Path: "tenants[0].segments[0].queue", Line: 5, Message: `no queue named "Nope" in this tenant`},
		{Path: "tenants[0].segments[1].name", Line: 6, Message: "is required"},
		{Path: "tenants[0].queues[1].name", Line: 9, Message: `duplicate queue name "q" (already used by tenants[0].queues[0]; names are matched case-insensitively)`},
		{Path: "delivery.backoff", Line: 12, Message: "max 2s is less than initial 1m"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check:\n got  %+v\n want %+v", got, want)
	}
}
