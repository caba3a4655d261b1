// Package config reads Holdline's YAML configuration into the domain's
// callback.Settings. It owns the schema (decode.go): it maps the file's keys
// onto values that start from the domain's defaults (callback.NewQueue and
// the like), reads every number through the domain's table of ranges
// (callback.RangeOf), and has the domain validate the result
// (callback.Settings.Validate), reporting every problem of a file at once,
// each with its path ("tenants[1].queues[0].businessHours.mon[0]") and line.
// It also holds the embedded demo configuration that `holdline serve` runs
// without a file, and a complete commented example (`holdline config example`).
//
// Keys are camelCase and exact; enumeration values match case-insensitively
// and are stored in their canonical spelling; durations are Go syntax ("90s")
// or the original product's HH:MM:SS.
package config

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	// The embedded time zone database is the fallback when the machine has
	// none (minimal containers, Windows), so a tenant's time zone always loads.
	_ "time/tzdata"

	"github.com/holdline/holdline/internal/callback"
)

//go:embed demo.yaml
var demoYAML []byte

//go:embed example.yaml
var exampleYAML []byte

// Issue is one problem found in a configuration file.
type Issue struct {
	// Path locates the problem with the file's keys and list indexes,
	// e.g. "tenants[0].segments[2].queue"; it is empty for a problem of the
	// whole file (a YAML syntax error, say).
	Path string
	// Line is the 1-based line the problem is on, or 0 when unknown.
	Line int
	// Message says what is wrong, and usually what is allowed.
	Message string
}

// String renders the issue as "PATH: MESSAGE", or "line N: MESSAGE" for a
// problem of the whole file.
func (i Issue) String() string {
	switch {
	case i.Path != "":
		return i.Path + ": " + i.Message
	case i.Line > 0:
		return fmt.Sprintf("line %d: %s", i.Line, i.Message)
	}
	return i.Message
}

// Error is returned by Parse and Load when a file has problems; it holds all
// of them, so a caller can show every one rather than the first.
type Error struct {
	// Source names the file ("holdline.yaml", "<stdin>").
	Source string
	// Issues are the problems, in the order of the file.
	Issues []Issue
}

// Error renders the source and every issue, one per line after the first.
func (e *Error) Error() string {
	src := e.Source
	if src == "" {
		src = "configuration"
	}
	if len(e.Issues) == 1 {
		return src + ": " + e.Issues[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problems:", src, len(e.Issues))
	for _, is := range e.Issues {
		b.WriteString("\n\t")
		b.WriteString(is.String())
	}
	return b.String()
}

// Load reads and parses the configuration file at path.
func Load(path string) (*callback.Settings, error) {
	c, err := LoadConfig(path)
	if err != nil {
		return nil, err
	}
	return c.Settings, nil
}

// Parse reads a configuration document's settings; source names it in
// errors. When the document has problems it returns an *Error listing all
// of them.
func Parse(data []byte, source string) (*callback.Settings, error) {
	c, err := ParseConfig(data, source)
	if err != nil {
		return nil, err
	}
	return c.Settings, nil
}

// ParseConfig reads a whole configuration document: the settings, the API
// tokens, the delivery tuning and the server's listeners. Relative file
// paths are read from the working directory. When the document has
// problems it returns an *Error listing all of them.
func ParseConfig(data []byte, source string) (*Config, error) {
	c, issues := decode(data, nil)
	if len(issues) > 0 {
		return nil, &Error{Source: source, Issues: issues}
	}
	return c, nil
}

// LoadConfig reads and parses the whole configuration file at path. The
// relative file paths it holds (server.tls) are read from the file's folder.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	c, issues := decodeIn(data, nil, os.LookupEnv, filepath.Dir(path))
	if len(issues) > 0 {
		return nil, &Error{Source: path, Issues: issues}
	}
	return c, nil
}

// Check validates a configuration document and returns every problem found,
// in the order of the file; none means Parse will succeed.
func Check(data []byte) []Issue {
	_, issues := decode(data, nil)
	return issues
}

// Demo returns a fresh copy of the embedded demo configuration: the tenants,
// segments and queues of the PTK reference's examples (VHTLab/PTK_VHT_TEST,
// Portree/VHT_Test, VHT/VHT_Test), open 24/7, licensed, in Normal mode. It
// goes through Parse like any file and panics only if the embedded file is
// broken, which the package's tests rule out.
func Demo() *callback.Settings { return DemoConfig().Settings }

// DemoConfig returns a fresh copy of the whole embedded demo configuration
// (no API tokens: the demo's JSON API is open).
func DemoConfig() *Config {
	c, err := ParseConfig(demoYAML, "demo.yaml")
	if err != nil {
		panic(fmt.Sprintf("config: the embedded demo configuration is invalid: %v", err))
	}
	return c
}

// Example returns the complete commented example configuration: every key,
// what it does, its default and its allowed values. It is a valid file.
func Example() []byte { return bytes.Clone(exampleYAML) }
