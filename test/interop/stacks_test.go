package interop

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// scriptStacks are the stacks TestMoreClients runs: their scripts are the
// executors.
var scriptStacks = []stack{
	{
		name: "php", versions: []string{"1.1", "1.2"},
		install:   "Debian packages php-cli and php-soap",
		exception: "SoapFault",
		check: func() error {
			return exec.Command("php", "-r", "exit(class_exists('SoapClient') ? 0 : 1);").Run()
		},
		build: func(_ context.Context, _, wsdlURL string, w *wsdlInfo) (executor, error) {
			return func(ctx context.Context, version string) *exec.Cmd {
				return exec.CommandContext(ctx, "php", "php_client.php", wsdlURL, version, w.ports[version])
			}, nil
		},
	},
	{
		name: "soaplite", versions: []string{"1.1", "1.2"},
		install:   "Debian package libsoap-lite-perl",
		exception: "SOAP::SOM->fault", // SOAP::Lite answers a SOM whose fault is set
		check:     func() error { return exec.Command("perl", "-MSOAP::Lite", "-e", "1").Run() },
		// Without the WSDL: the endpoint is the address of the version's port.
		build: func(_ context.Context, _, wsdlURL string, w *wsdlInfo) (executor, error) {
			endpoint := strings.TrimSuffix(wsdlURL, "?wsdl")
			return func(ctx context.Context, version string) *exec.Cmd {
				return exec.CommandContext(ctx, "perl", "soaplite_client.pl", endpoint, version, w.ports[version])
			}, nil
		},
	},
}

// generatedStacks are the stacks TestGeneratedClients runs, each generating
// its client from the served WSDL into a temporary folder, once per run.
var generatedStacks = []stack{
	{
		name: "suds", versions: []string{"1.1"}, // suds has no SOAP 1.2 at all
		install:   "Debian package python3-suds",
		exception: "suds.WebFault",
		check:     func() error { return pythonModule("suds", "python3-suds") },
		// suds builds its types and proxy from the WSDL when it starts.
		build: func(_ context.Context, _, wsdlURL string, _ *wsdlInfo) (executor, error) {
			return func(ctx context.Context, _ string) *exec.Cmd {
				return exec.CommandContext(ctx, zeepPython, "suds_exec.py", wsdlURL)
			}, nil
		},
	},
	{
		name: "mono", versions: []string{"1.1", "1.2"},
		install:   "Debian package mono-devel",
		exception: "System.Web.Services.Protocols.SoapException",
		check:     func() error { return lookPaths("wsdl", "mcs", "mono") },
		// Two ASMX proxies, as .NET's wsdl.exe makes them: one a protocol.
		build: func(ctx context.Context, dir, wsdlURL string, _ *wsdlInfo) (executor, error) {
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
			return func(ctx context.Context, _ string) *exec.Cmd {
				return exec.CommandContext(ctx, "mono", filepath.Join(dir, "exec.exe"))
			}, nil
		},
	},
	{
		name: "jaxws", versions: []string{"1.1", "1.2"},
		install:   "Debian packages jaxws, libjaxws-java and a JDK",
		exception: "javax.xml.ws.soap.SOAPFaultException",
		check: func() error {
			if err := lookPaths("wsimport", "javac", "java"); err != nil {
				return err
			}
			_, err := os.Stat(jaxwsLib + "/jaxws-rt.jar")
			return err
		},
		// wsimport -extension: without it wsimport drops the SOAP 1.2 port
		// ("uses a non-standard SOAP 1.2 binding").
		build: func(ctx context.Context, dir, wsdlURL string, _ *wsdlInfo) (executor, error) {
			src, classes := filepath.Join(dir, "src"), filepath.Join(dir, "classes")
			if err := errors.Join(os.Mkdir(src, 0o755), os.Mkdir(classes, 0o755), copyFile("JaxwsExec.java", src)); err != nil {
				return nil, err
			}
			if err := runTool(ctx, dir, "wsimport", "-quiet", "-extension", "-Xnocompile", "-d", src, "-p", "ptk", wsdlURL); err != nil {
				return nil, err
			}
			sources, err := filepath.Glob(filepath.Join(src, "ptk", "*.java"))
			if err != nil {
				return nil, fmt.Errorf("list the Java sources wsimport generated: %w", err)
			}
			if len(sources) == 0 {
				return nil, fmt.Errorf("wsimport generated no Java sources in %s", src)
			}
			javac := append([]string{"-nowarn", "-encoding", "UTF-8", "-cp", jaxwsLib + "/*", "-d", classes,
				filepath.Join(src, "JaxwsExec.java")}, sources...)
			if err := runTool(ctx, dir, "javac", javac...); err != nil {
				return nil, err
			}
			return func(ctx context.Context, _ string) *exec.Cmd {
				return exec.CommandContext(ctx, "java", "-cp", classes+":"+jaxwsLib+"/*", "JaxwsExec")
			}, nil
		},
	},
	{
		name: "gsoap", versions: []string{"1.1", "1.2"},
		install:   "Debian packages gsoap, libgsoap-dev and g++",
		exception: "SOAP_FAULT", // gSOAP's C++ proxies answer an error code, not an exception
		flatArgs:  true,
		check: func() error {
			if err := lookPaths("wsdl2h", "soapcpp2", "g++"); err != nil {
				return err
			}
			_, err := os.Stat("/usr/include/stdsoap2.h")
			return err
		},
		build: buildGSOAP,
	},
}

// jaxwsLib holds the JAX-WS RI's jars (Debian package jaxws): wsimport's
// code compiles and runs against them, since JDK 11 and later lack JAX-WS.
const jaxwsLib = "/usr/share/jaxws/lib"

// buildGSOAP generates the gSOAP client (wsdl2h -Nport: the types and
// operations prefixed port__), then one build for each SOAP version
// (soapcpp2 -1 and -2: a wsdl2h proxy sends the version it was generated
// for, whatever soap_set_version says), each with the proxy of that version's
// port and the executor, linked with libgsoap++.
func buildGSOAP(ctx context.Context, dir, wsdlURL string, w *wsdlInfo) (executor, error) {
	if err := errors.Join(copyFile("gsoap/gsoap_exec.cpp", dir), runTool(ctx, dir, "wsdl2h", "-Nport", "-x", "-o", "ptk.h", wsdlURL)); err != nil {
		return nil, err
	}
	var ops strings.Builder
	for _, op := range w.operations {
		fmt.Fprintf(&ops, " OP(%s)", op)
	}
	// The two builds are compiled at once.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, version := range []string{"1.1", "1.2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = buildGSOAPVersion(ctx, dir, version, w.ports[version], ops.String())
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return func(ctx context.Context, version string) *exec.Cmd {
		return exec.CommandContext(ctx, filepath.Join(dir, "soap"+version, "exec"))
	}, nil
}

// buildGSOAPVersion builds the executor of one SOAP version in dir/soapV,
// with the proxy of the version's port.
func buildGSOAPVersion(ctx context.Context, dir, version, port, ops string) error {
	vdir := filepath.Join(dir, "soap"+version)
	stackH := fmt.Sprintf("#include \"soap%[1]sProxy.h\"\n#include \"%[1]s.nsmap\"\n#define PROXY %[1]sProxy\n#define PORT %[1]q\n#define OPERATIONS%[2]s\n",
		port, ops)
	if err := errors.Join(os.Mkdir(vdir, 0o755), os.WriteFile(filepath.Join(vdir, "gsoap_stack.h"), []byte(stackH), 0o644)); err != nil {
		return err
	}
	flag := map[string]string{"1.1": "-1", "1.2": "-2"}[version]
	if err := runTool(ctx, vdir, "soapcpp2", flag, "-j", "-C", "-x", "-w", "-L", "-I/usr/share/gsoap/import", "../ptk.h"); err != nil {
		return err
	}
	return runTool(ctx, vdir, "g++", "-O0", "-w", "-I.", "-o", "exec", "../gsoap_exec.cpp", "soapC.cpp",
		"soap"+port+"Proxy.cpp", "-lgsoap++")
}
