package ptk

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"reflect"
	"testing"
)

// FuzzNamesMatchEncodingXML holds names.go to encoding/xml's Token: for any
// input, RawToken with the decoder's scope yields the same tokens, with the
// same names, and fails with the same error at the same place.
func FuzzNamesMatchEncodingXML(f *testing.F) {
	for _, b := range ReferenceRequests(f) {
		f.Add(b)
	}
	for _, s := range namespaceCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		want, wantErr := tokensOf(in, false)
		got, gotErr := tokensOf(in, true)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("error %v, encoding/xml's %v\n%q", gotErr, wantErr, in)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("tokens\n%#v\nencoding/xml's\n%#v\n%q", got, want, in)
		}
	})
}

// namespaceCases are the rules of names.go, each once, and the errors.
var namespaceCases = []string{
	`<a xmlns="urn:d" x="1"><b/><c xmlns=""><d/></c><e/></a>`,
	`<p:a xmlns:p="urn:p" p:x="1" y="2"><p:b xmlns:p="urn:q"/><p:c/></p:a>`,
	`<a xml:lang="en"><q:b/></a>`,
	`<a xmlns:p="urn:1" xmlns:p="urn:2"><p:b/></a>`,
	`<xmlns/>`,
	`<a></b>`,
	`<p:a xmlns:p="urn:p"></a>`,
	`<a></p:a>`,
	`</a>`,
	`<a><b></b>`,
	`<a>text<!-- c --><?pi x?></a>trailing`,
}

// tokensOf reads every token of in, with encoding/xml's Token or with
// RawToken and a scope, as the envelope decoder does.
func tokensOf(in []byte, raw bool) ([]xml.Token, error) {
	d := xml.NewDecoder(bytes.NewReader(in))
	var (
		s   scope
		out []xml.Token
	)
	for len(out) < 1000 {
		var (
			tok xml.Token
			err error
		)
		if raw {
			tok, err = d.RawToken()
			line, _ := d.InputPos()
			if tok == nil && err != nil {
				err = s.end(err, line)
			} else {
				var name xml.Name
				name, err = s.token(tok, line)
				switch t := tok.(type) {
				case xml.StartElement:
					t.Name = name
					tok = t
				case xml.EndElement:
					t.Name = name
					tok = t
				}
			}
		} else {
			tok, err = d.Token()
		}
		if err != nil {
			return out, err
		}
		out = append(out, xml.CopyToken(tok))
	}
	return out, nil
}
