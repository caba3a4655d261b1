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
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/contact"
	"github.com/holdline/holdline/internal/license"
	"github.com/holdline/holdline/internal/schedule"
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
	c := &Config{Settings: s, Delivery: newDelivery(), Server: newServer()}
	count := 0
	var names []named
	var credentials []tenantsRef
	present := w.object(root, "", fields{
		"auth":     func(v *yaml.Node, p string) { credentials = w.auth(v, p, c) },
		"delivery": func(v *yaml.Node, p string) { w.delivery(v, p, &c.Delivery) },
		"server":   func(v *yaml.Node, p string) { w.server(v, p, &c.Server) },
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

// zone reads an IANA time zone name.
func (w *walker) zone(n *yaml.Node, path string) (*time.Location, bool) {
	s, ok := w.text(n, path)
	if !ok {
		return nil, false
	}
	if strings.EqualFold(s, "Local") {
		w.report(deref(n), path, "%q is not allowed: name an IANA time zone so the file means the same on every machine", s)
		return nil, false
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" {
		w.report(deref(n), path, "%q is not a time zone (an IANA name such as Europe/London or America/New_York)", s)
		return nil, false
	}
	return loc, true
}

var numberRE = regexp.MustCompile(`^\+?[0-9]+$`)

// checkNumber accepts a phone number or prefix: digits with an optional "+".
func checkNumber(s string) error {
	if !numberRE.MatchString(s) {
		return fmt.Errorf("%q is not a number (digits, optionally after a +)", s)
	}
	return nil
}

// checkSourceApplication accepts a source application name (behaviour.md §1).
func checkSourceApplication(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be empty")
	}
	if strings.Contains(s, "|") {
		return fmt.Errorf("%q must not contain |", s)
	}
	return nil
}

// numbering reads a tenant's contact rules.
func (w *walker) numbering(n *yaml.Node, path string, r *contact.Rules) {
	present := w.object(n, path, fields{
		"profile": func(v *yaml.Node, p string) {
			setIf(&r.Profile)(enum(w, v, p, []contact.Profile{contact.E164, contact.Extension}, "a numbering profile"))
		},
		"minLength":          func(v *yaml.Node, p string) { setIf(&r.MinLength)(w.integer(v, p, minNumberLength, maxNumberLength)) },
		"maxLength":          func(v *yaml.Node, p string) { setIf(&r.MaxLength)(w.integer(v, p, minNumberLength, maxNumberLength)) },
		"allowInternational": func(v *yaml.Node, p string) { setIf(&r.AllowInternational)(w.boolean(v, p)) },
		"blocked":            func(v *yaml.Node, p string) { r.Blocked = w.textList(v, p, checkNumber) },
		"blockedPrefixes":    func(v *yaml.Node, p string) { r.BlockedPrefixes = w.textList(v, p, checkNumber) },
	})
	if present != nil && r.MinLength > r.MaxLength {
		w.report(deref(n), path, "minLength %d is greater than maxLength %d", r.MinLength, r.MaxLength)
	}
}

// licenses reads a tenant's licence entitlement.
func (w *walker) licenses(n *yaml.Node, path string) *license.Config {
	c := newLicenses()
	present := w.object(n, path, fields{
		"inbound":          func(v *yaml.Node, p string) { setIf(&c.Inbound)(w.integer(v, p, 0, maxCount)) },
		"nonVoice":         func(v *yaml.Node, p string) { setIf(&c.NonVoice)(w.integer(v, p, 0, maxCount)) },
		"outbound":         func(v *yaml.Node, p string) { setIf(&c.Outbound)(w.integer(v, p, 0, maxCount)) },
		"scheduled":        func(v *yaml.Node, p string) { setIf(&c.Scheduled)(w.boolean(v, p)) },
		"minimumThreshold": func(v *yaml.Node, p string) { setIf(&c.MinimumThreshold)(w.integer(v, p, 0, maxCount)) },
		"bandwidthLimit":   func(v *yaml.Node, p string) { setIf(&c.BandwidthLimit)(w.integer(v, p, 0, maxCount)) },
		"bandwidthPeriod": func(v *yaml.Node, p string) {
			setIf(&c.BandwidthPeriod)(w.duration(v, p, minPositiveDuration, noMaxDuration))
		},
		"voiceApplications": func(v *yaml.Node, p string) {
			if apps := w.textList(v, p, checkSourceApplication); len(apps) > 0 {
				c.VoiceApplications = apps
			}
		},
	})
	if present == nil {
		return nil
	}
	return c
}

// callInfos reads a tenant's ModifyInteraction result codes.
func (w *walker) callInfos(n *yaml.Node, path string) []callback.CallInfo {
	var out []callback.CallInfo
	var codes []named
	for i, item := range w.list(n, path) {
		ip := index(path, i)
		var ci callback.CallInfo
		var codeNode *yaml.Node
		present := w.object(item, ip, fields{
			"code": func(v *yaml.Node, p string) {
				if s, ok := w.name(v, p); ok {
					ci.Code, codeNode = s, deref(v)
				}
			},
			"type": func(v *yaml.Node, p string) {
				setIf(&ci.Type)(enum(w, v, p, callback.CallInfoTypes, "a call info type"))
			},
		})
		w.require(item, ip, present, "code", "type")
		if present == nil || ci.Code == "" || ci.Type == "" {
			continue
		}
		out = append(out, ci)
		codes = append(codes, named{ci.Code, join(ip, "code"), codeNode})
	}
	w.duplicates(codes, "call info code")
	return out
}

// systemVariables reads a tenant's system variables, keeping their order.
func (w *walker) systemVariables(n *yaml.Node, path string) []callback.Variable {
	var out []callback.Variable
	var names []named
	for i, item := range w.list(n, path) {
		ip := index(path, i)
		var v callback.Variable
		var nameNode *yaml.Node
		present := w.object(item, ip, fields{
			"name": func(n *yaml.Node, p string) {
				if s, ok := w.name(n, p); ok {
					v.Name, nameNode = s, deref(n)
				}
			},
			"value": func(n *yaml.Node, p string) { setIf(&v.Value)(w.text(n, p)) },
		})
		w.require(item, ip, present, "name")
		if present == nil || v.Name == "" {
			continue
		}
		out = append(out, v)
		names = append(names, named{v.Name, join(ip, "name"), nameNode})
	}
	w.duplicates(names, "system variable")
	return out
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

// queue reads one queue.
func (w *walker) queue(n *yaml.Node, path string) (*callback.Queue, *yaml.Node) {
	if !w.spend(queueCost) {
		return nil, nil
	}
	q := newQueue()
	var nameNode *yaml.Node
	present := w.object(n, path, fields{
		"name": func(v *yaml.Node, p string) {
			if s, ok := w.name(v, p); ok {
				q.Name, nameNode = s, deref(v)
			}
		},
		"mode":         func(v *yaml.Node, p string) { setIf(&q.Mode)(enum(w, v, p, callback.Modes, "an operation mode")) },
		"modeSchedule": func(v *yaml.Node, p string) { q.ModeSchedule = w.modeSchedule(v, p) },
		"holidayMode": func(v *yaml.Node, p string) {
			setIf(&q.HolidayMode)(enum(w, v, p, callback.Modes, "an operation mode"))
		},
		"queueMode": func(v *yaml.Node, p string) { setIf(&q.QueueMode)(enum(w, v, p, callback.QueueModes, "a queue mode")) },
		"turnOnThreshold": func(v *yaml.Node, p string) {
			setIf(&q.TurnOnThreshold)(w.duration(v, p, 0, noMaxDuration))
		},
		"smartPurge": func(v *yaml.Node, p string) {
			w.object(v, p, fields{
				"enabled":     func(v *yaml.Node, p string) { setIf(&q.SmartPurge.Enabled)(w.boolean(v, p)) },
				"drainMargin": func(v *yaml.Node, p string) { setIf(&q.SmartPurge.DrainMargin)(w.duration(v, p, 0, noMaxDuration)) },
			})
		},
		"smartCallBlockThreshold": func(v *yaml.Node, p string) {
			setIf(&q.SmartCallBlockThreshold)(w.duration(v, p, 0, noMaxDuration))
		},
		"callbackDoubleCheck": func(v *yaml.Node, p string) { setIf(&q.CallbackDoubleCheck)(w.boolean(v, p)) },
		"secondChance": func(v *yaml.Node, p string) {
			w.object(v, p, fields{
				"enabled":   func(v *yaml.Node, p string) { setIf(&q.SecondChance.Enabled)(w.boolean(v, p)) },
				"threshold": func(v *yaml.Node, p string) { setIf(&q.SecondChance.Threshold)(w.duration(v, p, 0, noMaxDuration)) },
			})
		},
		"businessHours": func(v *yaml.Node, p string) { w.businessHours(v, p, &q.BusinessHours) },
		"holidays":      func(v *yaml.Node, p string) { w.holidays(v, p, &q.Holidays) },
		"appointments": func(v *yaml.Node, p string) {
			a := &q.Appointments
			w.object(v, p, fields{
				"enabled": func(v *yaml.Node, p string) { setIf(&a.Enabled)(w.boolean(v, p)) },
				"slotLength": func(v *yaml.Node, p string) {
					d, ok := w.duration(v, p, minSlotLength, maxSlotLength)
					if ok && d%time.Minute != 0 {
						w.report(deref(v), p, "%s must be a whole number of minutes", FormatDuration(d))
						return
					}
					setIf(&a.SlotLength)(d, ok)
				},
				"capacity":    func(v *yaml.Node, p string) { setIf(&a.Capacity)(w.integer(v, p, 1, maxCount)) },
				"horizonDays": func(v *yaml.Node, p string) { setIf(&a.HorizonDays)(w.integer(v, p, 1, maxHorizonDays)) },
			})
		},
		"retries": func(v *yaml.Node, p string) {
			r := &q.Retries
			w.object(v, p, fields{
				"busy":             func(v *yaml.Node, p string) { setIf(&r.Busy)(w.integer(v, p, 0, maxRetries)) },
				"noAnswer":         func(v *yaml.Node, p string) { setIf(&r.NoAnswer)(w.integer(v, p, 0, maxRetries)) },
				"answeringMachine": func(v *yaml.Node, p string) { setIf(&r.AnsweringMachine)(w.integer(v, p, 0, maxRetries)) },
				"tryAgain":         func(v *yaml.Node, p string) { setIf(&r.TryAgain)(w.integer(v, p, 0, maxRetries)) },
				"total":            func(v *yaml.Node, p string) { setIf(&r.Total)(w.integer(v, p, 0, maxRetries)) },
				"wait":             func(v *yaml.Node, p string) { setIf(&r.Wait)(w.duration(v, p, 0, noMaxDuration)) },
			})
		},
		"ewt": func(v *yaml.Node, p string) {
			e := &q.EWT
			w.object(v, p, fields{
				"estimator": func(v *yaml.Node, p string) { setIf(&e.Estimator)(enum(w, v, p, callback.Estimators, "an estimator")) },
				"defaultHandleTime": func(v *yaml.Node, p string) {
					setIf(&e.DefaultHandleTime)(w.duration(v, p, minPositiveDuration, noMaxDuration))
				},
				"defaultAgents": func(v *yaml.Node, p string) { setIf(&e.DefaultAgents)(w.integer(v, p, 1, maxCount)) },
				"multiplicationFactor": func(v *yaml.Node, p string) {
					setIf(&e.MultiplicationFactor)(w.integer(v, p, 0, maxMultiplication))
				},
				"statistic": func(v *yaml.Node, p string) {
					if s, ok := enum(w, v, p, Statistics, "a statistic"); ok {
						e.Median = s == StatisticMedian
					}
				},
				"minAnswers": func(v *yaml.Node, p string) { setIf(&e.MinAnswers)(w.integer(v, p, 1, 100000)) },
				"smoothing":  func(v *yaml.Node, p string) { setIf(&e.Smoothing)(w.duration(v, p, time.Minute, 24*time.Hour)) },
			})
		},
		"launch": func(v *yaml.Node, p string) {
			l := &q.Launch
			w.object(v, p, fields{
				"lead": func(v *yaml.Node, p string) { setIf(&l.Lead)(w.duration(v, p, 0, noMaxDuration)) },
				"outboundStartTimeout": func(v *yaml.Node, p string) {
					setIf(&l.OutboundStartTimeout)(w.duration(v, p, minPositiveDuration, noMaxDuration))
				},
				"doNotCall": func(v *yaml.Node, p string) { w.doNotCall(v, p, &l.DoNotCall) },
			})
		},
		"skills": func(v *yaml.Node, p string) {
			w.object(v, p, fields{
				"holding":        func(v *yaml.Node, p string) { w.skill(v, p, &q.Skills.Holding) },
				"callback":       func(v *yaml.Node, p string) { w.skill(v, p, &q.Skills.Callback) },
				"underThreshold": func(v *yaml.Node, p string) { w.skill(v, p, &q.Skills.UnderThreshold) },
			})
		},
		"variables": func(v *yaml.Node, p string) { w.variables(v, p, path, q.Variables) },
		"dialer":    func(v *yaml.Node, p string) { q.Dialer = w.dialer(v, p) },
	})
	if present == nil {
		return nil, nil
	}
	w.require(n, path, present, "name")
	return q, nameNode
}

// skill reads an ACD skill id and device.
func (w *walker) skill(n *yaml.Node, path string, s *callback.Skill) {
	w.object(n, path, fields{
		"id":     func(v *yaml.Node, p string) { setIf(&s.ID)(w.text(v, p)) },
		"device": func(v *yaml.Node, p string) { setIf(&s.Device)(w.text(v, p)) },
	})
}

// modeSchedule reads a queue's weekly mode changes.
func (w *walker) modeSchedule(n *yaml.Node, path string) []callback.ModeChange {
	var out []callback.ModeChange
	first := map[[2]int]string{}
	for i, item := range w.list(n, path) {
		ip := index(path, i)
		var mc callback.ModeChange
		okDay, okAt, okMode := false, false, false
		present := w.object(item, ip, fields{
			"day": func(v *yaml.Node, p string) {
				s, ok := w.text(v, p)
				if !ok {
					return
				}
				d, err := schedule.ParseWeekday(s)
				if err != nil {
					w.report(deref(v), p, "%v", err)
					return
				}
				mc.Day, okDay = d, true
			},
			"at":   func(v *yaml.Node, p string) { mc.At, okAt = w.clockTime(v, p) },
			"mode": func(v *yaml.Node, p string) { mc.Mode, okMode = enum(w, v, p, callback.Modes, "an operation mode") },
		})
		w.require(item, ip, present, "day", "at", "mode")
		if !okDay || !okAt || !okMode {
			continue
		}
		k := [2]int{int(mc.Day), int(mc.At)}
		if f, dup := first[k]; dup {
			w.report(deref(item), ip, "another change is already scheduled for %s %s (%s)", schedule.WeekdayKey(mc.Day), mc.At, f)
			continue
		}
		first[k] = ip
		out = append(out, mc)
	}
	return out
}

// businessHours reads the weekly hours; a present section starts closed.
// clockTime reads a moment of the day, "HH:MM" from 00:00 to 23:59.
func (w *walker) clockTime(v *yaml.Node, p string) (schedule.TimeOfDay, bool) {
	s, ok := w.text(v, p)
	if !ok {
		return 0, false
	}
	at, err := schedule.ParseTimeOfDay(s)
	if err == nil && at >= schedule.EndOfDay {
		err = fmt.Errorf("%q is not a time of day (00:00 to 23:59)", s)
	}
	if err != nil {
		w.report(deref(v), p, "%v", err)
		return 0, false
	}
	return at, true
}

// doNotCall reads a daily do-not-call window: from and to, which may span
// midnight but may not be equal.
func (w *walker) doNotCall(n *yaml.Node, path string, d *callback.DoNotCall) {
	var from, to schedule.TimeOfDay
	var okFrom, okTo bool
	present := w.object(n, path, fields{
		"from": func(v *yaml.Node, p string) { from, okFrom = w.clockTime(v, p) },
		"to":   func(v *yaml.Node, p string) { to, okTo = w.clockTime(v, p) },
	})
	w.require(n, path, present, "from", "to")
	if !okFrom || !okTo {
		return
	}
	if from == to {
		w.report(deref(n), path, "from and to are both %s: the window would be empty; leave doNotCall out for none", from)
		return
	}
	*d = callback.DoNotCall{From: from, To: to}
}

func (w *walker) businessHours(n *yaml.Node, path string, week *schedule.Week) {
	var got schedule.Week
	fs := fields{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		fs[schedule.WeekdayKey(d)] = func(v *yaml.Node, p string) { got[d] = w.day(v, p) }
	}
	if w.object(n, path, fs) != nil {
		*week = got
	}
}

// day reads one day's open windows, sorted, refusing overlaps.
func (w *walker) day(n *yaml.Node, path string) []schedule.Window {
	type at struct {
		win  schedule.Window
		path string
		node *yaml.Node
	}
	var wins []at
	for i, item := range w.list(n, path) {
		p := index(path, i)
		s, ok := w.text(item, p)
		if !ok {
			continue
		}
		win, err := schedule.ParseWindow(s)
		if err != nil {
			w.report(deref(item), p, "%v", err)
			continue
		}
		wins = append(wins, at{win, p, deref(item)})
	}
	slices.SortStableFunc(wins, func(a, b at) int { return int(a.win.Open) - int(b.win.Open) })
	var out []schedule.Window
	for i, x := range wins {
		if i > 0 && x.win.Open < wins[i-1].win.Close {
			w.report(x.node, x.path, "%q overlaps %q", x.win.String(), wins[i-1].win.String())
			continue
		}
		out = append(out, x.win)
	}
	return out
}

// holidays reads a queue's holidays.
func (w *walker) holidays(n *yaml.Node, path string, h *schedule.Holidays) {
	w.object(n, path, fields{
		"dates": func(v *yaml.Node, p string) {
			h.Dates = nil
			for i, item := range w.list(v, p) {
				ip := index(p, i)
				s, ok := w.text(item, ip)
				if !ok {
					continue
				}
				d, err := schedule.ParseDate(s)
				if err != nil {
					w.report(deref(item), ip, "%v", err)
					continue
				}
				h.Dates = append(h.Dates, d)
			}
		},
		"calendar": func(v *yaml.Node, p string) {
			s, ok := w.text(v, p)
			if !ok || s == "" {
				return
			}
			c, err := schedule.ParseCalendar(s)
			if err != nil {
				w.report(deref(v), p, "%v", err)
				return
			}
			h.Calendar = c
		},
	})
}

// variables reads a queue's free IVR variables over their defaults.
func (w *walker) variables(n *yaml.Node, path, queuePath string, into map[string]string) {
	n = w.node(n)
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		w.report(n, path, "must be a mapping of variable names to values, not %s", kindName(n))
		return
	}
	for _, p := range w.pairs(n, path, 0) {
		kp := join(path, p.name)
		def, ok := callback.LookupVariable(p.name)
		switch {
		case !ok:
			w.report(p.key, kp, "unknown variable%s", suggestVariable(p.name))
		case def.IsBound() && strings.HasPrefix(def.Bound, "segments[]."):
			w.report(p.key, kp, "%s comes from each segment's %s; set that instead", def.Name, strings.TrimPrefix(def.Bound, "segments[]."))
		case def.IsBound():
			w.report(p.key, kp, "%s comes from %s; set %s instead", def.Name, def.Bound, join(queuePath, def.Bound))
		default:
			if s, ok := w.text(p.value, kp); ok {
				into[p.name] = s
			}
		}
	}
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
