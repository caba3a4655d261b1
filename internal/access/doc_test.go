package access

import (
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/doctest"
)

// docs/security.md's table of permissions is generated from the one table.
func TestPermissionsDocIsCurrent(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("| permission | allows |\n|---|---|\n")
	for _, d := range Permissions() {
		b.WriteString("| `" + d.Name + "` | " + d.Means + " |\n")
	}
	doctest.Section(t, "../../docs/security.md", "<!-- BEGIN permissions (generated from internal/access) -->\n",
		"<!-- END permissions -->", b.String(), "go test ./internal/access -run TestPermissionsDoc")
}
