package config

// issuerProblems checks the token issuer's settings; the URL default stands in for the
// listen address, which only serve knows.
func (c *Config) issuerProblems() []string {
	var out []string
	for _, p := range c.Issuer.WithDefaults("127.0.0.1:4000").Problems(c.Auth.Providers) {
		out = append(out, "issuer."+p)
	}
	return out
}
