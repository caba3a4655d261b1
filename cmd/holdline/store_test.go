package main

import (
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/config"
)

// --store wins over HOLDLINE_STORE, which wins over store.url; none is
// SQLite; another engine's URL is refused without being repeated.
func TestStoreURLPrecedence(t *testing.T) {
	t.Parallel()
	const a, b, c = "postgres://a/h", "postgres://b/h", "postgresql://c/h"
	cases := []struct {
		name, flag, env, file, want, wantErr string
	}{
		{"none: SQLite", "", "", "", "", ""},
		{"the file", "", "", c, c, ""},
		{"the environment over the file", "", b, c, b, ""},
		{"the flag over both", a, b, c, a, ""},
		{"another engine in the flag", "mysql://root:hunter2@db/h", "", c, "", "--store: want a PostgreSQL URL"},
		{"another engine in the environment", "", "sqlite:///tmp/x", "", "", storeEnv + ": want a PostgreSQL URL"},
	}
	for _, tc := range cases {
		getenv := func(name string) string {
			if name == storeEnv {
				return tc.env
			}
			return ""
		}
		got, err := storeURL(tc.flag, config.Store{URL: tc.file}, getenv)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "hunter2")):
			t.Errorf("%s: %v, want an error saying %q without the URL", tc.name, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}
