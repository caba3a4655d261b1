package ptk

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

// The WSDL's address has the scheme the client used: a TLS connection is
// https whatever its headers claim.
func TestLocationScheme(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		tls       bool
		forwarded string
		want      string
	}{
		{"plain", false, "", "http://pbx.local:8080/ptk"},
		{"behind a TLS proxy", false, "https", "https://pbx.local:8080/ptk"},
		{"TLS", true, "", "https://pbx.local:8080/ptk"},
		{"TLS with a header that says http", true, "http", "https://pbx.local:8080/ptk"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "http://pbx.local:8080/ptk?wsdl", nil)
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if tc.forwarded != "" {
				r.Header.Set("X-Forwarded-Proto", tc.forwarded)
			}
			if got := locationOf(r); got != tc.want {
				t.Errorf("locationOf = %s, want %s", got, tc.want)
			}
		})
	}
}
