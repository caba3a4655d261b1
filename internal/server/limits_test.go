package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/server"
	"github.com/holdline/holdline/internal/throttle"
)

// Rate limits through the real server (issue #9): a client over its rate
// is answered 429 with Retry-After on each front, in that front's shape,
// and counted; loopback is never limited.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	const (
		tokenA, tokenB = "token-of-client-a-0001", "token-of-client-b-0002"
		password       = "the-ivr-password"
	)
	sec, err := access.ParseSecret(password)
	if err != nil {
		t.Fatal(err)
	}
	s, _, _ := newServerOn(t, false, func(c *server.Config) {
		c.Tokens = access.NewTokens([]access.Token{
			{Name: "a", SHA256: sha256.Sum256([]byte(tokenA)), Tenants: []string{"*"}, Permissions: access.AllPermissions},
			{Name: "b", SHA256: sha256.Sum256([]byte(tokenB)), Tenants: []string{"*"}, Permissions: access.AllPermissions},
		})
		c.Credentials = access.NewCredentials([]access.Credential{{Name: "ivr", Username: "ivr", Secret: sec,
			Tenants: []string{"*"}, Permissions: access.AllPermissions, Schemes: access.AllSchemes}}, nil)
		// Slow enough that no token comes back during the test.
		c.Limiter = throttle.New(throttle.Config{
			Principal: throttle.Rate{PerSecond: 0.001, Burst: 2}, Address: throttle.Rate{PerSecond: 0.001, Burst: 2},
			FailedAuth: throttle.Rate{PerSecond: 0.001, Burst: 2},
			// The test's requests come from loopback, never limited, through a
			// "proxy" that names the client.
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		}, nil, c.Metrics)
	})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	send := func(method, path, client string, header map[string]string, body string) (answer, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if client != "" {
			req.Header.Set("X-Forwarded-For", client)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return answer{resp.StatusCode, resp.Header}, string(raw)
	}
	queue := "/api/v1/tenants/VHT/queues/VHT_Test"
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	soap := `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetVersion xmlns="urn:holdline:ptk"/></soap:Body></soap:Envelope>`
	basic := func(user, pw string) map[string]string {
		return map[string]string{"Content-Type": "text/xml", "Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))}
	}
	expect := func(what string, resp answer, body string, code int, has string) {
		t.Helper()
		if resp.StatusCode != code || !strings.Contains(body, has) {
			t.Fatalf("%s: %d %s, want %d with %q", what, resp.StatusCode, body, code, has)
		}
		if code == 429 && resp.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: 429 without Retry-After", what)
		}
	}

	// The JSON API: per token.
	for range 2 {
		r, b := send("GET", queue, "203.0.113.1", bearer(tokenA), "")
		expect("token a within its burst", r, b, 200, `"queue"`)
	}
	r, b := send("GET", queue, "203.0.113.1", bearer(tokenA), "")
	expect("token a past its burst", r, b, 429, `"name":"TooManyRequests"`)
	r, b = send("GET", queue, "203.0.113.1", bearer(tokenB), "")
	expect("token b from the same address", r, b, 200, `"queue"`)
	// Failed authentications: 401 within the burst, then 429.
	for range 2 {
		r, b = send("GET", queue, "203.0.113.2", bearer("a-wrong-token-0000000"), "")
		expect("a wrong token", r, b, 401, "Unauthorized")
	}
	r, b = send("GET", queue, "203.0.113.2", bearer("a-wrong-token-0000000"), "")
	expect("a wrong token past the failures allowed", r, b, 429, "TooManyRequests")

	// The SOAP PTK: per credential, and an address that failed too often
	// is refused before its credentials are checked.
	for range 2 {
		r, b = send("POST", "/ptk", "198.51.100.1", basic("ivr", password), soap)
		expect("the credential within its burst", r, b, 200, "<Code>107000</Code>")
	}
	r, b = send("POST", "/ptk", "198.51.100.1", basic("ivr", password), soap)
	expect("the credential past its burst", r, b, 429, "<faultcode>soap:Server</faultcode>")
	for range 2 {
		r, b = send("POST", "/ptk", "198.51.100.2", basic("ivr", "wrong-password"), soap)
		expect("a wrong password", r, b, 401, "Client.Authentication")
	}
	r, b = send("POST", "/ptk", "198.51.100.2", basic("ivr", password), soap)
	expect("the right password from an address that failed too often", r, b, 429, "too many requests")
	r, b = send("POST", "/ptk", "198.51.100.3", basic("ivr", "wrong-password"), soap)
	expect("another address is not blocked", r, b, 401, "Client.Authentication")
	// A direct client on loopback is never limited.
	for range 5 {
		r, b = send("GET", queue, "", bearer(tokenA), "")
		expect("loopback", r, b, 200, `"queue"`)
	}
	// Counted in /metrics.
	_, exposition := send("GET", "/metrics", "", nil, "")
	for _, line := range []string{
		`holdline_rate_limited_total{class="principal",front="api"} 1`,
		`holdline_rate_limited_total{class="failedAuth",front="api"} 1`,
		`holdline_rate_limited_total{class="principal",front="ptk"} 1`,
		`holdline_rate_limited_total{class="failedAuth",front="ptk"} 1`,
	} {
		if !strings.Contains(exposition, line) {
			t.Errorf("/metrics lacks %s", line)
		}
	}
}

// answer is what the tests read of a response, once its body is read.
type answer struct {
	StatusCode int
	Header     http.Header
}

// Without credentials, the open fronts are limited per address.
func TestRateLimitsWithoutCredentials(t *testing.T) {
	t.Parallel()
	s, _, _ := newServerOn(t, false, func(c *server.Config) {
		c.Limiter = throttle.New(throttle.Config{Address: throttle.Rate{PerSecond: 0.001, Burst: 1},
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}, nil, nil)
	})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	get := func(path, client string) answer {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("X-Forwarded-For", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return answer{resp.StatusCode, resp.Header}
	}
	for _, path := range []string{"/ptk?wsdl", "/api/v1/tenants/VHT/queues/VHT_Test"} {
		if r := get(path, "192.0.2.50"); r.StatusCode != 200 {
			t.Fatalf("%s first: %d", path, r.StatusCode)
		}
		if r := get(path, "192.0.2.50"); r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
			t.Fatalf("%s second: %d %v", path, r.StatusCode, r.Header)
		}
		if r := get(path, "192.0.2.51"); r.StatusCode != 200 {
			t.Fatalf("%s from another address: %d", path, r.StatusCode)
		}
	}
}
