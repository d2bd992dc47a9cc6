package issuer

import (
	"context"
	"time"
)

// RotateNow adds a new signing key whatever the age of the current one, as the schedule
// would once it is due.
func RotateNow(ctx context.Context, i *Issuer) error {
	rotation := i.keys.rotation
	i.keys.rotation = -time.Second // every key is older than "now + 1s"
	defer func() { i.keys.rotation = rotation }()
	return i.keys.ensure(ctx)
}
