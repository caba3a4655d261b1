// Package doctest keeps generated documentation equal to the code it is
// generated from: a test renders the text, and doctest fails when the file
// on disk differs, or rewrites it when the test runs with -update. Only
// tests import it.
package doctest

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite generated documentation")

// File checks that the file at path is exactly content.
func File(t testing.TB, path, content, rerun string) {
	t.Helper()
	check(t, path, func(string) (string, bool) { return content, true }, rerun)
}

// Section checks that the text of the file at path between the lines begin
// and end (both kept) is exactly content.
func Section(t testing.TB, path, begin, end, content, rerun string) {
	t.Helper()
	check(t, path, func(doc string) (string, bool) {
		i, j := strings.Index(doc, begin), strings.Index(doc, end)
		if i < 0 || j < i {
			return "", false
		}
		return doc[:i+len(begin)] + content + doc[j:], true
	}, rerun)
}

// check compares the file with what want makes of it; rerun is the command
// that regenerates it, for the failure message.
func check(t testing.TB, path string, want func(doc string) (string, bool), rerun string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil && (!*update || !os.IsNotExist(err)) {
		t.Fatalf("%v (run %s -update)", err, rerun)
	}
	doc := string(raw)
	next, ok := want(doc)
	if !ok {
		t.Fatalf("%s lacks the markers of its generated section", path)
	}
	if *update {
		if err := os.WriteFile(path, []byte(next), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != next {
		t.Fatalf("%s is out of date: run %s -update", path, rerun)
	}
}
