package ptk_test

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/server"
)

// PTK credentials on the SOAP front (issue #9, acceptance 2, on the wire;
// test/interop drives zeep and node-soap the same way).

const (
	ivrUser     = "ivr-east"
	ivrPassword = "the-ivr-password"
)

func withCredentials(t *testing.T) func(*server.Config) {
	t.Helper()
	sec, err := access.ParseSecret(ivrPassword)
	if err != nil {
		t.Fatal(err)
	}
	return func(c *server.Config) {
		c.Credentials = access.NewCredentials([]access.Credential{{Name: "east", Username: ivrUser, Secret: sec,
			Tenants: []string{"Portree"}, Permissions: access.AllPermissions, Schemes: access.AllSchemes}}, nil)
	}
}

// security is a WS-Security header with a UsernameToken.
func security(user, password string, digest bool, nonce string, created time.Time) string {
	c := created.UTC().Format("2006-01-02T15:04:05Z")
	typ, pw := "PasswordText", password
	if digest {
		h := sha1.New()
		h.Write([]byte(nonce))
		h.Write([]byte(c))
		h.Write([]byte(password))
		typ, pw = "PasswordDigest", base64.StdEncoding.EncodeToString(h.Sum(nil))
	}
	return `<wsse:Security soap:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">` +
		`<wsse:UsernameToken wsu:Id="UsernameToken-1"><wsse:Username>` + user + `</wsse:Username>` +
		`<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#` + typ + `">` + pw + `</wsse:Password>` +
		`<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">` + base64.StdEncoding.EncodeToString([]byte(nonce)) + `</wsse:Nonce>` +
		`<wsu:Created>` + c + `</wsu:Created></wsse:UsernameToken></wsse:Security>`
}

func withHeader(version, header, body string) string {
	ns := map[string]string{"1.1": "http://schemas.xmlsoap.org/soap/envelope/", "1.2": "http://www.w3.org/2003/05/soap-envelope"}[version]
	return `<soap:Envelope xmlns:soap="` + ns + `"><soap:Header>` + header + `</soap:Header><soap:Body>` + body + `</soap:Body></soap:Envelope>`
}

const stateOfPortree = `<GetSegmentState xmlns="urn:holdline:ptk"><data><Tenant>Portree</Tenant><Segment>VHT_Test</Segment></data></GetSegmentState>`

func TestSOAPCredentials(t *testing.T) {
	t.Parallel()
	b := setup(t, withCredentials(t))
	now := time.Now()
	basic := func(user, password string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	}
	for i, c := range []struct {
		name, version, body string
		headers             []string
		http                int
		fault               string // the fault code (1.1) or subcode (1.2); "" for an answer
	}{
		{"no credentials", "1.1", soap11(stateOfPortree), nil, 401, "soap:Client.Authentication"},
		{"no credentials, 1.2", "1.2", soap12(stateOfPortree), nil, 401, "wsse:FailedAuthentication"},
		{"basic", "1.1", soap11(stateOfPortree), []string{"Authorization", basic(ivrUser, ivrPassword)}, 200, ""},
		{"basic, wrong password", "1.1", soap11(stateOfPortree), []string{"Authorization", basic(ivrUser, "wrong-password")}, 401, "soap:Client.Authentication"},
		{"basic, wrong password, 1.2", "1.2", soap12(stateOfPortree), []string{"Authorization", basic(ivrUser, "wrong-password")}, 401, "wsse:FailedAuthentication"},
		{"basic, unknown user", "1.1", soap11(stateOfPortree), []string{"Authorization", basic("nobody", ivrPassword)}, 401, "soap:Client.Authentication"},
		{"text", "1.1", withHeader("1.1", security(ivrUser, ivrPassword, false, "nonce-text-1", now), stateOfPortree), nil, 200, ""},
		{"digest", "1.1", withHeader("1.1", security(ivrUser, ivrPassword, true, "nonce-digest-1", now), stateOfPortree), nil, 200, ""},
		{"digest, 1.2", "1.2", withHeader("1.2", security(ivrUser, ivrPassword, true, "nonce-digest-2", now), stateOfPortree), nil, 200, ""},
		{"digest replayed", "1.1", withHeader("1.1", security(ivrUser, ivrPassword, true, "nonce-digest-1", now), stateOfPortree), nil, 401, "soap:Client.Authentication"},
		{"digest, wrong password", "1.2", withHeader("1.2", security(ivrUser, "wrong-password", true, "nonce-digest-3", now), stateOfPortree), nil, 401, "wsse:FailedAuthentication"},
		{"digest, stale Created", "1.2", withHeader("1.2", security(ivrUser, ivrPassword, true, "nonce-digest-4", now.Add(-10*time.Minute)), stateOfPortree), nil, 401, "wsse:MessageExpired"},
		{"digest, stale Created, 1.1", "1.1", withHeader("1.1", security(ivrUser, ivrPassword, true, "nonce-digest-5", now.Add(-10*time.Minute)), stateOfPortree), nil, 401, "soap:Client.Authentication"},
		{"another tenant", "1.1", soap11(`<GetSegmentState xmlns="urn:holdline:ptk"><data><Tenant>VHTLab</Tenant><Segment>PTK_VHT_TEST</Segment></data></GetSegmentState>`),
			[]string{"Authorization", basic(ivrUser, ivrPassword)}, 403, "soap:Client.Authorization"},
		{"another tenant, 1.2", "1.2", soap12(`<GetSegmentState xmlns="urn:holdline:ptk"><data><Tenant>VHTLab</Tenant><Segment>PTK_VHT_TEST</Segment></data></GetSegmentState>`),
			[]string{"Authorization", basic(ivrUser, ivrPassword)}, 403, "ptk:Forbidden"},
	} {
		t.Run(fmt.Sprintf("%02d %s", i, c.name), func(t *testing.T) {
			ct := "text/xml; charset=utf-8"
			if c.version == "1.2" {
				ct = "application/soap+xml; charset=utf-8"
			}
			r := b.post(t, "/ptk", ct, c.body, c.headers...)
			if r.HTTP != c.http {
				t.Fatalf("HTTP %d, want %d\n%s", r.HTTP, c.http, r.Raw)
			}
			if c.fault == "" {
				if r.Code != 107000 {
					t.Fatalf("code %d\n%s", r.Code, r.Raw)
				}
				return
			}
			if !strings.Contains(string(r.Raw), ">"+c.fault+"<") {
				t.Fatalf("the fault is not %s:\n%s", c.fault, r.Raw)
			}
			if c.http == 401 && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Basic ") {
				t.Fatalf("401 without a Basic challenge: %v", r.Header)
			}
		})
	}
	// The WSDL stays public: clients need it to build their proxies.
	resp, err := http.Get(b.srv.URL + "/ptk?wsdl")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("WSDL = %d", resp.StatusCode)
	}
}
