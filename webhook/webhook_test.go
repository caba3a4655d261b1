package webhook_test

import (
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/webhook"
)

var (
	now    = time.Unix(1_790_000_000, 0)
	secret = "whsec_5d3f0c"
	body   = []byte(`{"id":"ev-42","type":"callback.completed","tenant":"VHTLab","data":{"callback":{"id":"V0001"}}}`)
)

// signed returns the headers of body signed at now.
func signed() http.Header {
	h := http.Header{}
	webhook.Sign(h, secret, now, body)
	return h
}

func TestSignedMessageVerifies(t *testing.T) {
	t.Parallel()
	h := signed()
	if got := h.Get(webhook.HeaderTimestamp); got != "1790000000" {
		t.Fatalf("timestamp header %q", got)
	}
	if sig := h.Get(webhook.HeaderSignature); !strings.HasPrefix(sig, "v1=") || len(sig) != 3+64 {
		t.Fatalf("signature header %q, want v1= and 64 hex digits", sig)
	}
	for _, at := range []time.Time{now, now.Add(webhook.DefaultTolerance), now.Add(-webhook.DefaultTolerance)} {
		if err := webhook.VerifyRequest(secret, h, body, at, webhook.DefaultTolerance); err != nil {
			t.Fatalf("verify at %s: %v", at, err)
		}
	}
}

// Acceptance 3: a tampered body, a tampered timestamp, another secret or a
// missing header is detected.
func TestTamperingIsDetected(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		secret, ts, sig string
		body            []byte
		want            error
	}{
		"TamperedBody":       {secret: secret, body: []byte(strings.Replace(string(body), "completed", "cancelled", 1)), want: webhook.ErrBadSignature},
		"OneByteAppended":    {secret: secret, body: append([]byte(string(body)), ' '), want: webhook.ErrBadSignature},
		"EmptyBody":          {secret: secret, body: []byte{}, want: webhook.ErrBadSignature},
		"TamperedTimestamp":  {secret: secret, ts: "1790000001", body: body, want: webhook.ErrBadSignature},
		"GarbageTimestamp":   {secret: secret, ts: "soon", body: body, want: webhook.ErrBadSignature},
		"OtherSecret":        {secret: "whsec_other", body: body, want: webhook.ErrBadSignature},
		"TamperedSignature":  {secret: secret, sig: "v1=" + strings.Repeat("0", 64), body: body, want: webhook.ErrBadSignature},
		"UnknownScheme":      {secret: secret, sig: "v0=" + signed().Get(webhook.HeaderSignature)[3:], body: body, want: webhook.ErrBadSignature},
		"NoSignatureHeader":  {secret: secret, sig: "-", body: body, want: webhook.ErrNoSignature},
		"NoTimestampHeader":  {secret: secret, ts: "-", body: body, want: webhook.ErrNoSignature},
		"ReplayedAnHourLate": {secret: secret, body: body, want: webhook.ErrStale},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := signed()
			for header, v := range map[string]string{webhook.HeaderTimestamp: c.ts, webhook.HeaderSignature: c.sig} {
				switch v {
				case "":
				case "-":
					h.Del(header)
				default:
					h.Set(header, v)
				}
			}
			at := now
			if errors.Is(c.want, webhook.ErrStale) {
				at = now.Add(time.Hour)
			}
			err := webhook.VerifyRequest(c.secret, h, c.body, at, webhook.DefaultTolerance)
			if !errors.Is(err, c.want) {
				t.Fatalf("verify: %v, want %v", err, c.want)
			}
		})
	}
}

func TestToleranceZeroSkipsTheClockCheck(t *testing.T) {
	t.Parallel()
	if err := webhook.VerifyRequest(secret, signed(), body, now.Add(1000*time.Hour), 0); err != nil {
		t.Fatal(err)
	}
}

// A receiver rotating secrets may be sent several signatures: any one matches.
func TestAnyOfSeveralSignaturesMatches(t *testing.T) {
	t.Parallel()
	good := signed().Get(webhook.HeaderSignature)
	h := signed()
	h.Set(webhook.HeaderSignature, "v1="+strings.Repeat("ab", 32)+", "+good)
	if err := webhook.VerifyRequest(secret, h, body, now, time.Minute); err != nil {
		t.Fatal(err)
	}
}

// The signature is what docs/integration.md's shell recipe computes:
// printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret".
func TestSignatureMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	h := signed()
	cmd := exec.Command("sh", "-c", `printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //'`)
	cmd.Env = append(cmd.Environ(), "TS="+h.Get(webhook.HeaderTimestamp), "BODY="+string(body), "SECRET="+secret)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := "v1="+strings.TrimSpace(string(out)), h.Get(webhook.HeaderSignature); got != want {
		t.Fatalf("openssl says %s, Sign says %s", got, want)
	}
	// And a tampered body gives openssl another digest too.
	cmd = exec.Command("sh", "-c", `printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //'`)
	cmd.Env = append(cmd.Environ(), "TS="+h.Get(webhook.HeaderTimestamp), "BODY="+string(body)+"x", "SECRET="+secret)
	if out, err = cmd.Output(); err != nil || "v1="+strings.TrimSpace(string(out)) == h.Get(webhook.HeaderSignature) {
		t.Fatalf("openssl on a tampered body: %s, %v", out, err)
	}
}

func ExampleVerifyRequest() {
	secret := "whsec_5d3f0c"
	body := []byte(`{"id":"ev-42","type":"callback.completed"}`)
	h := http.Header{}
	webhook.Sign(h, secret, time.Unix(1_790_000_000, 0), body) // what Holdline does
	// In a receiver: the raw body, the request's headers, the receiver's clock.
	err := webhook.VerifyRequest(secret, h, body, time.Unix(1_790_000_030, 0), webhook.DefaultTolerance)
	tampered := webhook.VerifyRequest(secret, h, []byte(`{"id":"ev-42","type":"callback.failed"}`), time.Unix(1_790_000_030, 0), webhook.DefaultTolerance)
	fmt.Println(err == nil, errors.Is(tampered, webhook.ErrBadSignature))
	// Output: true true
}
