package auth

import "time"

// SetRefreshInterval shortens the JWKS refetch and discovery retry interval of v.
func SetRefreshInterval(v *Verifier, d time.Duration) {
	v.interval = d
	for _, p := range v.providers {
		p.mu.Lock()
		if p.keys != nil {
			p.keys.mu.Lock()
			p.keys.interval = d
			p.keys.mu.Unlock()
		}
		p.mu.Unlock()
	}
}
