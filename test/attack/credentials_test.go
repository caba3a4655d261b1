package attack

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"testing"
	"time"
)

// The attacks on the credentials (docs/ptk.md, Credentials): none, a wrong
// password, a stale Created time, a replayed nonce, and an address trying
// passwords until the failed-authentication limit answers 429.

const (
	wsseNS      = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	wsuNS       = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	digestType  = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
	wrongSecret = "not-the-password-0"
)

var (
	// failedAuth is the SOAP 1.1 answer to a request without a good credential.
	failedAuth = want{status: 401, fault: "soap:Client.Authentication"}
	// tooManySOAP is the SOAP answer to an address over its rate.
	tooManySOAP = want{status: 429, fault: "soap:Server", says: "too many requests from this client: retry after"}
)

func credentialAttacks() []attack {
	state := soap11(segmentState)
	wrong := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(ptkUser+":"+wrongSecret))
	return []attack{
		{name: "no credential", req: request{path: "/ptk", header: []string{textXML}, body: []byte(state)},
			want: failedAuth.saying("authentication failed: credentials are required")},
		{name: "a wrong password (Basic)", req: request{path: "/ptk", header: []string{textXML, wrong}, body: []byte(state)},
			want: failedAuth.saying("authentication failed: unknown username or wrong password")},
		{name: "a wrong password (Basic), SOAP 1.2", req: request{path: "/ptk", header: []string{soapXML, wrong}, body: []byte(soap12(segmentState))},
			want: want{status: 401, fault: "soap:Sender", subcode: "wsse:FailedAuthentication", says: "unknown username or wrong password"}},
		{name: "a wrong password (UsernameToken digest)", req: request{path: "/ptk", header: []string{textXML},
			body: []byte(withToken(wrongSecret, newNonce(), time.Now()))},
			want: failedAuth.saying("unknown username or wrong password")},
		{name: "a stale Created (10 minutes ago)", req: request{path: "/ptk", header: []string{textXML},
			body: []byte(withToken(ptkPassword, newNonce(), time.Now().Add(-10*time.Minute)))},
			want: failedAuth.saying("the security header has expired")},
		{name: "a Created 10 minutes ahead, SOAP 1.2", req: request{path: "/ptk", header: []string{soapXML},
			body: []byte(withToken12(ptkPassword, newNonce(), time.Now().Add(10*time.Minute)))},
			want: want{status: 401, fault: "soap:Sender", subcode: "wsse:MessageExpired", says: "the security header has expired"}},
		{name: "a replayed nonce", run: replay, want: failedAuth.saying("the Nonce was used before (a replay)")},
		{name: "passwords tried from one address", run: bruteForce, want: tooManySOAP},
		{name: "bearer tokens tried from one address", run: bruteForceTokens,
			want: want{status: 429, name: "TooManyRequests", says: "too many requests from this client: retry after"}},
	}
}

// newNonce is 16 random bytes.
func newNonce() []byte {
	n := make([]byte, 16)
	_, _ = rand.Read(n)
	return n
}

// usernameToken is a WS-Security header with a PasswordDigest of password.
func usernameToken(password string, nonce []byte, created time.Time) string {
	at := created.UTC().Format("2006-01-02T15:04:05Z")
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(at))
	h.Write([]byte(password))
	return `<soap:Header><wsse:Security xmlns:wsse="` + wsseNS + `" xmlns:wsu="` + wsuNS + `"><wsse:UsernameToken>` +
		`<wsse:Username>` + ptkUser + `</wsse:Username>` +
		`<wsse:Password Type="` + digestType + `">` + base64.StdEncoding.EncodeToString(h.Sum(nil)) + `</wsse:Password>` +
		`<wsse:Nonce>` + base64.StdEncoding.EncodeToString(nonce) + `</wsse:Nonce><wsu:Created>` + at + `</wsu:Created>` +
		`</wsse:UsernameToken></wsse:Security></soap:Header>`
}

// withToken and withToken12 are GetSegmentState with a UsernameToken.
func withToken(password string, nonce []byte, created time.Time) string {
	return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">` + usernameToken(password, nonce, created) +
		`<soap:Body>` + segmentState + `</soap:Body></soap:Envelope>`
}

func withToken12(password string, nonce []byte, created time.Time) string {
	return `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">` + usernameToken(password, nonce, created) +
		`<soap:Body>` + segmentState + `</soap:Body></soap:Envelope>`
}

// replay sends a good digest, then the same request again.
func replay(t *testing.T, s *target) *answer {
	r := request{path: "/ptk", header: []string{textXML}, body: []byte(withToken(ptkPassword, newNonce(), time.Now()))}
	s.send(t, r).check(t, want{status: 200, code: 107000, says: "The platform completed the request."})
	return s.send(t, r)
}

// bruteForce tries wrong passwords from one address: the first
// failedAuthBurst are answered 401, then 429 comes (the bucket refills one
// failure a second, so a slow machine may see one 401 more per second
// elapsed); after it, even the right password from that address is 429,
// refused before it is checked.
func bruteForce(t *testing.T, s *target) *answer {
	client := nextClient()
	wrong := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(ptkUser+":"+wrongSecret))
	try := func(auth string) *answer {
		r := request{path: "/ptk", header: []string{textXML, auth}, body: []byte(soap11(segmentState))}
		return s.exchange(t, r.wire(client))
	}
	return triedUntil429(t, func() *answer { return try(wrong) }, failedAuth.saying("unknown username or wrong password"),
		func() *answer { return try(basicAuth) })
}

// bruteForceTokens tries bearer tokens from one address.
func bruteForceTokens(t *testing.T, s *target) *answer {
	client := nextClient()
	r := request{method: "GET", path: "/api/v1/tenants/" + tenantA + "/queues/" + queue, header: []string{"Authorization: Bearer a-guessed-token-000001"}}
	return triedUntil429(t, func() *answer { return s.exchange(t, r.wire(client)) },
		want{status: 401, name: "Unauthorized", says: "a valid bearer token is required"}, nil)
}

// triedUntil429 makes failing tries until one is answered 429, checking
// the ones before (refused) and how many there were; then, if right is
// given, makes it and returns its answer, else the 429's.
func triedUntil429(t *testing.T, try func() *answer, refused want, right func() *answer) *answer {
	t.Helper()
	begin := time.Now()
	for n := 1; ; n++ {
		a := try()
		if a.status != 429 {
			a.check(t, refused)
			// One more failure is let through for each second elapsed.
			if limit := failedAuthBurst + 1 + int(time.Since(begin).Seconds()); n > limit {
				t.Fatalf("%d failures answered %d, none 429 (burst %d)", n, a.status, failedAuthBurst)
			}
			continue
		}
		if n <= failedAuthBurst {
			t.Fatalf("429 at try %d, within the burst of %d", n, failedAuthBurst)
		}
		t.Logf("429 at try %d after %s", n, time.Since(begin))
		if right == nil {
			return a
		}
		return right()
	}
}
