package ptk

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/holdline/holdline/internal/status"
)

// Encodings of a request body: UTF-8 (with or without a byte-order mark),
// UTF-16 with a byte-order mark (WS-I Basic Profile allows both), and the
// single-byte encodings old SOAP stacks declare. Everything is converted to
// UTF-8 before the XML decoder reads it.

// byteOrderMark is the mark a body starts with, which decides its encoding.
type byteOrderMark int

const (
	noBOM byteOrderMark = iota
	bomUTF8
	bomUTF16LE
	bomUTF16BE
)

// withoutBOM reads the byte-order mark r may start with and returns the rest
// of r as UTF-8: a UTF-16 body (WS-I Basic Profile allows UTF-8 and UTF-16)
// is converted as it is read. Without a mark r is returned as it is; its XML
// declaration may still name another encoding (charsetReader).
//
// br is the buffered reader to read r through (readers.go's pool).
func withoutBOM(br *bufio.Reader, r io.Reader) (io.Reader, byteOrderMark, error) {
	br.Reset(r)
	head, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, noBOM, err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		return br, bomUTF8, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		_, _ = br.Discard(2)
		return utf16Reader(br, binary.LittleEndian), bomUTF16LE, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		_, _ = br.Discard(2)
		return utf16Reader(br, binary.BigEndian), bomUTF16BE, nil
	}
	return br, noBOM, nil
}

// charsetReader lets the decoder read the encoding an XML declaration names:
// UTF-16 when the body started with a UTF-16 mark (it is UTF-8 by now), and
// the few single-byte encodings old SOAP stacks declare. UTF-8 needs no
// conversion and does not come here. A refusal is kept in d.charsetErr, so
// that the fault says it without the parser's wrapping.
func (d *envDecoder) charsetReader(label string, in io.Reader) (io.Reader, error) {
	out, err := charset(d.bom, label, in)
	if err != nil {
		d.charsetErr = fmt.Errorf("the XML declaration's encoding %s %w", status.Quote(label), err)
	}
	return out, err
}

// charset returns in read as UTF-8 for a body that started with bom and
// declares the encoding label.
func charset(bom byteOrderMark, label string, in io.Reader) (io.Reader, error) {
	name := strings.ToLower(strings.TrimSpace(label))
	switch bom {
	case bomUTF16LE, bomUTF16BE:
		if name == "utf-16" || name == "utf16" || name == "utf-16le" || name == "utf-16be" {
			return in, nil
		}
		return nil, errors.New("contradicts the UTF-16 byte-order mark the body starts with")
	case bomUTF8:
		return nil, errors.New("contradicts the UTF-8 byte-order mark the body starts with")
	}
	switch name {
	case "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
		br := bufio.NewReader(in)
		return &utf8Reader{next: func() (rune, error) {
			b, err := br.ReadByte()
			return rune(b), err
		}}, nil
	}
	return nil, errors.New("is not supported: send UTF-8, or UTF-16 starting with a byte-order mark")
}

// utf16Reader converts UTF-16 in the given byte order (the mark already read)
// to UTF-8; an odd length or an unpaired surrogate is an error.
func utf16Reader(br *bufio.Reader, order binary.ByteOrder) io.Reader {
	unit := func() (uint16, error) {
		var b [2]byte
		var err error
		if b[0], err = br.ReadByte(); err != nil {
			return 0, err
		}
		if b[1], err = br.ReadByte(); err != nil {
			if errors.Is(err, io.EOF) {
				return 0, errors.New("invalid UTF-16: the body has an odd number of bytes")
			}
			return 0, err
		}
		return order.Uint16(b[:]), nil
	}
	return &utf8Reader{next: func() (rune, error) {
		u, err := unit()
		if err != nil || !utf16.IsSurrogate(rune(u)) {
			return rune(u), err
		}
		if u >= 0xDC00 {
			return 0, fmt.Errorf("invalid UTF-16: low surrogate U+%04X without a high one", u)
		}
		low, err := unit()
		if errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("invalid UTF-16: high surrogate U+%04X at the end of the body", u)
		}
		if err != nil {
			return 0, err
		}
		r := utf16.DecodeRune(rune(u), rune(low))
		if r == utf8.RuneError {
			return 0, fmt.Errorf("invalid UTF-16: high surrogate U+%04X followed by U+%04X", u, low)
		}
		return r, nil
	}}
}

// utf8Reader writes the characters next reads from another encoding as UTF-8.
// The first error of next (io.EOF at the end) is returned from then on.
type utf8Reader struct {
	next    func() (rune, error)
	pending []byte
	err     error
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(u.pending) > 0 {
			c := copy(p[n:], u.pending)
			u.pending = u.pending[c:]
			n += c
			continue
		}
		if u.err == nil {
			var r rune
			if r, u.err = u.next(); u.err == nil {
				u.pending = utf8.AppendRune(u.pending[:0], r)
				continue
			}
		}
		if n > 0 {
			return n, nil
		}
		return 0, u.err
	}
	return n, nil
}
