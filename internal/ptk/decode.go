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
	"sync"

	"github.com/holdline/holdline/internal/status"
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
	// Op is the Body's one child, or the bare root element.
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
// entity declarations, and builds only the operation element's tree and the
// SOAP header's WS-Security element (other header blocks are skipped). An
// Envelope holds exactly one Body, which holds exactly one operation element.
// A body that starts with a UTF-16 byte-order mark is read as UTF-16 (little-
// or big-endian), one with a UTF-8 mark as UTF-8. On error the returned
// Envelope still says which version to answer the fault in; the error is a
// *Fault.
func DecodeEnvelope(r io.Reader, lim Limits) (*Envelope, error) {
	d := &envDecoder{lim: lim.withDefaults(), env: &Envelope{Version: SOAP11}}
	d.stack, d.names.open, d.names.bindings = d.frames[:0], d.open[:0], d.bindings[:0]
	// Every request's body is read through a buffer of its own; the buffers
	// are reused, since the decoded envelope keeps none of their bytes.
	br := bodyBuffers.Get().(*bufio.Reader)
	defer func() {
		br.Reset(nil)
		bodyBuffers.Put(br)
	}()
	in, bom, err := withoutBOM(br, r)
	if err != nil {
		return d.env, readFault(err, d.lim)
	}
	d.bom = bom
	d.x = xml.NewDecoder(in)
	d.x.CharsetReader = d.charsetReader
	err = d.run()
	return d.env, err
}

// bodyBuffers are the buffered readers request bodies are decoded through.
var bodyBuffers = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

// oneOperation is what a request must hold, for the faults that say it.
const oneOperation = "a request holds exactly one Body with exactly one operation element"

// maxParserText bounds the message of the XML parser a fault repeats: fixed
// text around at most two names of the client's.
const maxParserText = 2*status.MaxQuoted + 32

// frame is one open element: the node being built, or nil while skipping.
type frame struct {
	node *Node
	text []byte
}

// envelopePart is the child of the Envelope being read.
type envelopePart int

const (
	// partOther is an element SOAP allows there that Holdline ignores.
	partOther envelopePart = iota
	// partHeader is the SOAP Header: its blocks are skipped.
	partHeader
	// partBody is the SOAP Body: its one child is the operation.
	partBody
)

type envDecoder struct {
	x *xml.Decoder
	// names resolves the namespaces of the raw tokens (names.go).
	names scope
	// The first levels of the stacks, allocated with the decoder: a
	// request's elements nest a few deep.
	frames   [8]frame
	open     [8]openElement
	bindings [4]binding
	lim      Limits
	env      *Envelope
	stack    []frame
	tokens   int
	// bom is the byte-order mark the body started with; charsetErr is the
	// refusal of the encoding the XML declaration names.
	bom        byteOrderMark
	charsetErr error
	// envNS is the envelope namespace (empty for a bare request, or an
	// unqualified Envelope); enveloped says the root is an Envelope.
	envNS      string
	enveloped  bool
	sawRoot    bool
	sawHeader  bool
	sawBody    bool
	rootClosed bool
	// part is the Envelope's child open at depth 2, partOther when none is.
	part envelopePart
}

func (d *envDecoder) run() error {
	for {
		tok, name, err := d.next()
		if errors.Is(err, io.EOF) {
			return d.finish()
		}
		if d.charsetErr != nil {
			return &Fault{Code: FaultClient, Reason: d.charsetErr.Error(), Err: d.charsetErr}
		}
		if err != nil {
			return readFault(err, d.lim)
		}
		if d.tokens++; d.tokens > d.lim.MaxTokens {
			return clientFault("the request has more than %d XML tokens", d.lim.MaxTokens)
		}
		if err := d.token(tok, name); err != nil {
			return err
		}
	}
}

// next is the next token, and the name of an element it starts or ends
// resolved as xml.Decoder.Token resolves it (its attributes' names are).
func (d *envDecoder) next() (xml.Token, xml.Name, error) {
	tok, err := d.x.RawToken()
	line, _ := d.x.InputPos()
	if tok == nil && err != nil {
		return nil, xml.Name{}, d.names.end(err, line)
	}
	name, err := d.names.token(tok, line)
	return tok, name, err
}

func (d *envDecoder) token(tok xml.Token, name xml.Name) error {
	switch t := tok.(type) {
	case xml.StartElement:
		t.Name = name
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
		return clientFault("element %s has more than %d attributes", status.Quote(t.Name.Local), d.lim.MaxAttrs)
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
	case depth == 2:
		if err := d.envelopeChild(t); err != nil {
			return err
		}
	case depth == 3 && d.part == partBody:
		if d.env.Op != nil {
			return clientFault("the Body holds more than one element (%s after the operation %s): %s",
				status.Quote(t.Name.Local), status.Quote(d.env.Op.Name), oneOperation)
		}
		node = newNode(t)
		d.env.Op = node
	case depth == 3 && d.part == partHeader:
		// A header block: the WS-Security element is kept (Envelope.Security),
		// the others are skipped, mustUnderstand included (docs/ptk.md).
		if t.Name.Local == "Security" && t.Name.Space == NamespaceWSSE && d.env.Security == nil {
			node = newNode(t)
			d.env.Security = node
		}
	}
	d.stack = append(d.stack, frame{node: node})
	return nil
}

// envelopeChild notes which part of the Envelope an element at depth 2 opens.
// Parts are recognised in the Envelope's namespace only.
func (d *envDecoder) envelopeChild(t xml.StartElement) error {
	d.part = partOther
	if t.Name.Space != d.envNS {
		return nil
	}
	switch t.Name.Local {
	case "Header":
		// The first Header before the Body; any other is skipped whole.
		if !d.sawHeader && !d.sawBody {
			d.sawHeader, d.part = true, partHeader
		}
	case "Body":
		if d.sawBody {
			return clientFault("the Envelope has more than one Body: %s", oneOperation)
		}
		d.sawBody, d.part = true, partBody
	}
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
			"the Envelope's namespace %s is neither SOAP 1.1 (%s) nor SOAP 1.2 (%s)",
			status.Quote(t.Name.Space), NamespaceSOAP11, NamespaceSOAP12)}
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
		d.part = partOther
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
		return clientFault("the Envelope has no Body in the namespace %s", status.Quote(d.envNS))
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

// readFault turns a read or syntax error into the fault a client sees. The
// parser's messages name the client's elements: they are cut to maxParserText.
func readFault(err error, lim Limits) *Fault {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &Fault{Code: FaultClient, Reason: fmt.Sprintf("the request body is larger than %d bytes", lim.MaxBody), Err: err}
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return &Fault{Code: FaultClient, Reason: fmt.Sprintf("malformed XML: line %d: %s", syn.Line, status.Clip(syn.Msg, maxParserText)), Err: err}
	}
	return &Fault{Code: FaultClient, Reason: "the request could not be read: " + status.Clip(err.Error(), maxParserText), Err: err}
}
