package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/holdline/holdline/internal/store/sqlitestore"
)

// defaultDataDir is serve's and backup's --data when none is given.
const defaultDataDir = "./holdline-data"

// dbFile is the database's name in a data folder.
const dbFile = "holdline.db"

// newBackupCmd is `holdline backup`: an online, consistent copy of a data
// folder's store.
func newBackupCmd() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Copy the store of a data folder to FILE, while a server may be running on it",
		Long: `Copy the store of --data to FILE, a new file (an existing one is never
overwritten). A server may be running on the folder: the copy is the last
commit before the backup began, and the server goes on serving meanwhile.
The copy is checked and synced before it takes its name, so FILE is either a
whole backup or absent.

To restore, stop the server (or use a new folder), copy FILE to the folder's
holdline.db, and start holdline serve on it (docs/operations.md).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := sqlitestore.Backup(cmd.Context(), filepath.Join(data, dbFile), args[0])
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "backup of %s written to %s: %d interactions, %d history records, schema version %d, %d bytes\n",
				filepath.Join(data, dbFile), info.Path, info.Interactions, info.Records, info.SchemaVersion, info.Bytes)
			return err
		},
	}
	cmd.Flags().StringVar(&data, "data", defaultDataDir, "the data folder whose store to copy")
	return cmd
}
