package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/throttle"
)

// This file is the schema: one function per section, each reading its keys
// with the walker's helpers onto a domain value that starts from its
// defaults (callback.NewTenant, NewQueue...); the domain then checks what
// spans several keys (Settings.Validate), and its problems get their lines.

// decode reads a configuration document. It returns the configuration and
// every issue found, sorted by line; the configuration is only meaningful
// without issues. Secrets written "env:NAME" are read from the environment.
func decode(data []byte, keys map[string][]string) (*Config, []Issue) {
	return decodeWith(data, keys, os.LookupEnv)
}

// decodeWith is decode with env as the environment.
func decodeWith(data []byte, keys map[string][]string, env func(string) (string, bool)) (*Config, []Issue) {
	return decodeIn(data, keys, env, "")
}

// decodeIn is decodeWith with the relative file paths of the document read
// from dir ("" is the working directory).
func decodeIn(data []byte, keys map[string][]string, env func(string) (string, bool), dir string) (*Config, []Issue) {
	root, issues := parseYAML(data)
	if len(issues) > 0 {
		return nil, issues
	}
	w := &walker{keys: keys, env: env, dir: dir, nodes: map[string]*yaml.Node{}, unread: map[string]bool{}}
	s := w.settings(root)
	slices.SortStableFunc(w.issues, func(a, b Issue) int { return sortLine(a) - sortLine(b) })
	return s, w.issues
}

// sortLine orders issues by line, with those of the whole file last.
func sortLine(i Issue) int {
	if i.Line <= 0 {
		return 1 << 30
	}
	return i.Line
}

// parseYAML parses data into its one document's root node.
func parseYAML(data []byte) (root *yaml.Node, issues []Issue) {
	defer func() {
		// The parser is not ours: should it ever panic on strange input, the
		// file is reported as unreadable rather than taking the caller down.
		if r := recover(); r != nil {
			root, issues = nil, []Issue{{Message: fmt.Sprintf("the YAML parser failed on this file: %v", r)}}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, []Issue{{Line: 1, Message: "the file is empty; it needs a tenants list"}}
		}
		return nil, []Issue{syntaxIssue(err)}
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, []Issue{{Line: extra.Line, Message: `the file holds more than one YAML document ("---"); only one is allowed`}}
	case !errors.Is(err, io.EOF):
		return nil, []Issue{syntaxIssue(err)}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, []Issue{{Line: 1, Message: "the file is empty; it needs a tenants list"}}
	}
	return doc.Content[0], nil
}

var syntaxLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxIssue turns a YAML parser error into an issue with its line.
func syntaxIssue(err error) Issue {
	msg := err.Error()
	if m := syntaxLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Issue{Line: line, Message: "YAML syntax error: " + m[2]}
	}
	return Issue{Message: "YAML syntax error: " + strings.TrimPrefix(msg, "yaml: ")}
}

// named remembers where a name was written, to report duplicates.
type named struct {
	name string
	path string
	node *yaml.Node
}

// duplicates reports names written more than once (case-insensitively).
func (w *walker) duplicates(items []named, what string) {
	first := map[string]named{}
	for _, it := range items {
		k := strings.ToLower(it.name)
		if f, ok := first[k]; ok {
			w.report(it.node, it.path, "duplicate %s %q (already used by %s; names are matched case-insensitively)", what, it.name, strings.TrimSuffix(f.path, ".name"))
			continue
		}
		first[k] = it
	}
}

// keyLine returns the node to report an absent or whole-section problem at:
// the key when it is written, else the enclosing mapping.
func keyLine(present map[string]*yaml.Node, key string, parent *yaml.Node) *yaml.Node {
	if k := present[key]; k != nil {
		return k
	}
	return deref(parent)
}

// domain reports the problems the domain finds in what was read
// (callback.SettingsErrors), each on the line of its path or of the nearest
// enclosing key that is written, leaving out those about values the walker
// could not read (it reported them, and the domain saw a default there).
func (w *walker) domain(err error) {
	if err == nil {
		return
	}
	var errs callback.SettingsErrors
	if !errors.As(err, &errs) {
		w.note(nil, "", "%v", err)
		return
	}
	for _, e := range errs {
		if n, ok := w.nodeOf(e.Path); ok {
			w.note(n, e.Path, "%s", e.Msg)
		}
	}
}

// nodeOf returns the node of path or of its nearest visited ancestor; false
// when path or an ancestor is unread.
func (w *walker) nodeOf(path string) (*yaml.Node, bool) {
	var n *yaml.Node
	for p := path; ; p = parentPath(p) {
		if w.unread[p] {
			return nil, false
		}
		if v, ok := w.nodes[p]; ok && n == nil {
			n = v
		}
		if p == "" {
			return n, true
		}
	}
}

// parentPath removes the last key or index of a path ("" has none).
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// settings reads the top level, then has the domain validate what was read
// (callback.Settings.Validate, callback.Backoff.Validate): required and
// unique names, references, ranges and what spans several keys.
func (w *walker) settings(root *yaml.Node) *Config {
	s := &callback.Settings{}
	c := &Config{Settings: s, Delivery: newDelivery(), Server: newServer(), Limits: throttle.DefaultConfig()}
	var credentials []tenantsRef
	w.object(root, "", fields{
		"auth":     func(v *yaml.Node, p string) { credentials = w.auth(v, p, c) },
		"delivery": func(v *yaml.Node, p string) { w.delivery(v, p, &c.Delivery) },
		"server":   func(v *yaml.Node, p string) { w.server(v, p, &c.Server) },
		"store":    func(v *yaml.Node, p string) { w.store(v, p, &c.Store) },
		"limits":   func(v *yaml.Node, p string) { w.limits(v, p, &c.Limits) },
		"tenants": func(v *yaml.Node, p string) {
			for i, item := range w.list(v, p) {
				s.Tenants = append(s.Tenants, w.tenant(item, index(p, i)))
			}
		},
	})
	if !w.halted {
		w.domain(s.Validate())
		w.domain(c.Delivery.Backoff.Validate())
	}
	w.checkTenantsOf(c, credentials)
	return c
}

// tenant reads one tenant. Every list item becomes a segment, queue, call
// info and so on, even one that is not a mapping, so the domain's paths are
// the file's.
func (w *walker) tenant(n *yaml.Node, path string) *callback.Tenant {
	t := callback.NewTenant("")
	// dialer is the tenant's push endpoint, for the queues without their own.
	var dialer *callback.Endpoint
	w.object(n, path, fields{
		"name": func(v *yaml.Node, p string) { setIf(&t.Name)(w.name(v, p)) },
		"timeZone": func(v *yaml.Node, p string) {
			if loc, ok := w.zone(v, p); ok {
				t.Location = loc
			}
		},
		"numbering": func(v *yaml.Node, p string) { w.numbering(v, p, &t.Contacts) },
		"integration": func(v *yaml.Node, p string) {
			setIf(&t.Integration)(enum(w, v, p, callback.Integrations, "an integration"))
		},
		"licenses": func(v *yaml.Node, p string) { t.Licenses = w.licenses(v, p) },
		"defaultSourceApplication": func(v *yaml.Node, p string) {
			if s, ok := w.text(v, p); ok {
				if err := callback.CheckSourceApplication(s); err != nil {
					w.report(deref(v), p, "%v", err)
				} else {
					t.DefaultSourceApplication = s
				}
			}
		},
		"dialer":          func(v *yaml.Node, p string) { dialer = w.dialer(v, p) },
		"webhooks":        func(v *yaml.Node, p string) { t.Webhooks = w.webhooks(v, p) },
		"notifications":   func(v *yaml.Node, p string) { w.notifications(v, p, &t.Notifications) },
		"callInfos":       func(v *yaml.Node, p string) { t.CallInfos = w.callInfos(v, p) },
		"systemVariables": func(v *yaml.Node, p string) { t.SystemVariables = w.systemVariables(v, p) },
		"segments": func(v *yaml.Node, p string) {
			for i, item := range w.list(v, p) {
				t.Segments = append(t.Segments, w.segment(item, index(p, i)))
			}
		},
		"queues": func(v *yaml.Node, p string) {
			for i, item := range w.list(v, p) {
				if q := w.queue(item, index(p, i)); q != nil {
					t.Queues = append(t.Queues, q)
				}
			}
		},
	})
	for _, q := range t.Queues {
		if q.Dialer == nil {
			q.Dialer = dialer
		}
	}
	// A segment may name its queue in any case; it is stored as the queue
	// spells it. A queue that does not exist is the domain's to report.
	for _, seg := range t.Segments {
		if q := t.Queue(seg.Queue); q != nil && seg.Queue != "" {
			seg.Queue = q.Name
		}
	}
	return t
}

// setIf returns a function that stores a parsed value when it is valid, so
// a bad value leaves the default in place.
func setIf[T any](dst *T) func(T, bool) {
	return func(v T, ok bool) {
		if ok {
			*dst = v
		}
	}
}

// segment reads one segment; its queue is checked by the domain.
func (w *walker) segment(n *yaml.Node, path string) *callback.Segment {
	seg := callback.NewSegment("", "")
	w.object(n, path, fields{
		"name":  func(v *yaml.Node, p string) { setIf(&seg.Name)(w.name(v, p)) },
		"queue": func(v *yaml.Node, p string) { setIf(&seg.Queue)(w.name(v, p)) },
		"countryCode": func(v *yaml.Node, p string) {
			s, ok := w.text(v, p)
			if !ok {
				return
			}
			cc := strings.TrimPrefix(strings.TrimSpace(s), "+")
			if err := callback.CheckCountryCode(cc); err != nil {
				w.report(deref(v), p, "%v", err)
				return
			}
			seg.CountryCode = cc
		},
		"sourceApplications": func(v *yaml.Node, p string) {
			seg.SourceApplications = w.textList(v, p, callback.CheckSourceApplication)
		},
	})
	return seg
}

// suggestVariable names the variable the writer probably meant.
func suggestVariable(name string) string {
	for _, v := range callback.VariableTable() {
		if strings.EqualFold(v.Name, name) {
			return fmt.Sprintf("; did you mean %q? (names are case-sensitive)", v.Name)
		}
	}
	return ` (the "variables" section of "holdline config example" lists every name)`
}
