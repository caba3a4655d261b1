package interop

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
)

// generatedStacks are the stacks TestGeneratedClients runs, each generating
// its client from the served WSDL into a temporary folder, once per run.
var generatedStacks = []stack{
	{
		name: "suds", versions: []string{"1.1"}, // suds has no SOAP 1.2 at all
		exception: "suds.WebFault",
		check: func() error {
			if out, err := exec.Command(zeepPython, "-c", "import suds").CombinedOutput(); err != nil {
				return fmt.Errorf("%s cannot import suds (Debian package python3-suds): %w %s", zeepPython, err, bytes.TrimSpace(out))
			}
			return nil
		},
		// suds builds its types and proxy from the WSDL when it starts.
		build: func(_ context.Context, _, wsdlURL string) (func(context.Context) *exec.Cmd, error) {
			return func(ctx context.Context) *exec.Cmd {
				return exec.CommandContext(ctx, zeepPython, "suds_exec.py", wsdlURL)
			}, nil
		},
	},
}
