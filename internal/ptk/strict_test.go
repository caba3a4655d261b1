package ptk_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/server"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// TestEnvelopeStrictness sends, through the real server, the requests the
// wire refuses since the attacker audit (a second Body, a second operation)
// and the encodings it accepts (UTF-16 with a byte-order mark, a UTF-8 mark),
// next to a normal request: each is answered with the fault of the exact
// code in the request's version, or with the operation's answer.
func TestEnvelopeStrictness(t *testing.T) {
	t.Parallel()
	const state = `<GetSegmentState><Tenant>Portree</Tenant><Segment>VHT_Test</Segment></GetSegmentState>`
	const one = "a request holds exactly one Body with exactly one operation element"
	decl := `<?xml version="1.0" encoding="UTF-16"?>`
	cases := []struct {
		name, contentType, body string
		version                 ptk.Version
		// faultCode is the fault's code; empty for an answer with RequestCompleted.
		faultCode, reason string
	}{
		{"a normal request", "text/xml", soap11(state), ptk.SOAP11, "", ""},
		{"two Bodies, SOAP 1.1", "text/xml", soap11(state)[:len(soap11(state))-len("</soap:Envelope>")] + `<soap:Body>` + state + `</soap:Body></soap:Envelope>`,
			ptk.SOAP11, "soap:Client", "the Envelope has more than one Body: " + one},
		{"two Bodies, SOAP 1.2", "application/soap+xml", soap12(state)[:len(soap12(state))-len("</soap:Envelope>")] + `<soap:Body/></soap:Envelope>`,
			ptk.SOAP12, "soap:Sender", "the Envelope has more than one Body: " + one},
		{"two operations, SOAP 1.1", "text/xml", soap11(state + `<GetVersion/>`),
			ptk.SOAP11, "soap:Client", `the Body holds more than one element ("GetVersion" after the operation "GetSegmentState"): ` + one},
		{"two operations, SOAP 1.2", "application/soap+xml", soap12(state + `<GetVersion/>`),
			ptk.SOAP12, "soap:Sender", `the Body holds more than one element ("GetVersion" after the operation "GetSegmentState"): ` + one},
		{"two bare roots", "text/xml", state + state, ptk.SOAP11, "soap:Client", "malformed XML: more than one root element"},
		{"a header block is skipped", "text/xml", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><w:Security xmlns:w="urn:w" soap:mustUnderstand="1"><w:Token>t</w:Token></w:Security></soap:Header><soap:Body>` + state + `</soap:Body></soap:Envelope>`,
			ptk.SOAP11, "", ""},
		{"UTF-16 LE declared UTF-16", "text/xml; charset=utf-16", ptk.UTF16Body(binary.LittleEndian, decl+soap11(state)), ptk.SOAP11, "", ""},
		{"UTF-16 BE, SOAP 1.2", "application/soap+xml; charset=utf-16", ptk.UTF16Body(binary.BigEndian, soap12(state)), ptk.SOAP12, "", ""},
		{"UTF-8 with a byte-order mark", "text/xml", "\xEF\xBB\xBF" + `<?xml version="1.0" encoding="utf-8"?>` + soap11(state), ptk.SOAP11, "", ""},
		{"UTF-16 declared without a byte-order mark", "text/xml", decl + soap11(state),
			ptk.SOAP11, "soap:Client", `the XML declaration's encoding "UTF-16" is not supported: send UTF-8, or UTF-16 starting with a byte-order mark`},
		{"UTF-16 with a broken surrogate", "text/xml", ptk.UTF16Body(binary.LittleEndian, `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetSegmentState>`) + "\x00\xDC",
			ptk.SOAP11, "soap:Client", "the request could not be read: invalid UTF-16: low surrogate U+DC00 without a high one"},
	}
	b := setup(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := b.post(t, "/ptk", tc.contentType, tc.body)
			if r.Env == nil || r.Env.Version != tc.version {
				t.Fatalf("HTTP %d, want an answer in %v\n%s", r.HTTP, tc.version, r.Raw)
			}
			if tc.faultCode == "" {
				if r.HTTP != 200 || r.Code != status.RequestCompleted || r.Result.Path("Data", "Segments", "Segment", "StateData") == nil {
					t.Fatalf("HTTP %d, code %s\n%s", r.HTTP, r.Code, r.Raw)
				}
				return
			}
			if r.HTTP != 500 || r.Resp.Name != "Fault" {
				t.Fatalf("HTTP %d, want a fault\n%s", r.HTTP, r.Raw)
			}
			code := r.Resp.Find("faultcode", "Value").Text
			reason := r.Resp.Find("faultstring", "Text").Text
			if code != tc.faultCode || reason != tc.reason {
				t.Fatalf("fault %s %q, want %s %q", code, reason, tc.faultCode, tc.reason)
			}
		})
	}
}

// TestFaultsRepeatABoundedPrefixOfTheInput sends half a megabyte where a
// fault quotes the client's input: the fault repeats its first 64 characters
// and its length, never the whole.
func TestFaultsRepeatABoundedPrefixOfTheInput(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("X", 500_000)
	prefix := `"` + strings.Repeat("X", status.MaxQuoted) + `…" (500000 bytes)`
	b := setup(t, withLimits(ptk.Limits{}))
	cases := []struct {
		name, body, code, reason string
	}{
		{"unknown operation", soap11("<" + long + "/>"), "soap:Client", "unknown operation " + prefix + "; known: AddInteraction, "},
		{"unknown operation, SOAP 1.2", soap12("<" + long + "/>"), "soap:Sender", "unknown operation " + prefix},
		{"second operation", soap11("<GetVersion/><" + long + "/>"), "soap:Client", "the Body holds more than one element (" + prefix},
		{"not an integer", soap11(`<GetNextAvailableAppointmentTimes><Tenant>VHTLab</Tenant><NumberOfAppointments>` + long + `</NumberOfAppointments></GetNextAvailableAppointmentTimes>`), "soap:Client", "NumberOfAppointments: " + prefix + " is not an integer"},
		{"envelope namespace", `<e:Envelope xmlns:e="` + long + `"><e:Body><GetVersion/></e:Body></e:Envelope>`, "soap:VersionMismatch", "the Envelope's namespace " + prefix},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := b.post(t, "/ptk", "text/xml", tc.body)
			if r.HTTP != 500 || r.Resp == nil || r.Resp.Name != "Fault" {
				t.Fatalf("HTTP %d, want a fault\n%.500s", r.HTTP, r.Raw)
			}
			code := r.Resp.Find("faultcode", "Value").Text
			reason := r.Resp.Find("faultstring", "Text").Text
			if code != tc.code || !strings.Contains(reason, tc.reason) || len(r.Raw) > 4096 {
				t.Fatalf("fault %s %.300q (answer of %d bytes), want %s containing %q", code, reason, len(r.Raw), tc.code, tc.reason)
			}
		})
	}
	// The JSON mirror's unknown method, from the URL path.
	code, v := postJSON(t, b, strings.Repeat("M", 5000), `{}`)
	if msg, _ := v["message"].(string); code != 404 || !strings.HasPrefix(msg, `unknown method "`+strings.Repeat("M", status.MaxQuoted)+`…" (5000 bytes); known: `) {
		t.Fatalf("HTTP %d %v", code, v)
	}
}

// userDataXML is n assignments with distinct keys; the last one nests depth-1
// lists when depth > 1.
func userDataXML(n, depth int) string {
	var b strings.Builder
	for i := range n - 1 {
		b.WriteString(ud(fmt.Sprintf("k%d", i), "<StringValue>v</StringValue>"))
	}
	last := "<StringValue>leaf</StringValue>"
	for range depth - 1 {
		last = "<ListValue>" + ud("n", last) + "</ListValue>"
	}
	b.WriteString(ud("last", last))
	return b.String()
}

// userDataJSON is the JSON mirror's form of n string assignments.
func userDataJSON(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"Key":"k%d","Value":"v"}`, i)
	}
	return "[" + strings.Join(items, ",") + "]"
}

// TestUserDataLimitsOnThePTK: the user data of a request holds at most
// userdata.MaxKeys pairs (nested lists included) and MaxDepth levels; past
// either the answer is 108040, saying which limit, on SOAP and on the JSON
// mirror; at the limits the request is done.
func TestUserDataLimitsOnThePTK(t *testing.T) {
	t.Parallel()
	b := setup(t, withLimits(ptk.Limits{}))
	add := func(contact int, userData string) string {
		return rules + fmt.Sprintf("<Segment>Open</Segment><Contact>%d</Contact>", 80000+contact) + opts("<UserData>"+userData+"</UserData>")
	}
	cases := []struct {
		name, params string
		code         status.Code
		message      string
	}{
		{"MaxKeys pairs", add(1, userDataXML(userdata.MaxKeys, 1)), status.RequestCompleted, ""},
		{"one pair more", add(2, userDataXML(userdata.MaxKeys+1, 1)), status.UserDataFailedValidation, "more than 1000 keys (MaxKeys"},
		{"one pair more, in a nested list", add(3, userDataXML(userdata.MaxKeys, 2)), status.UserDataFailedValidation, "more than 1000 keys (MaxKeys"},
		{"MaxDepth levels", add(4, userDataXML(1, userdata.MaxDepth)), status.RequestCompleted, ""},
		{"one level more", add(5, userDataXML(1, userdata.MaxDepth+1)), status.UserDataFailedValidation, "deeper than 8 levels (MaxDepth)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := b.call(t, "AddInteraction", tc.params)
			if r.Code != tc.code || !strings.Contains(r.Result.Find("ErrorMessage").Text, tc.message) {
				t.Fatalf("answered %s %q, want %s saying %q", r.Code, r.Result.Find("ErrorMessage").Text, tc.code, tc.message)
			}
		})
	}
	t.Run("json mirror, 8,000 keys", func(t *testing.T) {
		t.Parallel()
		v := answerJSON(t, b, "AddInteraction", `{"Tenant":"Rules","Segment":"Open","Contact":"80010","Options":{"UserData":`+userDataJSON(8_000)+`}}`)
		st := v["Header"].(map[string]any)["Status"].(map[string]any)
		if st["Code"] != json.Number("108040") || !strings.Contains(st["ErrorMessage"].(string), "MaxKeys") {
			t.Fatalf("status %v", st)
		}
	})
}

// withLimits gives the PTK endpoint the limits lim (setup's are 64 KiB bodies).
func withLimits(lim ptk.Limits) func(*server.Config) {
	return func(c *server.Config) { c.PTK = lim }
}

// postJSON sends body to the JSON mirror's method and returns the HTTP
// status and the decoded answer (numbers as json.Number).
func postJSON(t *testing.T, b *bundle, method, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(b.srv.URL+"/api/v1/ptk/"+method, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("HTTP %d: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, v
}

// answerJSON is postJSON for a request the mirror must answer with HTTP 200.
func answerJSON(t *testing.T, b *bundle, method, body string) map[string]any {
	t.Helper()
	code, v := postJSON(t, b, method, body)
	if code != 200 {
		t.Fatalf("HTTP %d: %v", code, v)
	}
	return v
}

// TestPTKUserDataDecodingStopsAtTheLimit shows that the PTK reads no more
// than MaxKeys+1 pairs of an oversized tree: 30,000 keys on the JSON mirror
// (refused by the token limit before any decoding), and on each front as
// many as its token limit lets through. It is not parallel: it reads the
// process-wide userdata.DecodedPairs while nothing else decodes.
func TestPTKUserDataDecodingStopsAtTheLimit(t *testing.T) {
	b := setup(t, withLimits(ptk.Limits{}))
	// Each case answers its status code, or 0 for an HTTP 400 InvalidRequest.
	mirror := func(keys int) status.Code {
		code, v := postJSON(t, b, "CreateInteraction", `{"Tenant":"Rules","Segment":"Open","UserDataContainer":`+userDataJSON(keys)+`}`)
		if code != 200 {
			if v["name"] != "InvalidRequest" {
				t.Errorf("HTTP %d %v", code, v)
			}
			return 0
		}
		n, _ := v["ResultCode"].(json.Number).Int64()
		return status.Code(n)
	}
	cases := []struct {
		name string
		send func() status.Code
		want status.Code
	}{
		{"json mirror, 30,000 keys: past the token limit", func() status.Code { return mirror(30_000) }, 0},
		{"json mirror, 8,000 keys", func() status.Code { return mirror(8_000) }, status.UserDataFailedValidation},
		{"soap, 3,500 keys", func() status.Code {
			return b.call(t, "CreateInteraction", rules+"<Segment>Open</Segment><UserDataContainer>"+userDataXML(3_500, 1)+"</UserDataContainer>").Code
		}, status.UserDataFailedValidation},
	}
	for _, tc := range cases {
		before := userdata.DecodedPairs()
		code := tc.send()
		if decoded := userdata.DecodedPairs() - before; code != tc.want || decoded > userdata.MaxKeys+1 {
			t.Errorf("%s: answered %d after decoding %d pairs; want %d after at most %d", tc.name, code, decoded, tc.want, userdata.MaxKeys+1)
		}
	}
}
