package ptk

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

const xmlHeader = `<?xml version="1.0" encoding="utf-8"?>` + "\n"

// Content types of the answers.
const (
	contentTypeSOAP11 = "text/xml; charset=utf-8"
	contentTypeSOAP12 = "application/soap+xml; charset=utf-8"
)

func contentType(v Version) string {
	if v == SOAP12 {
		return contentTypeSOAP12
	}
	return contentTypeSOAP11
}

func envelopeNS(v Version) string {
	if v == SOAP12 {
		return NamespaceSOAP12
	}
	return NamespaceSOAP11
}

// EncodeEnvelope writes n as a whole XML document: inside a SOAP envelope of
// version v, or bare. n is put in its Space as the default namespace; its
// descendants inherit it.
func EncodeEnvelope(v Version, n *Node) []byte {
	return document(v, func(b *bytes.Buffer) { writeNode(b, n, true) })
}

// document writes the XML document of version v around what body writes:
// the declaration, then a SOAP envelope's Body, or nothing for Bare.
func document(v Version, body func(b *bytes.Buffer)) []byte {
	var b bytes.Buffer
	b.Grow(2048) // most answers fit: one allocation
	b.WriteString(xmlHeader)
	if v != Bare {
		b.WriteString(`<soap:Envelope xmlns:soap="`)
		b.WriteString(envelopeNS(v))
		b.WriteString(`"><soap:Body>`)
	}
	body(&b)
	if v != Bare {
		b.WriteString(`</soap:Body></soap:Envelope>`)
	}
	return b.Bytes()
}

// writeNode writes n; declare puts a default-namespace declaration on it.
func writeNode(b *bytes.Buffer, n *Node, declare bool) {
	b.WriteByte('<')
	b.WriteString(n.Name)
	if declare && n.Space != "" {
		b.WriteString(` xmlns="`)
		escape(b, n.Space)
		b.WriteByte('"')
	}
	for _, a := range n.Attrs {
		b.WriteByte(' ')
		b.WriteString(a.Name)
		b.WriteString(`="`)
		escape(b, a.Value)
		b.WriteByte('"')
	}
	if n.Text == "" && len(n.Children) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	escape(b, n.Text)
	for _, c := range n.Children {
		writeNode(b, c, c.Space != "" && c.Space != n.Space)
	}
	b.WriteString("</")
	b.WriteString(n.Name)
	b.WriteByte('>')
}

// escape writes s as XML character data or attribute value, as
// xml.EscapeText does: the five markup characters and tab, newline and
// carriage return as references, characters XML cannot carry as U+FFFD.
// Text that needs none of it (nearly all) is written as is.
func escape(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\'' && c != '&' && c != '<' && c != '>' {
			i++
			continue
		}
		r, width := rune(c), 1
		if c >= utf8.RuneSelf {
			r, width = utf8.DecodeRuneInString(s[i:])
		}
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if xmlChar(r) && (r != utf8.RuneError || width != 1) {
				i += width
				continue
			}
			esc = "\uFFFD"
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		i += width
		last = i
	}
	b.WriteString(s[last:])
}

// xmlChar reports whether XML 1.0 can carry r (its Char production).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// emitter writes elements one after the other into a buffer: a start tag
// stays open for attributes until the element's first content, and an
// element that gets none is written empty (<Name/>), as writeNode does.
type emitter struct {
	b *bytes.Buffer
	// open is set while a start tag awaits its '>'.
	open bool
}

// start begins element name.
func (e *emitter) start(name string) {
	e.content()
	e.b.WriteByte('<')
	e.b.WriteString(name)
	e.open = true
}

// attr adds an attribute to the element just started.
func (e *emitter) attr(name, value string) {
	e.b.WriteByte(' ')
	e.b.WriteString(name)
	e.b.WriteString(`="`)
	escape(e.b, value)
	e.b.WriteByte('"')
}

// content ends the open start tag, if any.
func (e *emitter) content() {
	if e.open {
		e.b.WriteByte('>')
		e.open = false
	}
}

// text writes character data into the current element.
func (e *emitter) text(s string) {
	if s == "" {
		return
	}
	e.content()
	escape(e.b, s)
}

// end ends element name.
func (e *emitter) end(name string) {
	if e.open {
		e.b.WriteString("/>")
		e.open = false
		return
	}
	e.b.WriteString("</")
	e.b.WriteString(name)
	e.b.WriteByte('>')
}

// element writes <name>text</name>.
func (e *emitter) element(name, text string) {
	e.start(name)
	e.text(text)
	e.end(name)
}

// encodeAnswer writes an operation's answer as a whole XML document:
// <nameResponse>, in space as the default namespace, holding the result,
// inside a SOAP envelope of version v, or bare.
func encodeAnswer(v Version, space string, a *answer) []byte {
	return document(v, func(b *bytes.Buffer) {
		e := emitter{b: b}
		response := a.name + "Response"
		e.start(response)
		if space != "" {
			e.attr("xmlns", space)
		}
		a.emit(&e)
		e.end(response)
	})
}

// encodeFault writes a SOAP Fault in version v (SOAP 1.1 for a bare request,
// whose version is unknown). reqID goes into the detail.
func encodeFault(v Version, f *Fault, reqID string) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	if v == SOAP12 {
		fmt.Fprintf(&b, `<soap:Envelope xmlns:soap="%s"><soap:Body><soap:Fault>`, NamespaceSOAP12)
		fmt.Fprintf(&b, `<soap:Code><soap:Value>soap:%s</soap:Value>`, faultCode12(f.Code))
		if sub, ok := faultSubcodes[f.Subcode]; ok {
			fmt.Fprintf(&b, `<soap:Subcode><soap:Value xmlns:%s="%s">%s:%s</soap:Value></soap:Subcode>`,
				sub.prefix12, sub.space12, sub.prefix12, sub.local12)
		}
		b.WriteString(`</soap:Code>`)
		b.WriteString(`<soap:Reason><soap:Text xml:lang="en">`)
		escape(&b, f.Reason)
		b.WriteString(`</soap:Text></soap:Reason><soap:Detail>`)
		writeFaultDetail(&b, reqID)
		b.WriteString(`</soap:Detail></soap:Fault></soap:Body></soap:Envelope>`)
		return b.Bytes()
	}
	fmt.Fprintf(&b, `<soap:Envelope xmlns:soap="%s"><soap:Body><soap:Fault>`, NamespaceSOAP11)
	code11 := faultCode11(f.Code)
	if sub, ok := faultSubcodes[f.Subcode]; ok {
		code11 += "." + sub.suffix11
	}
	fmt.Fprintf(&b, `<faultcode>soap:%s</faultcode><faultstring>`, code11)
	escape(&b, f.Reason)
	b.WriteString(`</faultstring><detail>`)
	writeFaultDetail(&b, reqID)
	b.WriteString(`</detail></soap:Fault></soap:Body></soap:Envelope>`)
	return b.Bytes()
}

func writeFaultDetail(b *bytes.Buffer, reqID string) {
	writeNode(b, &Node{Space: TargetNamespace, Name: "RequestId", Text: reqID}, true)
}

// NamespaceWSSE is the namespace of WS-Security's header and fault codes.
const NamespaceWSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"

// faultSubcodes is how each version writes a subcode: SOAP 1.1 as a suffix
// of the fault code ("Client.Authentication"), SOAP 1.2 as a qualified
// Subcode value (WS-Security's own codes where it has one).
var faultSubcodes = map[Subcode]struct {
	suffix11                   string
	prefix12, space12, local12 string
}{
	SubcodeAuthentication: {"Authentication", "wsse", NamespaceWSSE, "FailedAuthentication"},
	SubcodeExpired:        {"Authentication", "wsse", NamespaceWSSE, "MessageExpired"},
	SubcodeAuthorization:  {"Authorization", "ptk", TargetNamespace, "Forbidden"},
}

func faultCode11(c FaultCode) string {
	switch c {
	case FaultServer:
		return "Server"
	case FaultVersionMismatch:
		return "VersionMismatch"
	}
	return "Client"
}

func faultCode12(c FaultCode) string {
	switch c {
	case FaultServer:
		return "Receiver"
	case FaultVersionMismatch:
		return "VersionMismatch"
	}
	return "Sender"
}

// Indent pretty-prints an XML document with two-space indentation, keeping
// its prefixes and namespace declarations as they are. Elements holding only
// text stay on one line.
func Indent(dst io.Writer, src []byte) error {
	root, err := rawTree(src)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	writeIndented(&b, root, 0)
	_, err = dst.Write(b.Bytes())
	return err
}

// rawTree parses src keeping prefixes: Space holds the prefix, not the URI,
// and namespace declarations stay among the attributes.
func rawTree(src []byte) (*Node, error) {
	in, bom, err := withoutBOM(bufio.NewReader(nil), bytes.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("indent: %w", err)
	}
	d := xml.NewDecoder(in)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) { return charset(bom, label, in) }
	var stack []*Node
	var root *Node
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("indent: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &Node{Space: t.Name.Space, Name: t.Name.Local}
			for _, a := range t.Attr {
				n.Attrs = append(n.Attrs, Attr{Space: a.Name.Space, Name: a.Name.Local, Value: a.Value})
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("indent: unbalanced end element")
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, errors.New("indent: not a complete XML document")
	}
	return root, nil
}

func writeIndented(b *bytes.Buffer, n *Node, level int) {
	pad := strings.Repeat("  ", level)
	name := n.Name
	if n.Space != "" {
		name = n.Space + ":" + n.Name
	}
	b.WriteString(pad + "<" + name)
	for _, a := range n.Attrs {
		an := a.Name
		if a.Space != "" {
			an = a.Space + ":" + a.Name
		}
		b.WriteString(" " + an + `="`)
		escape(b, a.Value)
		b.WriteByte('"')
	}
	text := strings.TrimSpace(n.Text)
	switch {
	case len(n.Children) == 0 && text == "":
		b.WriteString("/>\n")
	case len(n.Children) == 0:
		b.WriteByte('>')
		escape(b, text)
		b.WriteString("</" + name + ">\n")
	default:
		b.WriteString(">\n")
		if text != "" {
			b.WriteString(pad + "  ")
			escape(b, text)
			b.WriteByte('\n')
		}
		for _, c := range n.Children {
			writeIndented(b, c, level+1)
		}
		b.WriteString(pad + "</" + name + ">\n")
	}
}
