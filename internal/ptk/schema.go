package ptk

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/holdline/holdline/internal/userdata"
)

// Kind is what a schema Type is on the wire: an XSD simple type, or a
// complex type of attributes and elements.
type Kind int

// The kinds of values.
const (
	KindString   Kind = iota // xs:string
	KindInt                  // xs:int
	KindLong                 // xs:long
	KindHex                  // xs:hexBinary
	KindDateTime             // xs:dateTime, always UTC "yyyy-mm-ddTHH:mm:ssZ"
	KindStruct               // a named complex type
)

// XSD is the name of the kind's XML Schema simple type ("" for a struct).
func (k Kind) XSD() string {
	switch k {
	case KindString:
		return "xs:string"
	case KindInt:
		return "xs:int"
	case KindLong:
		return "xs:long"
	case KindHex:
		return "xs:hexBinary"
	case KindDateTime:
		return "xs:dateTime"
	}
	return ""
}

// Type is the schema of a value on the wire. Struct types are derived from
// the Go types of the operation table by reflection, so the XSD, the JSON
// mirror, the docs and the binding code read one description.
type Type struct {
	// Name is the XSD complex type name of a struct ("" for simple types).
	Name string
	Kind Kind
	// Attrs and Fields are a struct's attributes and elements, in order.
	Attrs  []*Field
	Fields []*Field
	goType reflect.Type
}

// Field is one attribute or element of a struct Type.
type Field struct {
	// Name is the canonical element or attribute name (the WSDL's).
	Name string
	// Aliases are further names accepted on input (names match case-insensitively anyway).
	Aliases []string
	Type    *Type
	// Attr marks an attribute.
	Attr bool
	// Repeated marks an element that may occur any number of times.
	Repeated bool
	// OmitEmpty leaves the element out of answers when its value is zero.
	OmitEmpty bool
	// Optional makes the element minOccurs="0" in answers (requests are
	// always optional: the domain decides what a missing value means).
	Optional bool
	// Inline lets the children of this element also appear directly in its
	// parent (Options children are accepted at the top level).
	Inline bool
	// Required notes that the reference calls the parameter required (docs only).
	Required bool
	index    []int
	// matchNames are Name and Aliases, made once by the type builder: every
	// request matches its elements against them.
	matchNames []string
}

// names are the names a field is matched by on input.
func (f *Field) names() []string {
	if f.matchNames != nil {
		return f.matchNames
	}
	return append([]string{f.Name}, f.Aliases...)
}

// IsList reports whether t only wraps one repeated element (Interactions,
// Variables, UserData...): the JSON mirror shows such an element as an array.
func (t *Type) IsList() bool {
	return t.Kind == KindStruct && len(t.Attrs) == 0 && len(t.Fields) == 1 && t.Fields[0].Repeated
}

// Field returns the field (element or attribute) matching name
// case-insensitively, looking through inline fields too; nil when none.
func (t *Type) Field(name string) *Field {
	if t == nil {
		return nil
	}
	for _, f := range append(append([]*Field(nil), t.Attrs...), t.Fields...) {
		if nameIs(name, f.names()) {
			return f
		}
	}
	for _, f := range t.Fields {
		if f.Inline {
			if g := f.Type.Field(name); g != nil {
				return g
			}
		}
	}
	return nil
}

// userDataType is the schema of a user-data tree; it is recursive (a
// ListValue holds assignments), so it is written by hand.
var userDataType = func() *Type {
	list := &Type{Name: "UserData", Kind: KindStruct, goType: reflect.TypeFor[userdata.List]()}
	value := &Type{Name: "UserDataValue", Kind: KindStruct, Fields: []*Field{
		{Name: "StringValue", Type: simple(KindString), OmitEmpty: true, Optional: true},
		{Name: "IntegerValue", Type: simple(KindLong), OmitEmpty: true, Optional: true},
		{Name: "BinaryValue", Type: simple(KindHex), OmitEmpty: true, Optional: true},
		{Name: "ListValue", Type: list, OmitEmpty: true, Optional: true},
	}}
	assignment := &Type{Name: "UserDataAssignment", Kind: KindStruct, Fields: []*Field{
		{Name: "Key", Type: simple(KindString)},
		{Name: "Value", Type: value},
	}}
	list.Fields = []*Field{{Name: "UserDataAssignment", Type: assignment, Repeated: true, Optional: true}}
	return list
}()

func simple(k Kind) *Type { return &Type{Kind: k} }

// typeBuilder derives Types from Go types, once per Go type, and checks that
// no two Go types claim the same XSD name.
type typeBuilder struct {
	byGo   map[reflect.Type]*Type
	byName map[string]reflect.Type
}

var types = &typeBuilder{byGo: map[reflect.Type]*Type{}, byName: map[string]reflect.Type{}}

// typeOf returns the Type of Go type rt.
func (b *typeBuilder) typeOf(rt reflect.Type) (*Type, error) {
	switch {
	case rt == userDataType.goType:
		return userDataType, nil
	case rt == reflect.TypeFor[time.Time]():
		return simple(KindDateTime), nil
	case rt.Kind() == reflect.String:
		return simple(KindString), nil
	case rt.Kind() == reflect.Int:
		return simple(KindInt), nil
	case rt.Kind() != reflect.Struct:
		return nil, fmt.Errorf("ptk: %s: unsupported wire type", rt)
	}
	if t, ok := b.byGo[rt]; ok {
		return t, nil
	}
	name := xsdName(rt.Name())
	if other, dup := b.byName[name]; dup {
		return nil, fmt.Errorf("ptk: Go types %s and %s both map to XSD type %s", other, rt, name)
	}
	t := &Type{Name: name, Kind: KindStruct, goType: rt}
	b.byGo[rt], b.byName[name] = t, rt
	if err := b.fields(t, rt, nil); err != nil {
		return nil, err
	}
	return t, nil
}

// fields adds the exported fields of rt (flattening embedded structs) to t.
func (b *typeBuilder) fields(t *Type, rt reflect.Type, index []int) error {
	for i := range rt.NumField() {
		sf := rt.Field(i)
		idx := append(append([]int(nil), index...), i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			if err := b.fields(t, sf.Type, idx); err != nil {
				return err
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		f, err := b.field(sf, idx)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", rt.Name(), sf.Name, err)
		}
		if f.Attr {
			t.Attrs = append(t.Attrs, f)
		} else {
			t.Fields = append(t.Fields, f)
		}
	}
	return nil
}

// field reads one struct field and its tag:
// `ptk:"Name,attr,omitempty,inline,required,alias=A|B"`.
func (b *typeBuilder) field(sf reflect.StructField, index []int) (*Field, error) {
	f := &Field{Name: sf.Name, index: index}
	parts := strings.Split(sf.Tag.Get("ptk"), ",")
	if parts[0] != "" {
		f.Name = parts[0]
	}
	for _, opt := range parts[1:] {
		switch {
		case opt == "attr":
			f.Attr = true
		case opt == "omitempty":
			f.OmitEmpty, f.Optional = true, true
		case opt == "inline":
			f.Inline = true
		case opt == "required":
			f.Required = true
		case strings.HasPrefix(opt, "alias="):
			f.Aliases = strings.Split(strings.TrimPrefix(opt, "alias="), "|")
		default:
			return nil, fmt.Errorf("unknown tag option %q", opt)
		}
	}
	rt := sf.Type
	if rt.Kind() == reflect.Slice && rt != userDataType.goType {
		f.Repeated, f.Optional = true, true
		rt = rt.Elem()
	}
	t, err := b.typeOf(rt)
	if err != nil {
		return nil, err
	}
	f.Type = t
	f.matchNames = append([]string{f.Name}, f.Aliases...)
	if f.Attr && t.Kind == KindStruct {
		return nil, fmt.Errorf("attribute %s must be a simple type", f.Name)
	}
	return f, nil
}

// xsdName turns a Go type name into an XSD type name: "interactionList" -> "InteractionList".
func xsdName(goName string) string {
	if goName == "" {
		return ""
	}
	r := []rune(goName)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
