// Package webhook signs and verifies the HTTP messages Holdline sends:
// pushed launches, events and notifications. It is the one public package
// of the module, so that receivers written in Go can verify what they get:
//
//	body, _ := io.ReadAll(r.Body)
//	if err := webhook.VerifyRequest(secret, r.Header, body, time.Now(), webhook.DefaultTolerance); err != nil {
//		http.Error(w, "bad signature", http.StatusUnauthorized)
//		return
//	}
//	key := r.Header.Get(webhook.HeaderIdempotencyKey) // de-duplicate on it
//
// The signature is HMAC-SHA256, keyed with the shared secret, over the
// timestamp header's value, a dot, and the raw body:
//
//	X-Holdline-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))
//
// so a receiver without Go can check it with
// `printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret"`.
// Checking the timestamp against the receiver's clock (within a tolerance)
// refuses a message replayed later.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of every message.
const (
	// HeaderTimestamp is when the message was signed, in Unix seconds.
	HeaderTimestamp = "X-Holdline-Timestamp"
	// HeaderSignature is "v1=" and the hex HMAC-SHA256; it may list several
	// signatures separated by commas (any one that matches is enough).
	HeaderSignature = "X-Holdline-Signature"
	// HeaderEvent is the message's type ("callback.completed", "launch").
	HeaderEvent = "X-Holdline-Event"
	// HeaderIdempotencyKey is the same on every attempt to deliver one
	// message: a receiver processes each key once.
	HeaderIdempotencyKey = "X-Holdline-Idempotency-Key"
	// HeaderAttempt counts delivery attempts, from 1 (informational).
	HeaderAttempt = "X-Holdline-Attempt"
)

// SchemeV1 prefixes a signature of the current scheme.
const SchemeV1 = "v1"

// DefaultTolerance is how far a message's timestamp may be from the
// receiver's clock: five minutes, either way.
const DefaultTolerance = 5 * time.Minute

// Errors Verify returns; they wrap more detail.
var (
	// ErrNoSignature: the message carries no signature or timestamp.
	ErrNoSignature = errors.New("webhook: no signature")
	// ErrBadSignature: no signature matches the body and timestamp.
	ErrBadSignature = errors.New("webhook: signature mismatch")
	// ErrStale: the timestamp is outside the tolerance.
	ErrStale = errors.New("webhook: timestamp outside the tolerance")
)

// Signature is the v1 signature of body signed at timestamp (Unix seconds)
// with secret: the hex HMAC-SHA256 of timestamp + "." + body.
func Signature(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Sign sets the timestamp and signature headers of a message with body,
// signed at now with secret.
func Sign(h http.Header, secret string, now time.Time, body []byte) {
	ts := now.Unix()
	h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	h.Set(HeaderSignature, SchemeV1+"="+Signature(secret, ts, body))
}

// Verify checks a message: timestamp and signature are the values of the
// X-Holdline-Timestamp and X-Holdline-Signature headers, body the raw body
// as received. The signature must match, and the timestamp be within
// tolerance of now (a tolerance of zero or less skips that check).
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	if timestamp == "" || signature == "" {
		return ErrNoSignature
	}
	ts, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrBadSignature, timestamp)
	}
	want, err := hex.DecodeString(Signature(secret, ts, body))
	if err != nil {
		return err
	}
	matched := false
	for _, part := range strings.Split(signature, ",") {
		scheme, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || scheme != SchemeV1 {
			continue
		}
		got, err := hex.DecodeString(value)
		if err == nil && hmac.Equal(got, want) {
			matched = true
		}
	}
	if !matched {
		return ErrBadSignature
	}
	if tolerance > 0 {
		if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
			return fmt.Errorf("%w: signed %s ago, tolerance %s", ErrStale, d.Round(time.Second), tolerance)
		}
	}
	return nil
}

// VerifyRequest is Verify with the values of headers h.
func VerifyRequest(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	return Verify(secret, h.Get(HeaderTimestamp), h.Get(HeaderSignature), body, now, tolerance)
}
