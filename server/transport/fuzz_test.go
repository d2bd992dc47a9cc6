package transport

import (
	"net/url"
	"testing"
)

// FuzzDecodeRequest feeds arbitrary bodies and query strings to the request decoders: they
// must return parameters or a client error, never panic.
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		`{"query":"{ __typename }"}`,
		`{"query":"query($a:Int){x(a:$a)}","variables":{"a":1},"operationName":"A"}`,
		`{"query":"{a}","extensions":{"persistedQuery":{"version":1,"sha256Hash":"x"}}}`,
		`{"query":null}`, `[]`, `{"query":"{a}","variables":"{}"}`, "\xff", `{"query":"\u0000"}`,
	} {
		f.Add([]byte(seed), "query=%7Ba%7D&variables=%7B%7D")
	}
	f.Fuzz(func(t *testing.T, body []byte, rawQuery string) {
		if p, err := decodeBody(body); err == nil && p == nil {
			t.Fatal("decodeBody returned neither parameters nor an error")
		} else if err != nil && err.message == "" {
			t.Fatal("a client error needs a message")
		}
		if _, err := url.ParseQuery(rawQuery); err != nil {
			return
		}
		if p, err := paramsFromURL(rawQuery); err == nil && p == nil {
			t.Fatal("paramsFromURL returned neither parameters nor an error")
		}
	})
}
