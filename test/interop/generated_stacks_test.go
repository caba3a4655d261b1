package interop

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
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
	{
		name: "mono", versions: []string{"1.1", "1.2"},
		exception: "System.Web.Services.Protocols.SoapException",
		check:     func() error { return lookPaths("wsdl", "mcs", "mono") }, // Debian package mono-devel
		// Two ASMX proxies, as .NET's wsdl.exe makes them: one a protocol.
		build: func(ctx context.Context, dir, wsdlURL string) (func(context.Context) *exec.Cmd, error) {
			if err := copyFile("mono_exec.cs", dir); err != nil {
				return nil, err
			}
			for _, step := range [][]string{
				{"wsdl", "-nologo", "-protocol:SOAP", "-n:Ptk11", "-out:Ptk11.cs", wsdlURL},
				{"wsdl", "-nologo", "-protocol:SOAP12", "-n:Ptk12", "-out:Ptk12.cs", wsdlURL},
				{"mcs", "-nologo", "-out:exec.exe", "-r:System.Web.Services.dll", "-r:System.Web.Extensions.dll",
					"-r:System.Xml.dll", "Ptk11.cs", "Ptk12.cs", "mono_exec.cs"},
			} {
				if err := runTool(ctx, dir, step[0], step[1:]...); err != nil {
					return nil, err
				}
			}
			return func(ctx context.Context) *exec.Cmd {
				return exec.CommandContext(ctx, "mono", filepath.Join(dir, "exec.exe"))
			}, nil
		},
	},
}
