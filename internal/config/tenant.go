package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/contact"
	"github.com/holdline/holdline/internal/license"
)

// A tenant's own keys: its time zone, numbering, licences, call results and
// system variables.

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
