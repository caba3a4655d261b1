package ptk

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
)

// The WSDL 1.1 (document/literal wrapped, WS-I Basic Profile 1.1) and its
// XSD are generated from the operation table: one operation per method, a
// SOAP 1.1 and a SOAP 1.2 binding, a request element named after the method
// and a response element named method+"Response" holding method+"Result".

// ServiceName is the WSDL service's name.
const ServiceName = "PlatformToolkit"

// documentOf says which document a GET asks for: "wsdl" (?wsdl, ?WSDL,
// ?singleWsdl) or "xsd" (?xsd).
func documentOf(r *http.Request) (string, bool) {
	for k := range r.URL.Query() {
		switch strings.ToLower(k) {
		case "wsdl", "singlewsdl":
			return "wsdl", true
		case "xsd":
			return "xsd", true
		}
	}
	return "", false
}

func (h *Handler) serveDocument(w http.ResponseWriter, r *http.Request, doc string) {
	body := XSD()
	if doc == "wsdl" {
		body = WSDL(locationOf(r))
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// locationOf is the endpoint's address as the client reached it: the
// request's scheme, host and path. A TLS connection is https whatever its
// headers say; over plain HTTP, X-Forwarded-Proto (from a proxy that
// terminates TLS in front of Holdline) is honoured.
func locationOf(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if p := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0])); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host + r.URL.Path
}

// WSDL returns the service description with location as the endpoint address.
func WSDL(location string) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	fmt.Fprintf(&b, `<wsdl:definitions name="%s" targetNamespace="%s" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="%s">`+"\n",
		ServiceName, TargetNamespace, TargetNamespace)
	b.WriteString(`<wsdl:documentation>Holdline's Platform Toolkit (PTK) v` + PlatformToolkitVersion +
		`: the On-Premise Callback PTK, wire-compatible. Answers carry a PTK status code; see docs/ptk.md.</wsdl:documentation>` + "\n")
	b.WriteString("<wsdl:types>\n")
	writeSchema(&b)
	b.WriteString("</wsdl:types>\n")
	for _, op := range operations {
		fmt.Fprintf(&b, `<wsdl:message name="%[1]sSoapIn"><wsdl:part name="parameters" element="tns:%[1]s"/></wsdl:message>`+"\n", op.Name)
		fmt.Fprintf(&b, `<wsdl:message name="%[1]sSoapOut"><wsdl:part name="parameters" element="tns:%[1]sResponse"/></wsdl:message>`+"\n", op.Name)
	}
	fmt.Fprintf(&b, `<wsdl:portType name="%sSoap">`+"\n", ServiceName)
	for _, op := range operations {
		fmt.Fprintf(&b, `<wsdl:operation name="%[1]s"><wsdl:documentation>`, op.Name)
		escape(&b, operationDoc(op))
		fmt.Fprintf(&b, `</wsdl:documentation><wsdl:input message="tns:%[1]sSoapIn"/><wsdl:output message="tns:%[1]sSoapOut"/></wsdl:operation>`+"\n", op.Name)
	}
	b.WriteString("</wsdl:portType>\n")
	writeBinding(&b, "soap", ServiceName+"Soap")
	writeBinding(&b, "soap12", ServiceName+"Soap12")
	fmt.Fprintf(&b, `<wsdl:service name="%s">`+"\n", ServiceName)
	for _, port := range []struct{ prefix, name string }{{"soap", ServiceName + "Soap"}, {"soap12", ServiceName + "Soap12"}} {
		fmt.Fprintf(&b, `<wsdl:port name="%[2]s" binding="tns:%[2]s"><%[1]s:address location="`, port.prefix, port.name)
		escape(&b, location)
		b.WriteString(`"/></wsdl:port>` + "\n")
	}
	b.WriteString("</wsdl:service>\n</wsdl:definitions>\n")
	return b.Bytes()
}

func writeBinding(b *bytes.Buffer, prefix, name string) {
	fmt.Fprintf(b, `<wsdl:binding name="%s" type="tns:%sSoap">`+"\n", name, ServiceName)
	fmt.Fprintf(b, `<%s:binding transport="http://schemas.xmlsoap.org/soap/http"/>`+"\n", prefix)
	for _, op := range operations {
		fmt.Fprintf(b, `<wsdl:operation name="%[2]s"><%[1]s:operation soapAction="%[3]s" style="document"/>`+
			`<wsdl:input><%[1]s:body use="literal"/></wsdl:input><wsdl:output><%[1]s:body use="literal"/></wsdl:output></wsdl:operation>`+"\n",
			prefix, op.Name, op.SOAPAction())
	}
	b.WriteString("</wsdl:binding>\n")
}

// operationDoc is the wsdl:documentation of an operation: what it does, its
// family and its status codes.
func operationDoc(op *Operation) string {
	codes := make([]string, 0, len(op.Codes))
	for _, c := range op.Codes {
		codes = append(codes, fmt.Sprintf("%d %s", int(c.Code), c.Code.Name()))
	}
	return fmt.Sprintf("%s (%s family) Status codes: %s.", op.Summary, op.Family, strings.Join(codes, ", "))
}

// XSD returns the schema of every request and response element, standalone
// (the same schema the WSDL embeds), for validating messages with xmllint.
func XSD() []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	writeSchema(&b)
	return b.Bytes()
}

// schemaWriter emits each named complex type once, in the order met.
type schemaWriter struct {
	b    *bytes.Buffer
	seen map[*Type]bool
	// queue holds the types still to write, with whether they are request types.
	queue []queuedType
}

type queuedType struct {
	t       *Type
	request bool
}

func writeSchema(b *bytes.Buffer) {
	s := &schemaWriter{b: b, seen: map[*Type]bool{}}
	fmt.Fprintf(b, `<xs:schema targetNamespace="%[1]s" elementFormDefault="qualified" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="%[1]s">`+"\n", TargetNamespace)
	for _, op := range operations {
		fmt.Fprintf(b, `<xs:element name="%s"><xs:complexType><xs:sequence>`, op.Name)
		if op.Family == Classic {
			s.element(&Field{Name: "data", Type: op.Params}, true)
		} else {
			for _, f := range op.Params.Fields {
				s.element(f, true)
			}
		}
		b.WriteString("</xs:sequence></xs:complexType></xs:element>\n")
		fmt.Fprintf(b, `<xs:element name="%[1]sResponse"><xs:complexType><xs:sequence><xs:element name="%[1]sResult" type="tns:%[1]sResult"/></xs:sequence></xs:complexType></xs:element>`+"\n", op.Name)
	}
	for _, op := range operations {
		s.complexType(resultType(op), false)
	}
	for len(s.queue) > 0 {
		q := s.queue[0]
		s.queue = s.queue[1:]
		s.complexType(q.t, q.request)
	}
	b.WriteString("</xs:schema>\n")
}

// element writes one xs:element for f; request elements are all optional,
// as the domain decides what a missing parameter means.
func (s *schemaWriter) element(f *Field, request bool) {
	typ := f.Type.Kind.XSD()
	if f.Type.Kind == KindStruct {
		typ = "tns:" + f.Type.Name
		if !s.seen[f.Type] {
			s.seen[f.Type] = true
			s.queue = append(s.queue, queuedType{f.Type, request})
		}
	}
	fmt.Fprintf(s.b, `<xs:element name="%s" type="%s"`, f.Name, typ)
	if request || f.Optional {
		s.b.WriteString(` minOccurs="0"`)
	}
	if f.Repeated {
		s.b.WriteString(` maxOccurs="unbounded"`)
	}
	s.b.WriteString("/>")
}

func (s *schemaWriter) complexType(t *Type, request bool) {
	s.seen[t] = true
	fmt.Fprintf(s.b, `<xs:complexType name="%s">`, t.Name)
	if len(t.Fields) > 0 {
		s.b.WriteString("<xs:sequence>")
		for _, f := range t.Fields {
			s.element(f, request)
		}
		s.b.WriteString("</xs:sequence>")
	}
	for _, a := range t.Attrs {
		use := "required"
		if request || a.OmitEmpty {
			use = "optional"
		}
		fmt.Fprintf(s.b, `<xs:attribute name="%s" type="%s" use="%s"/>`, a.Name, a.Type.Kind.XSD(), use)
	}
	s.b.WriteString("</xs:complexType>\n")
}

// resultType is the schema of an operation's XResult element.
func resultType(op *Operation) *Type {
	t := &Type{Name: op.Name + "Result", Kind: KindStruct}
	if op.Family == Classic {
		t.Fields = []*Field{{Name: "Header", Type: headerType}, {Name: "Data", Type: op.Result}}
		return t
	}
	t.Fields = append(t.Fields, stateHeadType.Fields...)
	for _, f := range op.Result.Fields {
		g := *f
		g.Optional = true
		t.Fields = append(t.Fields, &g)
	}
	return t
}
