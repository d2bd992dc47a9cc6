package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/atrium-gateway/atrium/config"
)

func configCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with atrium.yaml",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "validate [atrium.yaml]",
		Short: "Check a configuration file without serving it",
		Long: `Check atrium.yaml as 'atrium serve --config' would read it: YAML syntax, unknown keys,
${env.NAME} references to unset variables, and every setting's value. Every problem is
printed with its path; the exit status is 1 when there is any. The file defaults to
./atrium.yaml.`,
		Example: `  atrium config validate
  atrium config validate deploy/atrium.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "atrium.yaml"
			if len(args) == 1 {
				path = args[0]
			}
			if _, err := config.Load(path); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: valid\n", path)
			return nil
		},
	})
	return cmd
}
