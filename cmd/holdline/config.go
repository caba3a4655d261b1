package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/holdline/holdline/internal/config"
)

// newConfigCmd is `holdline config`: print the example configuration and
// check configuration files.
func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the example configuration or check a configuration file",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newConfigExampleCmd(), newConfigCheckCmd())
	return cmd
}

// newConfigExampleCmd is `holdline config example`.
func newConfigExampleCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "example",
		Short: "Print a complete, commented example configuration",
		Long: `Print a complete example configuration: every key, with what it does, its
default and its allowed values. It is a valid file:

  holdline config example > holdline.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := cmd.OutOrStdout().Write(config.Example()); err != nil {
				return fmt.Errorf("write the example: %w", err)
			}
			return nil
		},
	}
}

// newConfigCheckCmd is `holdline config check FILE`.
func newConfigCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "Check a configuration file and list every problem",
		Long: `Check a configuration file ("-" reads standard input). Every problem is
printed to standard error as "FILE: PATH: MESSAGE" and the command exits with
status 1; a valid file prints a summary to standard output.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfigCheck(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0])
		},
	}
}

// runConfigCheck checks the file at path ("-" for stdin).
func runConfigCheck(stdin io.Reader, stdout, stderr io.Writer, path string) error {
	name := path
	var (
		c   *config.Config
		err error
	)
	if path == "-" {
		name = "<stdin>"
		data, rerr := io.ReadAll(stdin)
		if rerr != nil {
			return fmt.Errorf("read configuration: %w", rerr)
		}
		c, err = config.ParseConfig(data, name)
	} else {
		c, err = config.LoadConfig(path) // relative TLS paths: the file's folder
	}
	var cerr *config.Error
	if errors.As(err, &cerr) {
		for _, is := range cerr.Issues {
			if _, werr := fmt.Fprintf(stderr, "%s: %s\n", name, is); werr != nil {
				return fmt.Errorf("write the issues: %w", werr)
			}
		}
		return exitError{code: 1}
	}
	if err != nil {
		return err // the file cannot be read: "read configuration: open FILE: ..."
	}
	segments, queues := 0, 0
	for _, t := range c.Settings.Tenants {
		segments += len(t.Segments)
		queues += len(t.Queues)
	}
	tls := ""
	switch {
	case c.Server.TLS.ClientCA != "":
		tls = ", mutual TLS"
	case c.Server.TLS.Enabled():
		tls = ", TLS"
	}
	if _, err := fmt.Fprintf(stdout, "%s: ok (%s, %s, %s%s)\n", name,
		plural(len(c.Settings.Tenants), "tenant"), plural(segments, "segment"), plural(queues, "queue"), tls); err != nil {
		return fmt.Errorf("write the summary: %w", err)
	}
	return nil
}

// plural renders a count with its noun: "1 tenant", "3 queues".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
