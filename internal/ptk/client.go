package ptk

import (
	"encoding/json"
	"fmt"
	"strings"
)

// BuildRequest makes the canonical request element of op (the WSDL's shape:
// in the target namespace, parameters inside <data> for classic methods) from
// key=value pairs. A key is a dotted path of parameter names, matched
// case-insensitively ("Options.AppointmentTime"); a path through an element
// that holds key/value pairs ends with the pair's key: "Options.UserData.account=A-1"
// adds a string user-data value, "InteractionData.Contact=8002" an
// UpdateInteractionData pair. Repeating a key repeats the element.
func BuildRequest(op *Operation, pairs []string) (*Node, error) {
	root := &Node{Space: TargetNamespace, Name: op.Name}
	params := root
	if op.Family == Classic {
		params = root.Add("data", "")
	}
	for _, pair := range pairs {
		key, value, ok := strings.Cut(pair, "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("%q: want key=value", pair)
		}
		if err := setPath(params, op.Params, strings.Split(key, "."), value); err != nil {
			return nil, fmt.Errorf("%s: %w (parameters of %s: %s)", key, err, op.Name, strings.Join(ParamPaths(op), ", "))
		}
	}
	return root, nil
}

// setPath adds value at path under n, whose schema is t.
func setPath(n *Node, t *Type, path []string, value string) error {
	if t == userDataType {
		return addPair(n, "UserDataAssignment", path, userDataValue(value))
	}
	f := fieldOf(t, path[0])
	if f == nil {
		return fmt.Errorf("unknown parameter %q", path[0])
	}
	if isPairType(f.Type) && f.Repeated {
		return addPair(n, f.Name, path[1:], &Node{Name: "Value", Text: value})
	}
	if len(path) == 1 {
		if f.Type.Kind == KindStruct && f.Type != userDataType {
			return fmt.Errorf("%s holds elements: name one of them", f.Name)
		}
		n.Add(f.Name, value)
		return nil
	}
	if f.Type.Kind != KindStruct {
		return fmt.Errorf("%s is a value, not a group of parameters", f.Name)
	}
	child := n.Child(f.Name)
	if child == nil || f.Repeated {
		child = n.Add(f.Name, "")
	}
	return setPath(child, f.Type, path[1:], value)
}

// fieldOf finds a direct field of t (not through inline fields: the client
// writes the canonical shape).
func fieldOf(t *Type, name string) *Field {
	for _, f := range t.Fields {
		if nameIs(name, f.names()) {
			return f
		}
	}
	return nil
}

// isPairType reports whether t is a Key/Value pair.
func isPairType(t *Type) bool {
	return t.Kind == KindStruct && len(t.Fields) == 2 && t.Fields[0].Name == "Key" && t.Fields[1].Name == "Value"
}

// addPair appends <name><Key>path</Key>value</name> to n.
func addPair(n *Node, name string, path []string, value *Node) error {
	if len(path) != 1 || path[0] == "" {
		return fmt.Errorf("name the pair's key: %s.KEY=VALUE", name)
	}
	p := n.Add(name, "")
	p.Add("Key", path[0])
	p.Children = append(p.Children, value)
	return nil
}

func userDataValue(s string) *Node {
	v := &Node{Name: "Value"}
	v.Add("StringValue", s)
	return v
}

// ParamPaths lists the dotted parameter paths of op, for help and errors.
func ParamPaths(op *Operation) []string {
	var out []string
	var walk func(t *Type, prefix string)
	walk = func(t *Type, prefix string) {
		for _, f := range t.Fields {
			switch {
			case f.Type == userDataType || isPairType(f.Type):
				out = append(out, prefix+f.Name+".KEY")
			case f.Type.Kind == KindStruct:
				walk(f.Type, prefix+f.Name+".")
			default:
				out = append(out, prefix+f.Name)
			}
		}
	}
	walk(op.Params, "")
	return out
}

// RequestJSON renders a request element built by BuildRequest as the JSON
// mirror's body.
func RequestJSON(op *Operation, req *Node) ([]byte, error) {
	return json.MarshalIndent(nodeToJSON(req, requestRootCanonical(op)), "", "  ")
}

// requestRootCanonical is the schema of the canonical request element.
func requestRootCanonical(op *Operation) *Type {
	if op.Family == Classic {
		return &Type{Kind: KindStruct, Fields: []*Field{{Name: "data", Type: op.Params}}}
	}
	return op.Params
}
