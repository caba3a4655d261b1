package strictjson

import (
	"bytes"
	"encoding/json"

	"github.com/holdline/holdline/internal/status"
)

// Check scans data, which must hold exactly one JSON value, within lim, and
// refuses a key repeated in any object at any depth (case-insensitively,
// after unescaping: "Tenant" and "\u0054ENANT" are the same key). It reads
// each byte once and allocates only for the keys it compares, so refusing a
// body costs about what validating it does.
func Check(data []byte, lim Limits) error {
	lim = lim.withDefaults()
	s := &scanner{data: data, lim: lim}
	s.space()
	if s.i == len(data) {
		return refuse("malformed JSON: the body holds no value")
	}
	if err := s.value(0); err != nil {
		return err
	}
	s.space()
	if s.i < len(data) {
		if c := data[s.i]; c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n' {
			return refuse("malformed JSON: more than one value")
		}
		return s.unexpected("after the value")
	}
	return nil
}

// scanner is one pass over a document.
type scanner struct {
	data   []byte
	i      int
	tokens int
	lim    Limits
}

func (s *scanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// token counts one token (a delimiter opening or closing, a key, a value).
func (s *scanner) token() error {
	if s.tokens++; s.tokens > s.lim.MaxTokens {
		return refuse("the request has more than %d JSON tokens", s.lim.MaxTokens)
	}
	return nil
}

func (s *scanner) unexpected(where string) error {
	if s.i >= len(s.data) {
		return refuse("malformed JSON: unexpected end of the body")
	}
	return refuse("malformed JSON: invalid character %s %s (offset %d)", status.Quote(string(s.data[s.i:s.i+1])), where, s.i)
}

// value scans one value at depth (the number of enclosing objects and arrays).
func (s *scanner) value(depth int) error {
	if s.i >= len(s.data) {
		return s.unexpected("")
	}
	if err := s.token(); err != nil {
		return err
	}
	switch c := s.data[s.i]; {
	case c == '{' || c == '[':
		if depth >= s.lim.MaxDepth {
			return refuse("the request nests deeper than %d levels", s.lim.MaxDepth)
		}
		s.i++
		if c == '{' {
			return s.object(depth + 1)
		}
		return s.array(depth + 1)
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.unexpected("looking for a value")
}

// keySet holds the keys of one object: a short list compared with
// bytes.EqualFold (Unicode simple folding, as encoding/json matches names;
// no allocation), then a map of folded keys past it.
type keySet struct {
	list [][]byte
	set  map[string]struct{}
}

// add adds k and reports whether it was already there.
func (ks *keySet) add(k []byte) bool {
	if ks.set != nil {
		f := foldKey(string(k))
		if _, dup := ks.set[f]; dup {
			return true
		}
		ks.set[f] = struct{}{}
		return false
	}
	for _, seen := range ks.list {
		if bytes.EqualFold(seen, k) {
			return true
		}
	}
	ks.list = append(ks.list, k)
	if len(ks.list) > 16 {
		ks.set = make(map[string]struct{}, 2*len(ks.list))
		for _, seen := range ks.list {
			ks.set[foldKey(string(seen))] = struct{}{}
		}
		ks.list = nil
	}
	return false
}

func (s *scanner) object(depth int) error {
	var first [8][]byte // most objects have few keys: no allocation for them
	keys := keySet{list: first[:0]}
	s.space()
	if s.i < len(s.data) && s.data[s.i] == '}' {
		s.i++
		return s.token()
	}
	for {
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != '"' {
			return s.unexpected("looking for a key")
		}
		if err := s.token(); err != nil {
			return err
		}
		raw, escaped, err := s.str()
		if err != nil {
			return err
		}
		name := raw[1 : len(raw)-1]
		if escaped {
			var unescaped string
			if err := json.Unmarshal(raw, &unescaped); err != nil {
				return refuse("malformed JSON: key at offset %d: %v", s.i-len(raw), err)
			}
			name = []byte(unescaped)
		}
		if keys.add(name) {
			return refuse("the key %s is written twice in one object (keys are compared without regard to case)", status.Quote(string(name)))
		}
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return s.unexpected("after a key")
		}
		s.i++
		s.space()
		if err := s.value(depth); err != nil {
			return err
		}
		s.space()
		if s.i >= len(s.data) {
			return s.unexpected("")
		}
		switch s.data[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return s.token()
		default:
			return s.unexpected("after an object's member")
		}
	}
}

func (s *scanner) array(depth int) error {
	s.space()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		return s.token()
	}
	for {
		s.space()
		if err := s.value(depth); err != nil {
			return err
		}
		s.space()
		if s.i >= len(s.data) {
			return s.unexpected("")
		}
		switch s.data[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return s.token()
		default:
			return s.unexpected("after an array's element")
		}
	}
}

// str scans a string and returns it with its quotes, and whether it holds
// an escape.
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	start := s.i
	s.i++ // the opening quote
	for s.i < len(s.data) {
		switch c := s.data[s.i]; {
		case c == '"':
			s.i++
			return s.data[start:s.i], escaped, nil
		case c == '\\':
			escaped = true
			if s.i+1 >= len(s.data) {
				s.i++
				return nil, false, s.unexpected("")
			}
			switch s.data[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.data) || !hex4(s.data[s.i+2:s.i+6]) {
					s.i++
					return nil, false, s.unexpected("in a \\u escape")
				}
				if string(s.data[s.i+2:s.i+6]) == "0000" {
					return nil, false, errNUL
				}
				s.i += 6
			default:
				s.i++
				return nil, false, s.unexpected("in a string escape")
			}
		case c < 0x20:
			return nil, false, s.unexpected("in a string")
		default:
			s.i++
		}
	}
	return nil, false, s.unexpected("")
}

// errNUL refuses the NUL character: no field takes it, and PostgreSQL's
// text cannot hold it (the SQLite engine could, so the engines would keep
// different things).
var errNUL = refuse("a string holds the NUL character (\\u0000), which no field takes")

func hex4(b []byte) bool {
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *scanner) number() error {
	if s.data[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.data) && s.data[s.i] == '0':
		s.i++
	case s.digits() == 0:
		return s.unexpected("in a number")
	}
	if s.i < len(s.data) && s.data[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return s.unexpected("after a decimal point")
		}
	}
	if s.i < len(s.data) && (s.data[s.i] == 'e' || s.data[s.i] == 'E') {
		s.i++
		if s.i < len(s.data) && (s.data[s.i] == '+' || s.data[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return s.unexpected("in an exponent")
		}
	}
	return nil
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

func (s *scanner) literal(word string) error {
	if len(s.data)-s.i < len(word) || string(s.data[s.i:s.i+len(word)]) != word {
		return s.unexpected("in a literal (true, false or null)")
	}
	s.i += len(word)
	return nil
}
