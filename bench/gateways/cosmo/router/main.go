// Command router is the WunderGraph Cosmo Router, built from the module version pinned in
// go.mod for Atrium's federated benchmark (see ../../README.md). It is the router's own
// main package (github.com/wundergraph/cosmo/router/cmd/router), unchanged.
package main

import routercmd "github.com/wundergraph/cosmo/router/cmd"

func main() {
	routercmd.Main()
}
