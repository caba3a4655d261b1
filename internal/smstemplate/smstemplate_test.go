package smstemplate

import (
	"bytes"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		data       any
		want       string // rendered body; "" when Parse must fail
	}{
		{"default", Default, map[string]any{"Contact": "+15551234", "Text": `Say "hi"`}, `{"to": "+15551234", "text": "Say \"hi\""}`},
		{"minutes rounds up", `{{minutes .S}}`, map[string]any{"S": int64(61)}, "2"},
		{"formatTime", `{{formatTime "15:04" .T}}`, map[string]any{"T": time.Date(2026, 1, 2, 9, 30, 0, 0, time.UTC)}, "09:30"},
		{"unclosed action", `{{json .Contact`, nil, ""},
		{"unknown function", `{{shout .Text}}`, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tmpl, err := Parse(tc.body)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Parse(%q) accepted a broken template", tc.body)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := tmpl.Execute(&b, tc.data); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got %s, want %s", b.String(), tc.want)
			}
		})
	}
}

func TestMissingKeyIsAnError(t *testing.T) {
	t.Parallel()
	tmpl, err := Parse(`{{.Nope}}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := tmpl.Execute(&bytes.Buffer{}, map[string]any{}); err == nil {
		t.Fatal("a missing key rendered without error")
	}
}
