package ptk

import (
	"encoding/hex"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// Binding turns request trees into typed parameters and typed results into
// response trees, driven by the schema Types. Input is lenient (names match
// case-insensitively, aliases, unknown elements and attributes ignored);
// output is canonical (the WSDL's names, in the schema's order).

// bindStruct fills v, a struct of type t, from the elements of scopes: for a
// single field the first scope holding it wins; a repeated field collects
// its elements from every scope. path names v in error messages.
func bindStruct(t *Type, v reflect.Value, scopes []*Node, path string) error {
	for _, f := range t.Attrs {
		for _, s := range scopes {
			if val, ok := s.Attr(f.names()...); ok {
				v.FieldByIndex(f.index).SetString(strings.TrimSpace(val))
				break
			}
		}
	}
	for _, f := range t.Fields {
		fv := v.FieldByIndex(f.index)
		if f.Inline {
			var inner []*Node
			for _, s := range scopes {
				inner = s.appendChildrenNamed(inner, f.names())
			}
			if err := bindStruct(f.Type, fv, append(inner, scopes...), path+f.Name+"."); err != nil {
				return err
			}
			continue
		}
		var found [4]*Node // most fields occur once: no allocation
		nodes := found[:0]
		for _, s := range scopes {
			nodes = s.appendChildrenNamed(nodes, f.names())
			if !f.Repeated && len(nodes) > 0 {
				break
			}
		}
		if len(nodes) == 0 {
			continue
		}
		if !f.Repeated {
			if err := bindValue(f.Type, fv, nodes[0], path+f.Name); err != nil {
				return err
			}
			continue
		}
		fv.Set(reflect.MakeSlice(fv.Type(), len(nodes), len(nodes)))
		for i, n := range nodes {
			if err := bindValue(f.Type, fv.Index(i), n, path+f.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// bindValue sets v from one element.
func bindValue(t *Type, v reflect.Value, n *Node, path string) error {
	text := strings.TrimSpace(n.Text)
	switch t.Kind {
	case KindString:
		v.SetString(text)
	case KindInt:
		if text == "" {
			return nil
		}
		i, err := strconv.Atoi(text)
		if err != nil {
			return clientFault("%s: %s is not an integer (xs:int)", path, status.Quote(text))
		}
		v.SetInt(int64(i))
	case KindStruct:
		if t == userDataType {
			l, err := decodeUserData(n)
			if err != nil {
				return err
			}
			v.Set(reflect.ValueOf(l))
			return nil
		}
		return bindStruct(t, v, []*Node{n}, path+".")
	default:
		return clientFault("%s: a %s is not accepted in requests", path, t.Kind.XSD())
	}
	return nil
}

// decodeUserData reads a UserData or UserDataContainer element: its
// UserDataAssignment children, and those of a UserData nested inside it. A
// value that cannot be read is 108040, the code the reference documents for
// user data "not in the correct format"; so is a tree past the limits of
// userdata.Budget, found before the pair past them is built.
func decodeUserData(container *Node) (userdata.List, error) {
	var budget userdata.Budget
	return decodeUserList(container, &budget, 1)
}

// decodeUserList reads the list container holds at depth (the top is 1),
// counting its pairs in budget.
func decodeUserList(container *Node, budget *userdata.Budget, depth int) (userdata.List, error) {
	if err := budget.List(depth); err != nil {
		return nil, userDataFault(err)
	}
	var out userdata.List
	add := func(a *Node) error {
		if err := budget.Pair(); err != nil {
			return userDataFault(err)
		}
		key := strings.TrimSpace(a.Child("Key").textOrEmpty())
		v, err := decodeUserValue(key, a.Child("Value"), budget, depth)
		if err == nil {
			out = append(out, userdata.P(key, v))
		}
		return err
	}
	for _, a := range container.ChildrenNamed("UserDataAssignment") {
		if err := add(a); err != nil {
			return nil, err
		}
	}
	for _, inner := range container.ChildrenNamed("UserData") {
		for _, a := range inner.ChildrenNamed("UserDataAssignment") {
			if err := add(a); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// userDataFault is the answer to a user-data tree past its limits.
func userDataFault(err error) error {
	return status.Wrap(status.UserDataFailedValidation, err, err.Error())
}

// decodeUserValue reads the Value of the pair key, in a list at depth.
func decodeUserValue(key string, v *Node, budget *userdata.Budget, depth int) (userdata.Value, error) {
	if v == nil {
		return userdata.Str(""), nil
	}
	if c := v.Child("StringValue"); c != nil {
		return userdata.Str(c.Text), nil
	}
	if c := v.Child("IntegerValue"); c != nil {
		i, err := strconv.ParseInt(strings.TrimSpace(c.Text), 10, 64)
		if err != nil {
			return userdata.Value{}, status.Wrap(status.UserDataFailedValidation, err,
				"user data "+status.Quote(key)+": IntegerValue "+status.Quote(c.Text)+" is not an integer")
		}
		return userdata.Int(i), nil
	}
	if c := v.Child("BinaryValue"); c != nil {
		b, err := hex.DecodeString(strings.TrimSpace(c.Text))
		if err != nil {
			return userdata.Value{}, status.Wrap(status.UserDataFailedValidation, err,
				"user data "+status.Quote(key)+": BinaryValue is not hexadecimal")
		}
		return userdata.Bin(b), nil
	}
	if c := v.Child("ListValue"); c != nil {
		l, err := decodeUserList(c, budget, depth+1)
		return userdata.Value{Kind: userdata.ListKind, List: l}, err
	}
	return userdata.Str(v.Text), nil
}

func (n *Node) textOrEmpty() string {
	if n == nil {
		return ""
	}
	return n.Text
}

// emitStruct writes the attributes and elements of v, a struct of type t,
// into the element e has just started.
func emitStruct(e *emitter, t *Type, v reflect.Value) {
	emitAttrs(e, t, v)
	emitFields(e, t, v)
}

// emitAttrs writes the attributes of v, a struct of type t; the element's
// start tag must still be open.
func emitAttrs(e *emitter, t *Type, v reflect.Value) {
	for _, f := range t.Attrs {
		fv := v.FieldByIndex(f.index)
		if f.OmitEmpty && fv.IsZero() {
			continue
		}
		e.attr(f.Name, simpleText(f.Type, fv))
	}
}

// emitFields writes the child elements of v, a struct of type t.
func emitFields(e *emitter, t *Type, v reflect.Value) {
	for _, f := range t.Fields {
		fv := v.FieldByIndex(f.index)
		switch {
		case f.Repeated:
			for i := range fv.Len() {
				emitValue(e, f.Name, f.Type, fv.Index(i))
			}
		case f.OmitEmpty && fv.IsZero():
		default:
			emitValue(e, f.Name, f.Type, fv)
		}
	}
}

// emitValue writes the element name holding v.
func emitValue(e *emitter, name string, t *Type, v reflect.Value) {
	e.start(name)
	switch {
	case t == userDataType:
		emitUserData(e, v.Interface().(userdata.List))
	case t.Kind == KindStruct:
		emitStruct(e, t, v)
	default:
		e.text(simpleText(t, v))
	}
	e.end(name)
}

func simpleText(t *Type, v reflect.Value) string {
	switch t.Kind {
	case KindInt, KindLong:
		return strconv.FormatInt(v.Int(), 10)
	case KindDateTime:
		return timeText(v.Interface().(time.Time))
	}
	return v.String()
}

func emitUserData(e *emitter, l userdata.List) {
	for _, p := range l {
		e.start("UserDataAssignment")
		e.element("Key", p.Key)
		e.start("Value")
		switch p.Value.Kind {
		case userdata.Integer:
			e.element("IntegerValue", strconv.FormatInt(p.Value.Int, 10))
		case userdata.Binary:
			e.element("BinaryValue", strings.ToUpper(hex.EncodeToString(p.Value.Bin)))
		case userdata.ListKind:
			e.start("ListValue")
			emitUserData(e, p.Value.List)
			e.end("ListValue")
		default:
			e.element("StringValue", p.Value.Str)
		}
		e.end("Value")
		e.end("UserDataAssignment")
	}
}
