// Package connectbrotli registers Brotli compression with connect-go: the API of
// go.withmatt.com/connect-brotli that the Cosmo Router uses (Name, WithCompression).
package connectbrotli

import (
	"connectrpc.com/connect"
	"github.com/andybalholm/brotli"
)

// Name is the name of the Brotli compression in Connect, gRPC and gRPC-Web.
const Name = "br"

type option struct {
	connect.ClientOption
	connect.HandlerOption
}

// WithCompression lets clients and handlers send and accept Brotli-compressed messages.
func WithCompression() connect.Option {
	d := func() connect.Decompressor { return &reader{brotli.NewReader(nil)} }
	c := func() connect.Compressor { return brotli.NewWriterLevel(nil, brotli.DefaultCompression) }
	return option{
		ClientOption:  connect.WithAcceptCompression(Name, d, c),
		HandlerOption: connect.WithCompression(Name, d, c),
	}
}

type reader struct{ *brotli.Reader }

func (r *reader) Close() error { return nil }
