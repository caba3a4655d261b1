// Package ptk is the wire layer of the Platform Toolkit (PTK) API: SOAP 1.1
// and 1.2 envelopes, a bare-XML form, and a JSON mirror of the same
// operations, on top of the callback domain.
//
// The layer is thin (architecture rule 1): it decodes a request into a
// generic element tree (Node), binds the tree to a typed parameter struct,
// calls one domain method, and encodes the typed result back into a tree,
// which becomes XML or JSON. Every fact about an operation — its name,
// response family, parameters, result, documented status codes and the
// domain call — lives in one table (Operations); the WSDL, the XSD, the JSON
// mirror, the client CLI and docs/ptk.md are all derived from it.
//
// The wire owns only faults (requests it cannot read); every status code in
// an answer comes from the domain, through *status.Error.
package ptk
