// Package smstemplate holds the language of an SMS gateway's body template:
// the default body and the parser with the functions a template may call.
// The configuration and the domain parse a body to refuse a broken one when
// the settings are loaded; internal/dispatch parses it to render messages.
// Keeping it here lets both sides share it without config depending on the
// delivery worker.
package smstemplate

import (
	"encoding/json"
	"text/template"
	"time"
)

// Default is the body template of a gateway whose configuration names none.
const Default = `{"to": {{json .Contact}}, "text": {{json .Text}}}`

// funcs are the functions a body template may call, besides
// text/template's own (printf, urlquery, html, eq...):
//
//	json V            V as JSON (a quoted, escaped string for text)
//	formatTime L T    time T in layout L ("15:04", "Mon 2 Jan 15:04")
//	minutes S         S seconds in whole minutes, rounded up
var funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"formatTime": func(layout string, t time.Time) string { return t.Format(layout) },
	"minutes":    func(s int64) int64 { return (s + 59) / 60 },
}

// Parse parses an SMS body template. A missing key is an error when the
// template runs, so a misspelt field fails loudly instead of sending "<no value>".
func Parse(body string) (*template.Template, error) {
	return template.New("sms").Funcs(funcs).Option("missingkey=error").Parse(body)
}
