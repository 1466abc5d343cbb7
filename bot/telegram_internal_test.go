package bot

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A streamed body (the library's multipart pipe) leaves with its length
// known, not chunked: one write, whole or not at all.
func TestClientSendsWholeBodies(t *testing.T) {
	var gotLen int64
	var gotTE []string
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotLen, gotTE = r.ContentLength, r.TransferEncoding
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
	}))
	defer srv.Close()
	pr, pw := io.Pipe()
	go func() {
		for _, part := range []string{"chat_id=1", "&text=", "xin chào"} {
			pw.Write([]byte(part))
		}
		pw.Close()
	}()
	resp, err := NewHTTPClient(time.Second).Post(srv.URL, "application/x-www-form-urlencoded", pr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := "chat_id=1&text=xin chào"
	if gotBody != want || gotLen != int64(len(want)) || len(gotTE) != 0 {
		t.Fatalf("body %q length %d transfer-encoding %v, want %q with its length and no chunking", gotBody, gotLen, gotTE, want)
	}
	if strings.Contains(gotBody, "\r\n") {
		t.Fatal("chunk framing in the body")
	}
}
