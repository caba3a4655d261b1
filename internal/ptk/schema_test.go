package ptk_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/ptk"
)

// TestSchemaCheck checks the schema check itself: the WSDL embeds the very
// schema ?xsd serves, xmllint compiles it, accepts the reference's requests
// and rejects what the schema does not allow (so that a golden test passing
// means something).
func TestSchemaCheck(t *testing.T) {
	t.Parallel()
	t.Run("the wsdl embeds the xsd", func(t *testing.T) {
		t.Parallel()
		xsd := bytes.TrimPrefix(ptk.XSD(), []byte(`<?xml version="1.0" encoding="utf-8"?>`+"\n"))
		if !bytes.HasPrefix(xsd, []byte("<xs:schema ")) || !bytes.Contains(ptk.WSDL("http://h/ptk"), xsd) {
			t.Fatal("the WSDL's wsdl:types does not hold the schema that ?xsd serves")
		}
	})
	t.Run("message extraction", func(t *testing.T) {
		t.Parallel()
		want := `<GetStatus xmlns="urn:holdline:ptk"><data xmlns="urn:holdline:ptk"><Options xmlns="urn:holdline:ptk"><ClientId xmlns="urn:holdline:ptk">c 1</ClientId></Options></data></GetStatus>`
		for _, in := range []string{
			soap11(`<GetStatus xmlns="urn:holdline:ptk"><data><Options><ClientId>c 1</ClientId></Options></data></GetStatus>`),
			`<!-- a comment --><e:Envelope xmlns:e="` + ptk.NamespaceSOAP12 + `" xmlns:t="urn:holdline:ptk"><e:Header><t:x/></e:Header><e:Body><t:GetStatus><t:data><t:Options><t:ClientId>c 1</t:ClientId></t:Options></t:data></t:GetStatus></e:Body></e:Envelope>`,
			`<GetStatus><data><Options><ClientId>c 1</ClientId></Options></data></GetStatus>`,
			soap11(`<p:GetStatus xmlns:p="http://tempuri.org/"><p:data><p:Options><p:ClientId>c 1</p:ClientId></p:Options></p:data></p:GetStatus>`),
		} {
			got, err := messageInTargetNamespace([]byte(in))
			if err != nil || string(got) != want {
				t.Errorf("%s\ngot  %s (%v)\nwant %s", in, got, err, want)
			}
		}
		for _, in := range []string{soap11(``), soap11(`<a/><b/>`), `<x`} {
			if got, err := messageInTargetNamespace([]byte(in)); err == nil {
				t.Errorf("%s: no error, got %s", in, got)
			}
		}
	})
	t.Run("xmllint", func(t *testing.T) {
		t.Parallel()
		xsd := xsdFile(t)
		if xsd == "" {
			t.Skip("xmllint is not installed")
		}
		if err := xmllint(xsd, []byte(readFile(t, "CreateInteraction.request.xml"))); err != nil {
			t.Fatalf("a reference request: %v", err)
		}
		for name, msg := range map[string]string{
			"unknown element":     strings.Replace(readFile(t, "CreateInteraction.request.xml"), "<Segment>", "<Colour>red</Colour><Segment>", 1),
			"order":               soap11(`<CreateInteraction><Segment>S</Segment><Tenant>T</Tenant></CreateInteraction>`),
			"no data wrapper":     soap11(`<GetSegmentState><Tenant>T</Tenant></GetSegmentState>`),
			"not an int":          soap11(`<GetVersionResponse><GetVersionResult><Header><ClientID/><Id>1</Id><Status><Code>ok</Code><Description/><ErrorMessage/><Result/></Status></Header><Data/></GetVersionResult></GetVersionResponse>`),
			"missing ResultCode":  soap11(`<GetSystemVariablesResponse><GetSystemVariablesResult><Result/><Description/><Guid/></GetSystemVariablesResult></GetSystemVariablesResponse>`),
			"unknown operation":   soap11(`<GetColour/>`),
			"attribute missing":   soap11(`<GetSegmentsResponse><GetSegmentsResult><Header><ClientID/><Id>1</Id><Status><Code>107000</Code><Description/><ErrorMessage/><Result/></Status></Header><Data><Segments><Segment Name="S" Queue="Q"/></Segments></Data></GetSegmentsResult></GetSegmentsResponse>`),
			"hexBinary user data": soap11(`<UpdateUserData><UserData><UserDataAssignment><Key>k</Key><Value><BinaryValue>xyz</BinaryValue></Value></UserDataAssignment></UserData></UpdateUserData>`),
		} {
			if err := xmllint(xsd, []byte(msg)); err == nil {
				t.Errorf("%s: xmllint accepts %s", name, msg)
			}
		}
	})
}
