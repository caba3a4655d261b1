package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// requestTimeout bounds one request on the wire, so that a stuck server
// ends a run with errors instead of hanging it.
const requestTimeout = 30 * time.Second

// conn is one HTTP/1.1 keep-alive connection of the load generator. It
// writes requests it built itself and reads answers with net/http's
// response reader, so that the generator spends as little CPU per request
// as it can: a heavy client would flatter the ratios (issue #11).
type conn struct {
	addr string
	nc   net.Conn
	br   *bufio.Reader
	req  []byte
	body bytes.Buffer
}

// answer is what a request came back with. Body is valid until the
// connection's next request.
type answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// dial connects, or reconnects after a failure.
func (c *conn) dial(ctx context.Context) error {
	if c.nc != nil {
		return nil
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", c.addr, err)
	}
	c.nc = nc
	if c.br == nil {
		c.br = bufio.NewReaderSize(nc, 16<<10)
	} else {
		c.br.Reset(nc)
	}
	return nil
}

// close drops the connection; the next request dials again.
func (c *conn) close() {
	if c.nc != nil {
		_ = c.nc.Close()
		c.nc = nil
	}
}

// post sends body to path as a SOAP 1.1 POST and reads the whole answer.
func (c *conn) post(ctx context.Context, path string, body []byte) (answer, error) {
	if err := c.dial(ctx); err != nil {
		return answer{}, err
	}
	c.req = appendRequest(c.req[:0], c.addr, path, body)
	if err := c.nc.SetDeadline(time.Now().Add(requestTimeout)); err != nil {
		c.close()
		return answer{}, fmt.Errorf("set deadline: %w", err)
	}
	if _, err := c.nc.Write(c.req); err != nil {
		c.close()
		return answer{}, fmt.Errorf("write request: %w", err)
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.close()
		return answer{}, fmt.Errorf("read answer: %w", err)
	}
	c.body.Reset()
	_, err = c.body.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		c.close()
		return answer{}, fmt.Errorf("read answer's body: %w", err)
	}
	if resp.Close {
		c.close()
	}
	return answer{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: c.body.Bytes()}, nil
}

// appendRequest appends an HTTP/1.1 POST of a SOAP 1.1 body to buf.
func appendRequest(buf []byte, host, path string, body []byte) []byte {
	buf = append(buf, "POST "...)
	buf = append(buf, path...)
	buf = append(buf, " HTTP/1.1\r\nHost: "...)
	buf = append(buf, host...)
	buf = append(buf, "\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: "...)
	buf = strconv.AppendInt(buf, int64(len(body)), 10)
	buf = append(buf, "\r\n\r\n"...)
	return append(buf, body...)
}

// ptkCode is the status code of a PTK answer: the first <Code> element's
// number, or 0 when the body has none.
func ptkCode(body []byte) int {
	i := bytes.Index(body, []byte("<Code>"))
	if i < 0 {
		return 0
	}
	n := 0
	for _, b := range body[i+len("<Code>"):] {
		if b < '0' || b > '9' {
			break
		}
		n = n*10 + int(b-'0')
	}
	return n
}

// outcome classifies an answer: "" for a 200 with PTK code 107000 (the
// request completed), otherwise what went wrong, as the key under which
// errors are counted.
func outcome(a answer, err error) string {
	switch {
	case err != nil:
		return "transport"
	case a.Status != http.StatusOK:
		return "http " + strconv.Itoa(a.Status)
	}
	switch code := ptkCode(a.Body); code {
	case completed:
		return ""
	case 0:
		return "no PTK code"
	default:
		return "ptk " + strconv.Itoa(code)
	}
}

// completed is the PTK code of a request the platform completed.
const completed = 107000
