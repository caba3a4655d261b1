package config

import (
	"testing"

	"github.com/holdline/holdline/internal/doctest"
)

// docs/configuration.md embeds the example between two markers; this test
// keeps that copy identical to the file `holdline config example` prints.
// Run with -update to rewrite it.
func TestConfigurationDocIsCurrent(t *testing.T) {
	t.Parallel()
	doctest.Section(t, "../../docs/configuration.md", "<!-- BEGIN example.yaml -->\n", "<!-- END example.yaml -->",
		"```yaml\n"+string(Example())+"```\n", "go test ./internal/config -run TestConfigurationDoc")
}
