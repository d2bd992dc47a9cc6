// Command atrium is the Atrium GraphQL federation gateway.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := rootCommand().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "atrium:", err)
		os.Exit(1)
	}
}

func rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "atrium",
		Short:         "Atrium: a GraphQL federation gateway",
		Long:          "Atrium serves one GraphQL API over many backends: it plans each query across Apollo Federation subgraphs, runs the plan and merges the answers.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCommand(), composeCommand(), planCommand(), versionCommand(), subgraphCommand(), supergraphCommand(), connectorCommand(), clientCommand())
	root.AddCommand(devIDPCommand(), configCommand())
	return root
}

func versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the Atrium version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "atrium", version)
		},
	}
}
