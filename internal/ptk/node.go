package ptk

import "strings"

// Node is one XML element of a request or a response, as the decoders and
// encoders of this package see it: a namespace URI, a local name, attributes,
// character data and child elements. The XML decoder, the JSON mirror and the
// client all produce and consume Nodes, so the fronts cannot drift apart.
type Node struct {
	// Space is the element's namespace URI; empty for none.
	Space string
	// Name is the element's local name.
	Name string
	// Attrs are the element's attributes, namespace declarations excluded.
	Attrs []Attr
	// Text is the element's character data, concatenated.
	Text string
	// Children are the element's child elements in document order.
	Children []*Node
}

// Attr is one attribute of a Node.
type Attr struct {
	Space string
	Name  string
	Value string
}

// Child returns the first child element whose local name matches one of
// names case-insensitively, or nil.
func (n *Node) Child(names ...string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if nameIs(c.Name, names) {
			return c
		}
	}
	return nil
}

// ChildrenNamed returns every child element whose local name matches one of
// names case-insensitively.
func (n *Node) ChildrenNamed(names ...string) []*Node {
	return n.appendChildrenNamed(nil, names)
}

// appendChildrenNamed appends to out the children ChildrenNamed returns.
func (n *Node) appendChildrenNamed(out []*Node, names []string) []*Node {
	if n == nil {
		return out
	}
	for _, c := range n.Children {
		if nameIs(c.Name, names) {
			out = append(out, c)
		}
	}
	return out
}

// Attr returns the value of the first attribute whose local name matches one
// of names case-insensitively.
func (n *Node) Attr(names ...string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attrs {
		if nameIs(a.Name, names) {
			return a.Value, true
		}
	}
	return "", false
}

// Find returns the first element of the subtree rooted at n (n included,
// depth first) whose local name matches one of names case-insensitively.
func (n *Node) Find(names ...string) *Node {
	if n == nil {
		return nil
	}
	if nameIs(n.Name, names) {
		return n
	}
	for _, c := range n.Children {
		if f := c.Find(names...); f != nil {
			return f
		}
	}
	return nil
}

// Path follows a chain of child names from n (case-insensitively) and
// returns the element reached, or nil.
func (n *Node) Path(names ...string) *Node {
	for _, name := range names {
		n = n.Child(name)
	}
	return n
}

// Add appends a child element and returns it.
func (n *Node) Add(name, text string) *Node {
	c := &Node{Name: name, Text: text}
	n.Children = append(n.Children, c)
	return c
}

func nameIs(name string, names []string) bool {
	for _, want := range names {
		if strings.EqualFold(name, want) {
			return true
		}
	}
	return false
}
