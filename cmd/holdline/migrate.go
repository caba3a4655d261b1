package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
)

// versioned is a store that says the version of its schema (both engines
// do).
type versioned interface {
	SchemaVersion(ctx context.Context) (int64, error)
}

// newMigrateCmd is `holdline migrate`: bring a store's schema up to date
// without serving.
func newMigrateCmd() *cobra.Command {
	var configPath, data, store string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Bring the store's schema up to date, without serving",
		Long: `Apply the schema migrations this binary holds to the store serve would run
on (--store, else HOLDLINE_STORE, else the configuration's store.url, else
SQLite in --data), print the schema version, and exit. serve does the same at
start; migrate lets an upgrade do it first, with no server running: like a
second server, it is refused while one runs on the same data.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, _, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			url, err := storeURL(store, cfg.Store, os.Getenv)
			if err != nil {
				return err
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			st, err := openStore(cmd.Context(), url, data, log)
			if err != nil {
				return err
			}
			defer st.close()
			vs, ok := st.Store.(versioned)
			if !ok {
				return fmt.Errorf("the store at %s does not say its schema version", st.where)
			}
			version, err := vs.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: schema version %d\n", st.where, version)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&configPath, "config", "", "configuration file, for its store.url (default: none)")
	fl.StringVar(&data, "data", defaultDataDir, "the data folder of the SQLite store")
	fl.StringVar(&store, "store", "", "PostgreSQL URL of the store (default: $"+storeEnv+", then store.url)")
	return cmd
}
