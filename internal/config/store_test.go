package config

import (
	"slices"
	"strings"
	"testing"
)

// The store section takes a PostgreSQL URL, written as is or read from the
// environment; anything else is refused without repeating it (a URL may
// hold a password).
func TestStoreSection(t *testing.T) {
	t.Parallel()
	const bad = "store.url: must be a PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE, several HOST:PORT allowed), or empty for SQLite in the data folder"
	cases := []struct {
		name, store string
		env         map[string]string
		wantURL     string
		wantIssues  []string
	}{
		{"absent: SQLite", "", nil, "", nil},
		{"empty: SQLite", "store: {url: ''}\n", nil, "", nil},
		{"a URL", "store: {url: 'postgres://holdline:s3cret@db1:5432,db2:5432/holdline?target_session_attrs=read-write'}\n", nil,
			"postgres://holdline:s3cret@db1:5432,db2:5432/holdline?target_session_attrs=read-write", nil},
		{"the other scheme", "store: {url: 'postgresql://db/h'}\n", nil, "postgresql://db/h", nil},
		{"from the environment", "store: {url: 'env:HOLDLINE_DB'}\n", map[string]string{"HOLDLINE_DB": "postgres://u:p@db/h"}, "postgres://u:p@db/h", nil},
		{"an unset variable", "store: {url: 'env:HOLDLINE_DB'}\n", nil, "", []string{`store.url: the environment variable HOLDLINE_DB (named by "env:HOLDLINE_DB") is not set`}},
		{"another engine", "store: {url: 'mysql://root:hunter2@db/h'}\n", nil, "", []string{bad}},
		{"a scheme alone", "store: {url: 'postgres://'}\n", nil, "", []string{bad}},
		{"an unknown key", "store: {dsn: 'postgres://db/h'}\n", nil, "", []string{`store.dsn: unknown key; expected one of: url`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, issues := decodeWith(append(doc("", ""), tc.store...), nil, env(tc.env))
			got := issueStrings(issues)
			if !slices.Equal(got, tc.wantIssues) {
				t.Fatalf("issues %q, want %q", got, tc.wantIssues)
			}
			for _, msg := range got {
				if strings.Contains(msg, "hunter2") {
					t.Errorf("the message repeats the password: %q", msg)
				}
			}
			if len(tc.wantIssues) == 0 && c.Store.URL != tc.wantURL {
				t.Errorf("URL %q, want %q", c.Store.URL, tc.wantURL)
			}
		})
	}
}
