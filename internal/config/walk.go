package config

// This file is longer than most on purpose: it is the one YAML walker —
// node kinds, merge keys, paths, and a reader for every kind of scalar with
// its error message — which every section's decoder shares; split, the one
// mechanism would be scattered.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/callback"
)

// The walker reads a YAML node tree against the schema and collects every
// problem with its path, instead of stopping at the first one as decoding
// into structs would. Every helper is safe on any node (nil, alias, wrong
// kind) and never panics.

// maxSteps bounds the work of one walk, so that a small file that repeats
// large anchors through aliases ("billion laughs") cannot exhaust the machine.
const maxSteps = 1_000_000

// queueCost is what a queue counts against maxSteps beyond its nodes: it
// allocates its table of variables.
const queueCost = 200

// maxMergeDepth bounds nested merge keys ("<<"), which may otherwise refer to
// themselves.
const maxMergeDepth = 16

// walker collects the issues of one configuration document.
type walker struct {
	issues []Issue
	steps  int
	halted bool
	// keys, when not nil, records the keys the schema allows for each
	// mapping visited, by path with the list indexes removed
	// ("tenants[].queues[].retries"). Tests use it to prove that the example
	// file shows every key.
	keys map[string][]string
	// env looks up environment variables (secrets written "env:NAME").
	env func(name string) (string, bool)
	// dir is the folder relative file paths are read from: the
	// configuration file's ("" is the working directory).
	dir string
	// nodes holds the node of every path visited, so a problem the domain
	// finds (callback.SettingsError, by path) is reported on its line.
	nodes map[string]*yaml.Node
	// unread are the paths whose value could not be read: the settings hold
	// a default or nothing there, so the domain's complaints about them
	// would repeat the walker's.
	unread map[string]bool
}

// fields is the schema of one mapping: the handler of each allowed key.
// A handler gets the key's value node and the key's path.
type fields map[string]func(v *yaml.Node, path string)

// pair is one entry of a mapping, after merge keys are expanded.
type pair struct {
	name       string
	key, value *yaml.Node
}

// report records a problem with the value at path, on the line of n: the
// value is not read.
func (w *walker) report(n *yaml.Node, path, format string, args ...any) {
	if w.unread == nil {
		w.unread = map[string]bool{}
	}
	w.unread[path] = true
	w.note(n, path, format, args...)
}

// note records a problem at path, on the line of n, that leaves the value
// at path read (a key written twice, an unknown key next to it, a list that
// is not one and so holds nothing).
func (w *walker) note(n *yaml.Node, path, format string, args ...any) {
	if w.halted {
		return
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	w.issues = append(w.issues, Issue{Path: path, Line: line, Message: fmt.Sprintf(format, args...)})
}

// spend counts cost against the budget and reports whether work may go on.
func (w *walker) spend(cost int) bool {
	if w.halted {
		return false
	}
	w.steps += cost
	if w.steps > maxSteps {
		w.issues = append(w.issues, Issue{Message: "the document is too large or expands too many aliases; checking stopped here"})
		w.halted = true
		return false
	}
	return true
}

// node resolves aliases and counts the visit; it returns nil once the
// budget is spent (every caller then gives up quietly).
func (w *walker) node(n *yaml.Node) *yaml.Node {
	if n == nil || !w.spend(1) {
		return nil
	}
	return deref(n)
}

// visit records the node at path, for the domain's problems.
func (w *walker) visit(path string, n *yaml.Node) {
	if w.nodes == nil {
		w.nodes = map[string]*yaml.Node{}
	}
	if _, seen := w.nodes[path]; !seen {
		w.nodes[path] = n
	}
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < maxMergeDepth; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is an empty value ("key:" or "key: ~"), which the
// schema reads as an absent key.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// kindName describes what a node is, for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return "an alias that cannot be resolved"
	}
	return "an empty document"
}

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// schemaPath removes the list indexes from a path.
func schemaPath(path string) string { return callback.SchemaPath(path) }

// pairs returns the entries of the mapping n in document order, with merge
// keys ("<<: *base") expanded: keys written in n win over merged ones, and of
// several merged mappings the first wins. It reports keys that are not plain
// names and keys written twice.
func (w *walker) pairs(n *yaml.Node, path string, depth int) []pair {
	var own, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := w.node(n.Content[i])
		if k == nil {
			return nil
		}
		v := n.Content[i+1]
		switch {
		case k.Kind == yaml.ScalarNode && k.Tag == "!!merge":
			merged = append(merged, w.merge(v, path, depth)...)
		case k.Kind != yaml.ScalarNode:
			w.note(k, path, "a key must be a plain name, not %s", kindName(k))
		case seen[k.Value] != nil:
			w.note(k, join(path, k.Value), "the key is written twice (first on line %d)", seen[k.Value].Line)
		default:
			seen[k.Value] = k
			own = append(own, pair{name: k.Value, key: k, value: v})
		}
	}
	for _, p := range merged {
		if seen[p.name] == nil {
			seen[p.name] = p.key
			own = append(own, p)
		}
	}
	return own
}

// merge returns the entries a merge key brings in.
func (w *walker) merge(v *yaml.Node, path string, depth int) []pair {
	v = w.node(v)
	if v == nil {
		return nil
	}
	if depth >= maxMergeDepth {
		w.note(v, path, "merge keys (<<) nest more than %d deep", maxMergeDepth)
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		return w.pairs(v, path, depth+1)
	case yaml.SequenceNode:
		var out []pair
		seen := map[string]bool{}
		for _, item := range v.Content {
			item = w.node(item)
			if item == nil {
				return out
			}
			if item.Kind != yaml.MappingNode {
				w.note(item, path, "a merge key (<<) must name mappings, not %s", kindName(item))
				continue
			}
			for _, p := range w.pairs(item, path, depth+1) {
				if !seen[p.name] {
					seen[p.name] = true
					out = append(out, p)
				}
			}
		}
		return out
	}
	w.note(v, path, "a merge key (<<) must name a mapping or a list of mappings, not %s", kindName(v))
	return nil
}

// object reads the mapping n at path against fs: it reports unknown keys and
// calls the handler of every known key whose value is not empty, in document
// order. It returns the keys it handled (name to key node), or nil when n is
// not a mapping.
func (w *walker) object(n *yaml.Node, path string, fs fields) map[string]*yaml.Node {
	n = w.node(n)
	if n == nil {
		return nil
	}
	w.visit(path, n)
	if n.Kind != yaml.MappingNode {
		w.report(n, path, "must be a mapping of keys, not %s", kindName(n))
		return nil
	}
	allowed := make([]string, 0, len(fs))
	for k := range fs {
		allowed = append(allowed, k)
	}
	slices.Sort(allowed)
	if w.keys != nil {
		w.keys[schemaPath(path)] = allowed
	}
	present := map[string]*yaml.Node{}
	for _, p := range w.pairs(n, path, 0) {
		handle, ok := fs[p.name]
		if !ok {
			w.note(p.key, join(path, p.name), "unknown key%s", suggest(p.name, allowed))
			continue
		}
		if isNull(p.value) {
			continue
		}
		present[p.name] = p.key
		w.visit(join(path, p.name), deref(p.value))
		handle(p.value, join(path, p.name))
	}
	return present
}

// require reports the keys of names that an object did not have.
func (w *walker) require(n *yaml.Node, path string, present map[string]*yaml.Node, names ...string) {
	if present == nil {
		return
	}
	for _, name := range names {
		if present[name] == nil {
			w.report(deref(n), join(path, name), "is required")
		}
	}
}

// suggest names the allowed key the writer probably meant, or lists them.
func suggest(name string, allowed []string) string {
	best, bestDist := "", 3
	for _, a := range allowed {
		if strings.EqualFold(a, name) {
			return fmt.Sprintf("; did you mean %q?", a)
		}
		if d := distance(strings.ToLower(a), strings.ToLower(name)); d < bestDist {
			best, bestDist = a, d
		}
	}
	if best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return "; expected one of: " + strings.Join(allowed, ", ")
}

// distance is the Levenshtein distance of two short strings.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// list returns the items of the list n, or nil (reported) when n is not a list.
func (w *walker) list(n *yaml.Node, path string) []*yaml.Node {
	n = w.node(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		w.note(n, path, "must be a list, not %s", kindName(n))
		return nil
	}
	for i, item := range n.Content {
		w.visit(index(path, i), deref(item))
	}
	return n.Content
}

// scalar returns n when it is a single value; want says what was expected.
func (w *walker) scalar(n *yaml.Node, path, want string) (*yaml.Node, bool) {
	n = w.node(n)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.ScalarNode {
		w.report(n, path, "must be %s, not %s", want, kindName(n))
		return nil, false
	}
	return n, true
}

// text reads any single value as written; an empty value is "".
func (w *walker) text(n *yaml.Node, path string) (string, bool) {
	s, ok := w.scalar(n, path, "a single value")
	if !ok {
		return "", false
	}
	if s.Tag == "!!null" {
		return "", true
	}
	return s.Value, true
}

// name reads a name that must not be blank.
func (w *walker) name(n *yaml.Node, path string) (string, bool) {
	s, ok := w.text(n, path)
	if ok && strings.TrimSpace(s) == "" {
		w.report(n, path, "must not be empty")
		return "", false
	}
	return s, ok
}

// boolean reads true or false.
func (w *walker) boolean(n *yaml.Node, path string) (bool, bool) {
	s, ok := w.scalar(n, path, "true or false")
	if !ok {
		return false, false
	}
	var b bool
	if s.Tag != "!!bool" || s.Decode(&b) != nil {
		w.report(s, path, "must be true or false, not %q", s.Value)
		return false, false
	}
	return b, true
}

// textList reads a list of single values, each checked by check (when not nil).
func (w *walker) textList(n *yaml.Node, path string, check func(string) error) []string {
	var out []string // nil when empty: "[]" means the same as leaving the key out
	for i, item := range w.list(n, path) {
		p := index(path, i)
		s, ok := w.text(item, p)
		if !ok {
			continue
		}
		if check != nil {
			if err := check(s); err != nil {
				w.report(deref(item), p, "%v", err)
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// enum reads one of values, matched case-insensitively and ignoring spaces,
// and returns its canonical spelling.
func enum[T ~string](w *walker, n *yaml.Node, path string, values []T, what string) (T, bool) {
	s, ok := w.text(n, path)
	if !ok {
		return "", false
	}
	v, ok := callback.Parse(values, s)
	if !ok {
		names := make([]string, len(values))
		for i, v := range values {
			names[i] = string(v)
		}
		w.report(deref(n), path, "%q is not %s (one of %s)", s, what, strings.Join(names, ", "))
		return "", false
	}
	return v, true
}
