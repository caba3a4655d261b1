package config

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// The schema of the store section: which engine `holdline serve` keeps its
// data in.

// Store names the database `holdline serve` runs on; its --store flag and
// the HOLDLINE_STORE environment variable override it.
type Store struct {
	// URL is a PostgreSQL URL (postgres:// or postgresql://, several hosts
	// allowed); empty keeps the data in SQLite, in serve's --data folder.
	URL string
}

// StoreSchemes are the URL schemes the store section takes.
var StoreSchemes = []string{"postgres://", "postgresql://"}

// ValidStoreURL reports whether u is a URL the store section takes (empty
// included: SQLite).
func ValidStoreURL(u string) bool {
	if u == "" {
		return true
	}
	for _, s := range StoreSchemes {
		if strings.HasPrefix(strings.ToLower(u), s) && len(u) > len(s) {
			return true
		}
	}
	return false
}

// store reads the store section. The URL, which may carry a password, may
// be written env:NAME.
func (w *walker) store(n *yaml.Node, path string, s *Store) {
	w.object(n, path, fields{
		"url": func(v *yaml.Node, p string) {
			u, ok := w.secret(v, p)
			if !ok {
				return
			}
			if !ValidStoreURL(u) {
				// The value is not repeated: it may hold a password.
				w.report(deref(v), p, "must be a PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE, several HOST:PORT allowed), or empty for SQLite in the data folder")
				return
			}
			s.URL = u
		},
	})
}
