package config

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite generated docs")

// docs/configuration.md embeds the example between two markers; this test
// keeps that copy identical to the file `holdline config example` prints.
// Run with -update to rewrite it.
func TestConfigurationDocIsCurrent(t *testing.T) {
	t.Parallel()
	const (
		path  = "../../docs/configuration.md"
		begin = "<!-- BEGIN example.yaml -->\n"
		end   = "<!-- END example.yaml -->"
	)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the example markers", path)
	}
	want := doc[:i+len(begin)] + "```yaml\n" + string(Example()) + "```\n" + doc[j:]
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Fatalf("%s is out of date: run go test ./internal/config -run TestConfigurationDoc -update", path)
	}
}
