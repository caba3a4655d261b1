package ptk

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// escape writes what xml.EscapeText writes, for any string: markup,
// whitespace references, characters XML cannot carry, invalid UTF-8.
func FuzzEscapeMatchesEncodingXML(f *testing.F) {
	for _, s := range []string{
		"", "plain", `<a href="x">&'</a>`, "tab\tnew\nline\rcr", "\x00\x01\x1f", "é日本\U0001F600",
		"\xff\xfe", "\uFFFD", "\xef\xbf\xbd", "\ud7ff\ue000\ufffe\uffff", "a\x80b", "\U0010FFFF",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want bytes.Buffer
		escape(&got, s)
		_ = xml.EscapeText(&want, []byte(s))
		if got.String() != want.String() {
			t.Fatalf("escape(%q) = %q, encoding/xml writes %q", s, got.String(), want.String())
		}
	})
}
