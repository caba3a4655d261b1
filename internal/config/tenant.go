package config

import (
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

// numbering reads a tenant's contact rules.
func (w *walker) numbering(n *yaml.Node, path string, r *contact.Rules) {
	w.object(n, path, fields{
		"profile": func(v *yaml.Node, p string) {
			setIf(&r.Profile)(enum(w, v, p, []contact.Profile{contact.E164, contact.Extension}, "a numbering profile"))
		},
		"minLength":          func(v *yaml.Node, p string) { setIf(&r.MinLength)(w.number(v, p)) },
		"maxLength":          func(v *yaml.Node, p string) { setIf(&r.MaxLength)(w.number(v, p)) },
		"allowInternational": func(v *yaml.Node, p string) { setIf(&r.AllowInternational)(w.boolean(v, p)) },
		"blocked":            func(v *yaml.Node, p string) { r.Blocked = w.textList(v, p, callback.CheckNumber) },
		"blockedPrefixes":    func(v *yaml.Node, p string) { r.BlockedPrefixes = w.textList(v, p, callback.CheckNumber) },
	})
}

// licenses reads a tenant's licence entitlement.
func (w *walker) licenses(n *yaml.Node, path string) *license.Config {
	c := callback.NewLicenses()
	present := w.object(n, path, fields{
		"inbound":          func(v *yaml.Node, p string) { setIf(&c.Inbound)(w.number(v, p)) },
		"nonVoice":         func(v *yaml.Node, p string) { setIf(&c.NonVoice)(w.number(v, p)) },
		"outbound":         func(v *yaml.Node, p string) { setIf(&c.Outbound)(w.number(v, p)) },
		"scheduled":        func(v *yaml.Node, p string) { setIf(&c.Scheduled)(w.boolean(v, p)) },
		"minimumThreshold": func(v *yaml.Node, p string) { setIf(&c.MinimumThreshold)(w.number(v, p)) },
		"bandwidthLimit":   func(v *yaml.Node, p string) { setIf(&c.BandwidthLimit)(w.number(v, p)) },
		"bandwidthPeriod": func(v *yaml.Node, p string) {
			setIf(&c.BandwidthPeriod)(w.duration(v, p))
		},
		"voiceApplications": func(v *yaml.Node, p string) {
			if apps := w.textList(v, p, callback.CheckSourceApplication); len(apps) > 0 {
				c.VoiceApplications = apps
			}
		},
	})
	if present == nil {
		return nil
	}
	return c
}

// callInfos reads a tenant's ModifyInteraction result codes, one for each
// item (so the domain's paths are the file's).
func (w *walker) callInfos(n *yaml.Node, path string) []callback.CallInfo {
	var out []callback.CallInfo
	for i, item := range w.list(n, path) {
		var ci callback.CallInfo
		ip, before := index(path, i), len(w.issues)
		w.object(item, ip, fields{
			"code": func(v *yaml.Node, p string) { setIf(&ci.Code)(w.name(v, p)) },
			"type": func(v *yaml.Node, p string) {
				setIf(&ci.Type)(enum(w, v, p, callback.CallInfoTypes, "a call info type"))
			},
		})
		if len(w.issues) > before {
			// A code whose entry is broken is not a code (nor a duplicate).
			ci.Code = ""
			w.unread[ip] = true
		}
		out = append(out, ci)
	}
	return out
}

// systemVariables reads a tenant's system variables, keeping their order.
func (w *walker) systemVariables(n *yaml.Node, path string) []callback.Variable {
	var out []callback.Variable
	for i, item := range w.list(n, path) {
		var v callback.Variable
		w.object(item, index(path, i), fields{
			"name":  func(n *yaml.Node, p string) { setIf(&v.Name)(w.name(n, p)) },
			"value": func(n *yaml.Node, p string) { setIf(&v.Value)(w.text(n, p)) },
		})
		out = append(out, v)
	}
	return out
}
