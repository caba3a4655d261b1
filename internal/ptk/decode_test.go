package ptk

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestDecodeEnvelope(t *testing.T) {
	t.Parallel()
	const s11, s12 = NamespaceSOAP11, NamespaceSOAP12
	cases := []struct {
		name, in      string
		version       Version
		op, space     string
		tenant        string
		fault         string
		faultCode     FaultCode
		faultVersion  Version
		checkNoFaults bool
	}{
		{name: "soap 1.1 prefixed", in: `<s:Envelope xmlns:s="` + s11 + `"><s:Body><GetSegmentState><data><Tenant>P</Tenant></data></GetSegmentState></s:Body></s:Envelope>`,
			version: SOAP11, op: "GetSegmentState", tenant: "P"},
		{name: "soap 1.2 default ns", in: `<Envelope xmlns="` + s12 + `"><Body><GetStatus xmlns="urn:x"><Tenant>P</Tenant></GetStatus></Body></Envelope>`,
			version: SOAP12, op: "GetStatus", space: "urn:x", tenant: "P"},
		{name: "prefixed operation", in: `<e:Envelope xmlns:e="` + s11 + `" xmlns:t="urn:holdline:ptk"><e:Header><x/></e:Header><e:Body><t:AddInteraction><t:Tenant>P</t:Tenant></t:AddInteraction></e:Body></e:Envelope>`,
			version: SOAP11, op: "AddInteraction", space: "urn:holdline:ptk", tenant: "P"},
		{name: "header blocks skipped", in: `<e:Envelope xmlns:e="` + s12 + `"><e:Header><a:Security xmlns:a="urn:a"><a:Token>x</a:Token></a:Security><b/></e:Header><e:Body><GetStatus><Tenant>P</Tenant></GetStatus></e:Body></e:Envelope>`,
			version: SOAP12, op: "GetStatus", tenant: "P"},
		{name: "elements after the Body ignored", in: `<e:Envelope xmlns:e="` + s11 + `"><e:Body><GetStatus><Tenant>P</Tenant></GetStatus></e:Body><Trailer><x/></Trailer></e:Envelope>`,
			version: SOAP11, op: "GetStatus", tenant: "P"},
		{name: "a Body in another namespace is not a Body", in: `<e:Envelope xmlns:e="` + s11 + `"><x:Body xmlns:x="urn:other"><A/><B/></x:Body><e:Body><!-- c --> <GetStatus><Tenant>P</Tenant></GetStatus> </e:Body></e:Envelope>`,
			version: SOAP11, op: "GetStatus", tenant: "P"},
		{name: "second operation", in: `<e:Envelope xmlns:e="` + s11 + `"><e:Body><GetStatus/><Ignored/></e:Body></e:Envelope>`,
			fault: `the Body holds more than one element ("Ignored" after the operation "GetStatus"): a request holds exactly one Body with exactly one operation element`, faultVersion: SOAP11},
		{name: "second body", in: `<e:Envelope xmlns:e="` + s12 + `"><e:Body><GetStatus/></e:Body><e:Body><GetVersion/></e:Body></e:Envelope>`,
			fault: "the Envelope has more than one Body: a request holds exactly one Body with exactly one operation element", faultVersion: SOAP12},
		{name: "second, empty body", in: `<e:Envelope xmlns:e="` + s11 + `"><e:Body/><e:Body><GetVersion/></e:Body></e:Envelope>`,
			fault: "more than one Body", faultVersion: SOAP11},
		{name: "second body, unqualified envelope", in: `<Envelope><Body><GetStatus/></Body><Body/></Envelope>`,
			fault: "more than one Body", faultVersion: SOAP11},
		{name: "utf-8 bom", in: "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><GetStatus><Tenant>Portrée</Tenant></GetStatus>", version: Bare, op: "GetStatus", tenant: "Portrée"},
		{name: "utf-16 le with declaration", in: UTF16Body(binary.LittleEndian, `<?xml version="1.0" encoding="UTF-16"?><s:Envelope xmlns:s="`+s11+`"><s:Body><GetStatus><Tenant>Portrée 😀</Tenant></GetStatus></s:Body></s:Envelope>`),
			version: SOAP11, op: "GetStatus", tenant: "Portrée 😀"},
		{name: "utf-16 be without declaration", in: UTF16Body(binary.BigEndian, `<s:Envelope xmlns:s="`+s12+`"><s:Body><GetStatus><Tenant>東京</Tenant></GetStatus></s:Body></s:Envelope>`),
			version: SOAP12, op: "GetStatus", tenant: "東京"},
		{name: "utf-16 be declared utf-16be", in: UTF16Body(binary.BigEndian, `<?xml version="1.0" encoding="utf-16BE"?><GetStatus><Tenant>P</Tenant></GetStatus>`),
			version: Bare, op: "GetStatus", tenant: "P"},
		{name: "utf-16 declaring latin-1", in: UTF16Body(binary.LittleEndian, `<?xml version="1.0" encoding="ISO-8859-1"?><GetStatus/>`),
			fault: `the XML declaration's encoding "ISO-8859-1" contradicts the UTF-16 byte-order mark`, faultVersion: SOAP11},
		{name: "utf-8 bom declaring utf-16", in: "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-16\"?><GetStatus/>",
			fault: "contradicts the UTF-8 byte-order mark", faultVersion: SOAP11},
		{name: "utf-16 odd length", in: UTF16Body(binary.LittleEndian, `<GetStatus/>`) + "x", fault: "odd number of bytes", faultVersion: Bare},
		{name: "utf-16 lone high surrogate", in: UTF16Body(binary.LittleEndian, `<GetStatus>`) + "\x00\xD8<\x00", fault: "invalid UTF-16: high surrogate U+D800 followed by U+003C", faultVersion: Bare},
		{name: "utf-16 lone low surrogate", in: UTF16Body(binary.BigEndian, `<GetStatus>`) + "\xDC\x00", fault: "invalid UTF-16: low surrogate U+DC00", faultVersion: Bare},
		{name: "utf-16 surrogate at the end", in: UTF16Body(binary.BigEndian, `<GetStatus>`) + "\xD8\x00", fault: "high surrogate U+D800 at the end", faultVersion: Bare},
		{name: "soap lite attributes", in: `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="` + s11 + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><soap:Body><GetVersion><Tenant xsi:type="xsd:string">P</Tenant></GetVersion></soap:Body></soap:Envelope>`,
			version: SOAP11, op: "GetVersion", tenant: "P"},
		{name: "unqualified envelope (SOAP::Lite)", in: `<Envelope xmlns:namesp1="urn:holdline:ptk"><Body><namesp1:GetVersion><Tenant>P</Tenant></namesp1:GetVersion></Body></Envelope>`,
			version: SOAP11, op: "GetVersion", space: "urn:holdline:ptk", tenant: "P"},
		{name: "bare", in: `<GetSegmentState><Tenant>P</Tenant></GetSegmentState>`, version: Bare, op: "GetSegmentState", tenant: "P"},
		{name: "latin-1", in: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><GetStatus><Tenant>Portr\xe9e</Tenant></GetStatus>", version: Bare, op: "GetStatus", tenant: "Portrée"},
		{name: "empty", in: ``, fault: "empty", faultVersion: SOAP11},
		{name: "not xml", in: `hello`, fault: "outside the root", faultVersion: SOAP11},
		{name: "unclosed", in: `<s:Envelope xmlns:s="` + s12 + `"><s:Body><GetStatus>`, fault: "malformed XML", faultVersion: SOAP12},
		{name: "empty body", in: `<s:Envelope xmlns:s="` + s12 + `"><s:Body/></s:Envelope>`, fault: "Body is empty", faultVersion: SOAP12},
		{name: "no body", in: `<s:Envelope xmlns:s="` + s11 + `"><s:Header/></s:Envelope>`, fault: "no Body", faultVersion: SOAP11},
		{name: "body by prefix only", in: `<s:Envelope xmlns:s="` + s11 + `"><x:Body xmlns:x="urn:other"><GetStatus/></x:Body></s:Envelope>`, fault: "no Body", faultVersion: SOAP11},
		{name: "unknown envelope", in: `<s:Envelope xmlns:s="urn:soap:9"><s:Body/></s:Envelope>`, fault: "neither SOAP 1.1", faultCode: FaultVersionMismatch, faultVersion: SOAP11},
		{name: "doctype", in: `<!DOCTYPE x [<!ENTITY a "b">]><GetStatus>&a;</GetStatus>`, fault: "DTD", faultVersion: SOAP11},
		{name: "entity reference", in: `<GetStatus>&lol;</GetStatus>`, fault: "malformed XML", faultVersion: Bare},
		{name: "too deep", in: strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70), fault: "deeper than 64", faultVersion: Bare},
		{name: "too many attributes", in: "<GetStatus" + manyAttrs(70) + "/>", fault: "more than 64 attributes", faultVersion: SOAP11},
		{name: "two roots", in: `<a/><b/>`, fault: "more than one root", faultVersion: Bare},
		{name: "utf-16 declared without a byte-order mark", in: `<?xml version="1.0" encoding="UTF-16"?><a/>`, fault: `the XML declaration's encoding "UTF-16" is not supported: send UTF-8, or UTF-16 starting with a byte-order mark`, faultVersion: SOAP11},
		{name: "unknown encoding", in: `<?xml version="1.0" encoding="EBCDIC"?><a/>`, fault: `encoding "EBCDIC" is not supported`, faultVersion: SOAP11},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env, err := DecodeEnvelope(strings.NewReader(tc.in), Limits{})
			if tc.fault != "" {
				var f *Fault
				if !errors.As(err, &f) || !strings.Contains(f.Reason, tc.fault) || f.Code != tc.faultCode {
					t.Fatalf("err = %v, want a fault %d containing %q", err, tc.faultCode, tc.fault)
				}
				if env.Version != tc.faultVersion {
					t.Fatalf("fault version %v, want %v", env.Version, tc.faultVersion)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if env.Version != tc.version || env.Op.Name != tc.op || env.Op.Space != tc.space {
				t.Fatalf("got %v %q {%s}, want %v %q {%s}", env.Version, env.Op.Name, env.Op.Space, tc.version, tc.op, tc.space)
			}
			if got := env.Op.Find("tenant").textOrEmpty(); got != tc.tenant {
				t.Fatalf("tenant %q, want %q", got, tc.tenant)
			}
		})
	}
}

// UTF16Body is s in UTF-16 with the byte order's mark first (exported for
// the wire tests of package ptk_test).
func UTF16Body(order binary.AppendByteOrder, s string) string {
	b := order.AppendUint16(nil, 0xFEFF)
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return string(b)
}

// TestFaultsQuoteABoundedPrefix sends input of half a megabyte where each
// fault quotes the client's input: the reason repeats its first characters
// and its length, never the whole of it.
func TestFaultsQuoteABoundedPrefix(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("n", 500_000)
	cases := []struct {
		name, in, want string
		code           FaultCode
	}{
		{"too many attributes", "<" + long + manyAttrs(70) + "/>", `element "nnnn`, FaultClient},
		{"envelope namespace", `<s:Envelope xmlns:s="` + long + `"><s:Body/></s:Envelope>`, `the Envelope's namespace "nnnn`, FaultVersionMismatch},
		{"second operation", soapEnv(NamespaceSOAP11, `<GetStatus/><`+long+`/>`), `the Body holds more than one element ("nnnn`, FaultClient},
		{"mismatched end tag", `<GetStatus><` + long + `></x></GetStatus>`, "malformed XML: line 1: element <nnnn", FaultClient},
		{"encoding label", `<?xml version="1.0" encoding="` + long + `"?><a/>`, `the XML declaration's encoding "nnnn`, FaultClient},
		{"xml version", `<?xml version="` + long + `"?><a/>`, "the request could not be read: xml: unsupported version", FaultClient},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeEnvelope(strings.NewReader(tc.in), Limits{MaxBody: 1 << 20})
			var f *Fault
			if !errors.As(err, &f) || f.Code != tc.code {
				t.Fatalf("err = %.300v, want a fault %d", err, tc.code)
			}
			if !strings.HasPrefix(f.Reason, tc.want) || !strings.Contains(f.Reason, "…") || len(f.Reason) > 400 {
				t.Fatalf("reason of %d bytes: %.300s", len(f.Reason), f.Reason)
			}
		})
	}
}

func soapEnv(ns, body string) string {
	return `<s:Envelope xmlns:s="` + ns + `"><s:Body>` + body + `</s:Body></s:Envelope>`
}

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(" a")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString(`="1"`)
	}
	return b.String()
}

func TestDecodeTokenLimit(t *testing.T) {
	t.Parallel()
	in := "<GetStatus>" + strings.Repeat("<x/>", 200) + "</GetStatus>"
	if _, err := DecodeEnvelope(strings.NewReader(in), Limits{MaxTokens: 100}); err == nil || !strings.Contains(err.Error(), "more than 100 XML tokens") {
		t.Fatalf("err = %v", err)
	}
}

// The envelope decoder never panics and never allocates without bound:
// the seeds are every example request of the reference plus SOAP 1.1/1.2
// variants. Run longer with: go test ./internal/ptk -run '^$' -fuzz FuzzDecodeEnvelope -fuzztime 5m
func FuzzDecodeEnvelope(f *testing.F) {
	for _, b := range ReferenceRequests(f) {
		f.Add(b)
		f.Add(bytes.Replace(b, []byte(NamespaceSOAP12), []byte(NamespaceSOAP11), 1))
	}
	f.Add([]byte(`<s:Envelope xmlns:s="` + NamespaceSOAP11 + `"><s:Header/><s:Body><t:InteractionCancelled xmlns:t="urn:holdline:ptk"><t:Tenant>VHTLab</t:Tenant><t:InteractionId>V0001000000000126112026150000000</t:InteractionId><t:CancelledBy>Caller</t:CancelledBy></t:InteractionCancelled></s:Body></s:Envelope>`))
	f.Add([]byte(`<Envelope xmlns="` + NamespaceSOAP12 + `"><Body><UpdateUserData><UserData><UserDataAssignment><Key>k</Key><Value><ListValue><UserDataAssignment><Key>n</Key><Value><BinaryValue>0A</BinaryValue></Value></UserDataAssignment></ListValue></Value></UserDataAssignment></UserData></UpdateUserData></Body></Envelope>`))
	// The wire's strictness: two Bodies, two operations, byte-order marks.
	f.Add([]byte(soapEnv(NamespaceSOAP11, `<GetStatus/><GetVersion/>`)))
	f.Add([]byte(`<s:Envelope xmlns:s="` + NamespaceSOAP12 + `"><s:Header><w:Security xmlns:w="urn:w"/></s:Header><s:Body><GetStatus/></s:Body><s:Body/></s:Envelope>`))
	f.Add([]byte("\xEF\xBB\xBF" + soapEnv(NamespaceSOAP11, `<GetVersion/>`)))
	f.Add([]byte(UTF16Body(binary.LittleEndian, `<?xml version="1.0" encoding="UTF-16"?>`+soapEnv(NamespaceSOAP11, `<GetStatus><Tenant>é😀</Tenant></GetStatus>`))))
	f.Add([]byte(UTF16Body(binary.BigEndian, soapEnv(NamespaceSOAP12, `<GetVersion/>`)) + "\xD8\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		env, err := DecodeEnvelope(bytes.NewReader(in), Limits{MaxBody: 1 << 16})
		if err != nil {
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("error %T is not a fault: %v", err, err)
			}
			_ = encodeFault(env.Version, f, "id")
			return
		}
		if env.Op == nil {
			t.Fatal("no operation element and no error")
		}
		// Whatever was read binds and encodes without panicking.
		if op, name, ok := Lookup(env.Op.Name); ok {
			params := op.newParams()
			_ = bindStruct(op.Params, reflectValue(params), paramScopes(env.Op), "")
			_ = encodeAnswer(env.Version, env.Op.Space, &answer{op: op, name: name, err: errFuzz, reqID: "id"})
		}
		_ = EncodeEnvelope(env.Version, env.Op)
	})
}
