package ptk

import (
	"encoding/xml"
	"errors"
	"io"
)

// Namespaces, resolved beside the parser. encoding/xml's Token resolves
// prefixes as it reads, but every token it returns is a copy boxed once more
// and its bindings live in a map: a third of what decoding a request
// allocated. The decoder reads RawToken instead and resolves names here,
// with the same rules and the same errors as Token (names_test.go's
// differential fuzz test holds the two together):
//
//   - xmlns="uri" and xmlns:p="uri" bind for the element and its content;
//   - an element's unprefixed name takes the default namespace, an
//     attribute's stays unqualified; the prefix xml is the XML namespace; an
//     unknown prefix is left as the name's Space;
//   - an end tag must close the open element by the same prefix and name,
//     and the document must close every element it opens.

// xmlNamespace is the namespace the prefix xml is bound to.
const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// scope is the open elements of the document being read and the prefixes
// they bind.
type scope struct {
	bindings []binding
	open     []openElement
}

type binding struct{ prefix, uri string }

// openElement is an element's name as written, and how many bindings were
// in scope before its own.
type openElement struct {
	name xml.Name
	mark int
}

// token resolves the names of a token RawToken returned, as Token would
// have: an attribute's in place, and an element's returned (the token is
// not copied again for it); line is the parser's line, for errors.
func (s *scope) token(tok xml.Token, line int) (xml.Name, error) {
	switch t := tok.(type) {
	case xml.StartElement:
		mark := len(s.bindings)
		for _, a := range t.Attr {
			switch {
			case a.Name.Space == "xmlns":
				s.bindings = append(s.bindings, binding{a.Name.Local, a.Value})
			case a.Name.Space == "" && a.Name.Local == "xmlns":
				s.bindings = append(s.bindings, binding{"", a.Value})
			}
		}
		s.open = append(s.open, openElement{t.Name, mark})
		name := t.Name
		s.resolve(&name, true)
		for i := range t.Attr {
			s.resolve(&t.Attr[i].Name, false)
		}
		return name, nil
	case xml.EndElement:
		if len(s.open) == 0 {
			return xml.Name{}, &xml.SyntaxError{Msg: "unexpected end element </" + t.Name.Local + ">", Line: line}
		}
		top := s.open[len(s.open)-1]
		switch {
		case top.name.Local != t.Name.Local:
			return xml.Name{}, &xml.SyntaxError{Msg: "element <" + top.name.Local + "> closed by </" + t.Name.Local + ">", Line: line}
		case top.name.Space != t.Name.Space:
			space := t.Name.Space
			if space == "" {
				space = `""`
			}
			return xml.Name{}, &xml.SyntaxError{Msg: "element <" + top.name.Local + "> in space " + top.name.Space +
				" closed by </" + t.Name.Local + "> in space " + space, Line: line}
		}
		name := t.Name
		s.resolve(&name, true)
		s.bindings, s.open = s.bindings[:top.mark], s.open[:len(s.open)-1]
		return name, nil
	}
	return xml.Name{}, nil
}

// end is the error of a document that ended (io.EOF) with elements open.
func (s *scope) end(err error, line int) error {
	if errors.Is(err, io.EOF) && len(s.open) > 0 {
		return &xml.SyntaxError{Msg: "unexpected EOF", Line: line}
	}
	return err
}

// resolve replaces n's prefix by its namespace.
func (s *scope) resolve(n *xml.Name, element bool) {
	switch {
	case n.Space == "xmlns":
		return
	case n.Space == "" && !element:
		return
	case n.Space == "xml":
		n.Space = xmlNamespace
	case n.Space == "" && n.Local == "xmlns":
		return
	}
	for i := len(s.bindings) - 1; i >= 0; i-- {
		if s.bindings[i].prefix == n.Space {
			n.Space = s.bindings[i].uri
			return
		}
	}
}
