package ptk_test

import (
	"testing"

	"github.com/holdline/holdline/internal/ptk"
)

// FuzzHandler sends each input, as a SOAP request, to the whole PTK endpoint
// of a running platform. Whatever it is, it gets an HTTP answer (never a
// panic or a hang), and every status code the platform answers is one its
// method's table lists: the undocumented-code counter is checked when the
// server stops (setup). The seeds are the reference's example requests and
// every method with tenant Rules' values. Run longer with:
// go test ./internal/ptk -run '^$' -fuzz FuzzHandler -fuzztime 5m
func FuzzHandler(f *testing.F) {
	for _, b := range ptk.ReferenceRequests(f) {
		f.Add(b)
	}
	values := "<Tenant>Rules</Tenant><Segment>Open</Segment><Contact>80001</Contact><InteractionId>V0001000000000126112026150000000</InteractionId>" +
		"<Reason>Abandon</Reason><SkillId>2000</SkillId><ExternalTrackingId>F-1</ExternalTrackingId><CancelledBy>Caller</CancelledBy>" +
		"<ContactURI>voice://80001</ContactURI><Action>Result</Action><Options><Result>SUCCESS</Result><AppointmentTime>" + future + "</AppointmentTime></Options>"
	for _, op := range ptk.Operations() {
		f.Add([]byte(soap11("<" + op.Name + ` xmlns="urn:holdline:ptk">` + values + "</" + op.Name + ">")))
		f.Add([]byte(soap12("<" + op.Name + "><data>" + values + "</data></" + op.Name + ">")))
	}
	b := setup(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		r := b.post(t, "/ptk", "text/xml; charset=utf-8", string(in))
		if r.HTTP < 200 || r.HTTP > 599 {
			t.Fatalf("HTTP %d", r.HTTP)
		}
	})
}
