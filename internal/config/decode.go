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
// defaults (defaults.go), then checking what spans several keys.

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
	w := &walker{keys: keys, env: env, dir: dir}
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

// settings reads the top level.
func (w *walker) settings(root *yaml.Node) *Config {
	s := &callback.Settings{}
	c := &Config{Settings: s, Delivery: newDelivery(), Server: newServer(), Limits: throttle.DefaultConfig()}
	count := 0
	var names []named
	var credentials []tenantsRef
	present := w.object(root, "", fields{
		"auth":     func(v *yaml.Node, p string) { credentials = w.auth(v, p, c) },
		"delivery": func(v *yaml.Node, p string) { w.delivery(v, p, &c.Delivery) },
		"server":   func(v *yaml.Node, p string) { w.server(v, p, &c.Server) },
		"limits":   func(v *yaml.Node, p string) { w.limits(v, p, &c.Limits) },
		"tenants": func(v *yaml.Node, p string) {
			items := w.list(v, p)
			count = len(items)
			for i, item := range items {
				ip := index(p, i)
				t, nameNode := w.tenant(item, ip)
				if t == nil {
					continue
				}
				s.Tenants = append(s.Tenants, t)
				if nameNode != nil {
					names = append(names, named{t.Name, join(ip, "name"), nameNode})
				}
			}
		},
	})
	if present != nil && count == 0 {
		w.report(keyLine(present, "tenants", root), "tenants", "at least one tenant is required")
	}
	w.duplicates(names, "tenant name")
	w.checkTenantsOf(c, credentials)
	return c
}

// segmentRef is a segment with where its queue was named, checked once the
// tenant's queues are known.
type segmentRef struct {
	seg       *callback.Segment
	path      string
	queueNode *yaml.Node
}

// tenant reads one tenant; it returns nil when n is not a mapping, and the
// node of its name for duplicate checks.
func (w *walker) tenant(n *yaml.Node, path string) (*callback.Tenant, *yaml.Node) {
	t := newTenant()
	var (
		nameNode  *yaml.Node
		segCount  int
		segRefs   []segmentRef
		segNames  []named
		queueName []named
		// dialer is the tenant's push endpoint, for the queues without their own.
		dialer *callback.Endpoint
	)
	present := w.object(n, path, fields{
		"name": func(v *yaml.Node, p string) {
			if s, ok := w.name(v, p); ok {
				t.Name, nameNode = s, deref(v)
			}
		},
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
				if err := checkSourceApplication(s); err != nil {
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
			items := w.list(v, p)
			segCount = len(items)
			for i, item := range items {
				ref, nameNode := w.segment(item, index(p, i))
				if ref == nil {
					continue
				}
				t.Segments = append(t.Segments, ref.seg)
				segRefs = append(segRefs, *ref)
				if nameNode != nil {
					segNames = append(segNames, named{ref.seg.Name, join(ref.path, "name"), nameNode})
				}
			}
		},
		"queues": func(v *yaml.Node, p string) {
			for i, item := range w.list(v, p) {
				ip := index(p, i)
				q, nameNode := w.queue(item, ip)
				if q == nil {
					continue
				}
				t.Queues = append(t.Queues, q)
				if nameNode != nil {
					queueName = append(queueName, named{q.Name, join(ip, "name"), nameNode})
				}
			}
		},
	})
	if present == nil {
		return nil, nil
	}
	w.require(n, path, present, "name")
	if segCount == 0 {
		w.report(keyLine(present, "segments", n), join(path, "segments"), "a tenant needs at least one segment")
	}
	w.duplicates(segNames, "segment name")
	w.duplicates(queueName, "queue name")
	for _, q := range t.Queues {
		if q.Dialer == nil {
			q.Dialer = dialer
		}
	}
	for _, ref := range segRefs {
		if ref.queueNode == nil {
			continue // reported as required
		}
		if q := t.Queue(ref.seg.Queue); q != nil {
			ref.seg.Queue = q.Name
		} else {
			w.report(ref.queueNode, join(ref.path, "queue"), "no queue named %q in this tenant", ref.seg.Queue)
		}
	}
	return t, nameNode
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

var countryCodeRE = regexp.MustCompile(`^[1-9][0-9]{0,` + strconv.Itoa(maxCountryCodeDigits-1) + `}$`)

// segment reads one segment; its queue is checked by the tenant.
func (w *walker) segment(n *yaml.Node, path string) (*segmentRef, *yaml.Node) {
	ref := &segmentRef{seg: newSegment(), path: path}
	var nameNode *yaml.Node
	present := w.object(n, path, fields{
		"name": func(v *yaml.Node, p string) {
			if s, ok := w.name(v, p); ok {
				ref.seg.Name, nameNode = s, deref(v)
			}
		},
		"queue": func(v *yaml.Node, p string) {
			if s, ok := w.name(v, p); ok {
				ref.seg.Queue, ref.queueNode = s, deref(v)
			}
		},
		"countryCode": func(v *yaml.Node, p string) {
			s, ok := w.text(v, p)
			if !ok {
				return
			}
			if cc := strings.TrimPrefix(strings.TrimSpace(s), "+"); countryCodeRE.MatchString(cc) {
				ref.seg.CountryCode = cc
			} else {
				w.report(deref(v), p, "%q is not a country calling code (1 to %d digits, not starting with 0)", s, maxCountryCodeDigits)
			}
		},
		"sourceApplications": func(v *yaml.Node, p string) {
			ref.seg.SourceApplications = w.textList(v, p, checkSourceApplication)
		},
	})
	if present == nil {
		return nil, nil
	}
	w.require(n, path, present, "name", "queue")
	return ref, nameNode
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
