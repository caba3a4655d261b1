package ptk

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"time"
)

// ValidateResponse checks an XResponse element against the schema the WSDL
// publishes for op: element names, order, occurrences and simple types. It
// is the always-on twin of the xmllint check.
func ValidateResponse(resp *Node) error {
	op, name, ok := Lookup(trimSuffix(resp.Name, "Response"))
	if !ok {
		return fmt.Errorf("%s: not a response element", resp.Name)
	}
	if len(resp.Children) != 1 || resp.Children[0].Name != name+"Result" {
		return fmt.Errorf("%s must hold exactly one %sResult", resp.Name, name)
	}
	return validate(resp.Children[0], resultType(op), resp.Children[0].Name)
}

func trimSuffix(s, suffix string) string {
	if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
		return s[:len(s)-len(suffix)]
	}
	return s
}

func validate(n *Node, t *Type, path string) error {
	if t.Kind != KindStruct {
		if len(n.Children) > 0 {
			return fmt.Errorf("%s: a simple element has children", path)
		}
		return validateSimple(n.Text, t.Kind, path)
	}
	if t == userDataType || t.Kind == KindStruct {
		for _, a := range t.Attrs {
			v, ok := n.Attr(a.Name)
			if !ok && !a.OmitEmpty {
				return fmt.Errorf("%s: attribute %s missing", path, a.Name)
			}
			if err := validateSimple(v, a.Type.Kind, path+"@"+a.Name); ok && err != nil {
				return err
			}
		}
	}
	i := 0
	for _, f := range t.Fields {
		count := 0
		for i < len(n.Children) && n.Children[i].Name == f.Name {
			if err := validate(n.Children[i], f.Type, path+"/"+f.Name); err != nil {
				return err
			}
			i, count = i+1, count+1
		}
		if count == 0 && !f.Optional {
			return fmt.Errorf("%s: element %s missing", path, f.Name)
		}
		if count > 1 && !f.Repeated {
			return fmt.Errorf("%s: element %s repeated", path, f.Name)
		}
	}
	if i < len(n.Children) {
		return fmt.Errorf("%s: unexpected element %s (or out of order)", path, n.Children[i].Name)
	}
	return nil
}

func validateSimple(s string, k Kind, path string) error {
	var err error
	switch k {
	case KindInt:
		_, err = strconv.ParseInt(s, 10, 32)
	case KindLong:
		_, err = strconv.ParseInt(s, 10, 64)
	case KindDateTime:
		_, err = time.Parse(time.RFC3339, s)
	}
	if err != nil {
		return fmt.Errorf("%s: %q is not a valid %s", path, s, k.XSD())
	}
	return nil
}

var errFuzz = fmt.Errorf("fuzz")

func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }

// ReferenceRequests are the reference's example requests
// (testdata/reference), the seeds of every fuzz target of the PTK.
func ReferenceRequests(tb interface{ Fatalf(string, ...any) }) [][]byte {
	files, err := filepath.Glob("testdata/reference/*.request.xml")
	if err != nil || len(files) < 6 {
		tb.Fatalf("reference examples: %v (%d files)", err, len(files))
	}
	out := make([][]byte, 0, len(files))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			tb.Fatalf("reference example: %v", err)
		}
		out = append(out, b)
	}
	return out
}
