package ptk

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Version is the SOAP version of a request, decided by the namespace of its
// Envelope; a request sent without an Envelope is Bare.
type Version int

// The request forms the endpoint answers, each in its own form.
const (
	// Bare is an operation element sent without an Envelope (the reference's
	// GetSegmentState example); it is answered with a bare response element.
	Bare Version = iota
	// SOAP11 is a SOAP 1.1 envelope, answered as text/xml.
	SOAP11
	// SOAP12 is a SOAP 1.2 envelope, answered as application/soap+xml.
	SOAP12
)

// The SOAP envelope namespaces.
const (
	NamespaceSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	NamespaceSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
)

// String names the version for logs.
func (v Version) String() string {
	switch v {
	case SOAP11:
		return "SOAP 1.1"
	case SOAP12:
		return "SOAP 1.2"
	}
	return "bare XML"
}

// Default limits on one request.
const (
	// DefaultMaxBody is the largest request body read (1 MiB).
	DefaultMaxBody = 1 << 20
	// DefaultMaxDepth is the deepest element nesting accepted.
	DefaultMaxDepth = 64
	// DefaultMaxTokens is the most XML tokens (elements, text runs,
	// comments...) one request may hold.
	DefaultMaxTokens = 50_000
	// DefaultMaxAttrs is the most attributes one element may carry.
	DefaultMaxAttrs = 64
)

// Limits bound what reading one request may cost, so that no input can make
// the server allocate without bound or hang. Zero fields take the defaults.
type Limits struct {
	// MaxBody is the largest body in bytes (default DefaultMaxBody).
	MaxBody int64
	// MaxDepth is the deepest element nesting (default DefaultMaxDepth).
	MaxDepth int
	// MaxTokens is the most tokens in a request (default DefaultMaxTokens).
	MaxTokens int
	// MaxAttrs is the most attributes on one element (default DefaultMaxAttrs).
	MaxAttrs int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBody <= 0 {
		l.MaxBody = DefaultMaxBody
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultMaxTokens
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = DefaultMaxAttrs
	}
	return l
}

// Envelope is a decoded request: its form and its operation element.
type Envelope struct {
	// Version is the request's form; a fault is answered in it.
	Version Version
	// Op is the first child of the Body, or the bare root element.
	Op *Node
	// Security is the SOAP header's WS-Security element, if any.
	Security *Node
	// Unqualified marks an Envelope in no namespace: a client that lost its
	// SOAP prefix (SOAP::Lite does when its version is set after its
	// namespace). It is read as SOAP 1.1; the handler answers SOAP 1.2 when
	// the Content-Type says so.
	Unqualified bool
}

// FaultCode classifies a fault; each maps to the SOAP 1.1 and 1.2 codes.
type FaultCode int

// The fault codes.
const (
	// FaultClient is a request the server cannot read (SOAP 1.2 Sender).
	FaultClient FaultCode = iota
	// FaultServer is a failure of the server itself (SOAP 1.2 Receiver).
	FaultServer
	// FaultVersionMismatch is an Envelope in an unknown namespace.
	FaultVersionMismatch
)

// Subcode refines a Client fault; the table faultSubcodes says how each
// version writes it.
type Subcode int

// The subcodes.
const (
	// SubcodeNone is a plain fault.
	SubcodeNone Subcode = iota
	// SubcodeAuthentication is a request whose credentials are missing or wrong.
	SubcodeAuthentication
	// SubcodeExpired is a WS-Security header whose Created time is stale.
	SubcodeExpired
	// SubcodeAuthorization is a request its principal may not make.
	SubcodeAuthorization
)

// Fault is a request the wire refuses before any domain call: it is answered
// with a SOAP Fault (or HTTP 400 on the JSON mirror), never a status code.
type Fault struct {
	Code FaultCode
	// Subcode, when set, refines Code (SubcodeAuthentication...).
	Subcode Subcode
	// Reason says what is wrong with the request, for the client.
	Reason string
	// Err is the underlying cause, for the logs.
	Err error
}

func (f *Fault) Error() string {
	if f.Err != nil && !strings.Contains(f.Reason, f.Err.Error()) {
		return f.Reason + ": " + f.Err.Error()
	}
	return f.Reason
}

func (f *Fault) Unwrap() error { return f.Err }

func clientFault(format string, args ...any) *Fault {
	return &Fault{Code: FaultClient, Reason: fmt.Sprintf(format, args...)}
}

// DecodeEnvelope reads one request: a SOAP 1.1 or 1.2 envelope, or a bare
// operation element. It streams the input within lim, rejects DTDs and
// entity declarations, and builds only the operation element's tree (SOAP
// headers and further Body children are skipped). On error the returned
// Envelope still says which version to answer the fault in; the error is a
// *Fault.
func DecodeEnvelope(r io.Reader, lim Limits) (*Envelope, error) {
	d := &envDecoder{lim: lim.withDefaults(), env: &Envelope{Version: SOAP11}}
	d.x = xml.NewDecoder(r)
	d.x.CharsetReader = charsetReader
	err := d.run()
	return d.env, err
}

// frame is one open element: the node being built, or nil while skipping.
type frame struct {
	node *Node
	text []byte
}

type envDecoder struct {
	x      *xml.Decoder
	lim    Limits
	env    *Envelope
	stack  []frame
	tokens int
	// envNS is the envelope namespace (empty for a bare request, or an
	// unqualified Envelope); enveloped says the root is an Envelope.
	envNS         string
	enveloped     bool
	sawRoot       bool
	sawBody       bool
	rootClosed    bool
	bodyDepthOpen bool
	// headerOpen is set inside the envelope's Header, whose only child kept
	// is the WS-Security element.
	sawHeader  bool
	headerOpen bool
}

func (d *envDecoder) run() error {
	for {
		tok, err := d.x.Token()
		if errors.Is(err, io.EOF) {
			return d.finish()
		}
		if err != nil {
			return readFault(err, d.lim)
		}
		if d.tokens++; d.tokens > d.lim.MaxTokens {
			return clientFault("the request has more than %d XML tokens", d.lim.MaxTokens)
		}
		if err := d.token(tok); err != nil {
			return err
		}
	}
}

func (d *envDecoder) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return d.start(t)
	case xml.EndElement:
		d.end()
	case xml.CharData:
		if len(d.stack) == 0 {
			if len(bytes.TrimSpace(t)) > 0 {
				return clientFault("malformed XML: text outside the root element")
			}
			return nil
		}
		if top := &d.stack[len(d.stack)-1]; top.node != nil {
			top.text = append(top.text, t...)
		}
	case xml.Directive:
		return clientFault("DTDs, DOCTYPE and entity declarations are not allowed")
	}
	return nil
}

func (d *envDecoder) start(t xml.StartElement) error {
	depth := len(d.stack) + 1
	if depth > d.lim.MaxDepth {
		return clientFault("the request nests elements deeper than %d levels", d.lim.MaxDepth)
	}
	if len(t.Attr) > d.lim.MaxAttrs {
		return clientFault("element <%s> has more than %d attributes", t.Name.Local, d.lim.MaxAttrs)
	}
	if depth == 1 {
		if d.sawRoot {
			return clientFault("malformed XML: more than one root element")
		}
		d.sawRoot = true
		return d.root(t)
	}
	var node *Node
	parent := d.stack[len(d.stack)-1].node
	switch {
	case parent != nil:
		node = newNode(t)
		parent.Children = append(parent.Children, node)
	case d.enveloped && depth == 2 && t.Name.Local == "Body" && t.Name.Space == d.envNS && !d.sawBody:
		d.sawBody, d.bodyDepthOpen = true, true
	case d.bodyDepthOpen && depth == 3 && d.env.Op == nil:
		node = newNode(t)
		d.env.Op = node
	case d.enveloped && depth == 2 && t.Name.Local == "Header" && t.Name.Space == d.envNS && !d.sawHeader && !d.sawBody:
		d.sawHeader, d.headerOpen = true, true
	case d.headerOpen && depth == 3 && t.Name.Local == "Security" && t.Name.Space == NamespaceWSSE && d.env.Security == nil:
		node = newNode(t)
		d.env.Security = node
	}
	d.stack = append(d.stack, frame{node: node})
	return nil
}

// root handles the document element: an Envelope decides the version, any
// other element is a bare operation.
func (d *envDecoder) root(t xml.StartElement) error {
	if t.Name.Local != "Envelope" {
		d.env.Version = Bare
		d.env.Op = newNode(t)
		d.stack = append(d.stack, frame{node: d.env.Op})
		return nil
	}
	switch t.Name.Space {
	case NamespaceSOAP11:
		d.env.Version = SOAP11
	case NamespaceSOAP12:
		d.env.Version = SOAP12
	case "":
		d.env.Version, d.env.Unqualified = SOAP11, true
	default:
		return &Fault{Code: FaultVersionMismatch, Reason: fmt.Sprintf(
			"the Envelope's namespace %q is neither SOAP 1.1 (%s) nor SOAP 1.2 (%s)",
			t.Name.Space, NamespaceSOAP11, NamespaceSOAP12)}
	}
	d.envNS, d.enveloped = t.Name.Space, true
	d.stack = append(d.stack, frame{})
	return nil
}

func (d *envDecoder) end() {
	top := d.stack[len(d.stack)-1]
	if top.node != nil {
		top.node.Text = string(top.text)
	}
	d.stack = d.stack[:len(d.stack)-1]
	switch len(d.stack) {
	case 0:
		d.rootClosed = true
	case 1:
		d.bodyDepthOpen, d.headerOpen = false, false
	}
}

func (d *envDecoder) finish() error {
	switch {
	case !d.sawRoot:
		return clientFault("the request is empty: no XML element")
	case !d.rootClosed:
		return clientFault("malformed XML: unexpected end of the request")
	case d.env.Version == Bare:
		return nil
	case !d.sawBody:
		return clientFault("the Envelope has no Body in the namespace %q", d.envNS)
	case d.env.Op == nil:
		return clientFault("the Body is empty: it must hold the operation element")
	}
	return nil
}

func newNode(t xml.StartElement) *Node {
	n := &Node{Space: t.Name.Space, Name: t.Name.Local}
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		n.Attrs = append(n.Attrs, Attr{Space: a.Name.Space, Name: a.Name.Local, Value: a.Value})
	}
	return n
}

// readFault turns a read or syntax error into the fault a client sees.
func readFault(err error, lim Limits) *Fault {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &Fault{Code: FaultClient, Reason: fmt.Sprintf("the request body is larger than %d bytes", lim.MaxBody), Err: err}
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return &Fault{Code: FaultClient, Reason: fmt.Sprintf("malformed XML: line %d: %s", syn.Line, syn.Msg), Err: err}
	}
	return &Fault{Code: FaultClient, Reason: "the request could not be read: " + err.Error(), Err: err}
}

// charsetReader lets the decoder read the few single-byte encodings old
// SOAP stacks declare; UTF-8 needs no conversion.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
		return &latin1Reader{r: bufio.NewReader(in)}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q: send UTF-8", label)
}

// latin1Reader converts ISO-8859-1 bytes to UTF-8.
type latin1Reader struct {
	r       *bufio.Reader
	pending []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.pending) > 0 {
			c := copy(p[n:], l.pending)
			l.pending = l.pending[c:]
			n += c
			continue
		}
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		l.pending = utf8.AppendRune(l.pending[:0], rune(b))
	}
	return n, nil
}
