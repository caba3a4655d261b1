package config

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/callback"
)

// A queue and what it holds: its mode, thresholds, launching, retries,
// appointments, EWT, skills and IVR variables.

// queue reads one queue; it returns nil only when the walk's budget is spent.
func (w *walker) queue(n *yaml.Node, path string) *callback.Queue {
	if !w.spend(queueCost) {
		return nil
	}
	q := callback.NewQueue("")
	w.object(n, path, fields{
		"name":         func(v *yaml.Node, p string) { setIf(&q.Name)(w.name(v, p)) },
		"mode":         func(v *yaml.Node, p string) { setIf(&q.Mode)(enum(w, v, p, callback.Modes, "an operation mode")) },
		"modeSchedule": func(v *yaml.Node, p string) { q.ModeSchedule = w.modeSchedule(v, p) },
		"holidayMode": func(v *yaml.Node, p string) {
			setIf(&q.HolidayMode)(enum(w, v, p, callback.Modes, "an operation mode"))
		},
		"queueMode": func(v *yaml.Node, p string) { setIf(&q.QueueMode)(enum(w, v, p, callback.QueueModes, "a queue mode")) },
		"turnOnThreshold": func(v *yaml.Node, p string) {
			setIf(&q.TurnOnThreshold)(w.duration(v, p))
		},
		"smartPurge": func(v *yaml.Node, p string) {
			w.object(v, p, fields{
				"enabled":     func(v *yaml.Node, p string) { setIf(&q.SmartPurge.Enabled)(w.boolean(v, p)) },
				"drainMargin": func(v *yaml.Node, p string) { setIf(&q.SmartPurge.DrainMargin)(w.duration(v, p)) },
			})
		},
		"smartCallBlockThreshold": func(v *yaml.Node, p string) {
			setIf(&q.SmartCallBlockThreshold)(w.duration(v, p))
		},
		"callbackDoubleCheck": func(v *yaml.Node, p string) { setIf(&q.CallbackDoubleCheck)(w.boolean(v, p)) },
		"secondChance": func(v *yaml.Node, p string) {
			w.object(v, p, fields{
				"enabled":   func(v *yaml.Node, p string) { setIf(&q.SecondChance.Enabled)(w.boolean(v, p)) },
				"threshold": func(v *yaml.Node, p string) { setIf(&q.SecondChance.Threshold)(w.duration(v, p)) },
			})
		},
		"businessHours": func(v *yaml.Node, p string) { w.businessHours(v, p, &q.BusinessHours) },
		"holidays":      func(v *yaml.Node, p string) { w.holidays(v, p, &q.Holidays) },
		"appointments": func(v *yaml.Node, p string) {
			a := &q.Appointments
			w.object(v, p, fields{
				"enabled":     func(v *yaml.Node, p string) { setIf(&a.Enabled)(w.boolean(v, p)) },
				"slotLength":  func(v *yaml.Node, p string) { setIf(&a.SlotLength)(w.duration(v, p)) },
				"capacity":    func(v *yaml.Node, p string) { setIf(&a.Capacity)(w.number(v, p)) },
				"horizonDays": func(v *yaml.Node, p string) { setIf(&a.HorizonDays)(w.number(v, p)) },
			})
		},
		"retries": func(v *yaml.Node, p string) {
			r := &q.Retries
			w.object(v, p, fields{
				"busy":             func(v *yaml.Node, p string) { setIf(&r.Busy)(w.number(v, p)) },
				"noAnswer":         func(v *yaml.Node, p string) { setIf(&r.NoAnswer)(w.number(v, p)) },
				"answeringMachine": func(v *yaml.Node, p string) { setIf(&r.AnsweringMachine)(w.number(v, p)) },
				"tryAgain":         func(v *yaml.Node, p string) { setIf(&r.TryAgain)(w.number(v, p)) },
				"total":            func(v *yaml.Node, p string) { setIf(&r.Total)(w.number(v, p)) },
				"wait":             func(v *yaml.Node, p string) { setIf(&r.Wait)(w.duration(v, p)) },
			})
		},
		"ewt": func(v *yaml.Node, p string) {
			e := &q.EWT
			w.object(v, p, fields{
				"estimator": func(v *yaml.Node, p string) { setIf(&e.Estimator)(enum(w, v, p, callback.Estimators, "an estimator")) },
				"defaultHandleTime": func(v *yaml.Node, p string) {
					setIf(&e.DefaultHandleTime)(w.duration(v, p))
				},
				"defaultAgents": func(v *yaml.Node, p string) { setIf(&e.DefaultAgents)(w.number(v, p)) },
				"multiplicationFactor": func(v *yaml.Node, p string) {
					setIf(&e.MultiplicationFactor)(w.number(v, p))
				},
				"statistic": func(v *yaml.Node, p string) {
					if s, ok := enum(w, v, p, Statistics, "a statistic"); ok {
						e.Median = s == StatisticMedian
					}
				},
				"minAnswers": func(v *yaml.Node, p string) { setIf(&e.MinAnswers)(w.number(v, p)) },
				"smoothing":  func(v *yaml.Node, p string) { setIf(&e.Smoothing)(w.duration(v, p)) },
			})
		},
		"launch": func(v *yaml.Node, p string) {
			l := &q.Launch
			w.object(v, p, fields{
				"lead": func(v *yaml.Node, p string) { setIf(&l.Lead)(w.duration(v, p)) },
				"outboundStartTimeout": func(v *yaml.Node, p string) {
					setIf(&l.OutboundStartTimeout)(w.duration(v, p))
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
	return q
}

// skill reads an ACD skill id and device.
func (w *walker) skill(n *yaml.Node, path string, s *callback.Skill) {
	w.object(n, path, fields{
		"id":     func(v *yaml.Node, p string) { setIf(&s.ID)(w.text(v, p)) },
		"device": func(v *yaml.Node, p string) { setIf(&s.Device)(w.text(v, p)) },
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
