package access

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

var now = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func mustSecret(t *testing.T, s string) Secret {
	t.Helper()
	sec, err := ParseSecret(s)
	if err != nil {
		t.Fatal(err)
	}
	return sec
}

func testCredentials(t *testing.T) *Credentials {
	t.Helper()
	sum := sha256.Sum256([]byte("hashed-password-1"))
	hash, err := bcrypt.GenerateFromPassword([]byte("bcrypted-password-1"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return NewCredentials([]Credential{
		{Name: "ivr", Username: "ivr", Secret: mustSecret(t, "plain-password-1"), Tenants: []string{"VHTLab"}, Permissions: AllPermissions, Schemes: AllSchemes},
		{Name: "web", Username: "web", Secret: mustSecret(t, "sha256:"+hex.EncodeToString(sum[:])), Tenants: []string{"*"}, Permissions: Read, Schemes: SchemeBasic | SchemePasswordText},
		{Name: "crm", Username: "crm", Secret: mustSecret(t, "bcrypt:"+string(hash)), Tenants: []string{"VHT"}, Permissions: Read, Schemes: SchemeBasic | SchemePasswordText},
		{Name: "basic-only", Username: "bo", Secret: mustSecret(t, "plain-password-2"), Tenants: []string{"VHT"}, Permissions: Read, Schemes: SchemeBasic},
	}, func() time.Time { return now })
}

// digestToken is what a client sends for a PasswordDigest.
func digestToken(user, password string, nonce []byte, created time.Time) UsernameToken {
	c := created.UTC().Format("2006-01-02T15:04:05.000Z")
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(c))
	h.Write([]byte(password))
	return UsernameToken{Username: user, Password: base64.StdEncoding.EncodeToString(h.Sum(nil)), Digest: true,
		Nonce: base64.StdEncoding.EncodeToString(nonce), Created: c}
}

func TestBasic(t *testing.T) {
	t.Parallel()
	c := testCredentials(t)
	ctx := context.Background()
	for _, tc := range []struct {
		user, password, want string
	}{
		{"ivr", "plain-password-1", "ivr"},
		{"web", "hashed-password-1", "web"},
		{"crm", "bcrypted-password-1", "crm"},
		{"bo", "plain-password-2", "basic-only"},
		{"ivr", "plain-password-2", ""},
		{"IVR", "plain-password-1", ""},
		{"web", "sha256:" + "x", ""},
		{"crm", "bcrypted-password-2", ""},
		{"nobody", "plain-password-1", ""},
		{"", "", ""},
	} {
		p, err := c.Basic(ctx, tc.user, tc.password)
		switch {
		case tc.want == "" && (err == nil || !errors.Is(err, ErrAuthentication)):
			t.Errorf("%s/%s: %v %v, want refused", tc.user, tc.password, p, err)
		case tc.want != "" && (err != nil || p.Name() != tc.want || p.Kind() != KindPTK):
			t.Errorf("%s/%s: %v %v, want %s", tc.user, tc.password, p, err, tc.want)
		}
	}
}

func TestUsernameToken(t *testing.T) {
	t.Parallel()
	c := testCredentials(t)
	ctx := context.Background()
	nonce := []byte("0123456789abcdef")
	good := digestToken("ivr", "plain-password-1", nonce, now.Add(-time.Minute))
	if p, err := c.Token(ctx, good); err != nil || p.Name() != "ivr" {
		t.Fatalf("digest: %v %v", p, err)
	}
	if _, err := c.Token(ctx, good); err == nil || errors.Is(err, ErrExpired) {
		t.Fatalf("replayed nonce: %v", err)
	}
	for name, tc := range map[string]struct {
		tok     UsernameToken
		expired bool
	}{
		"wrong password":        {digestToken("ivr", "plain-password-9", []byte("nonce-2"), now), false},
		"stale created":         {digestToken("ivr", "plain-password-1", []byte("nonce-3"), now.Add(-6*time.Minute)), true},
		"created in the future": {digestToken("ivr", "plain-password-1", []byte("nonce-4"), now.Add(6*time.Minute)), true},
		"hashed secret":         {digestToken("web", "hashed-password-1", []byte("nonce-5"), now), false},
		"scheme not allowed":    {digestToken("bo", "plain-password-2", []byte("nonce-6"), now), false},
		"digest without nonce":  {UsernameToken{Username: "ivr", Password: "x", Digest: true, Created: now.Format(time.RFC3339)}, false},
		"nonce not base64":      {UsernameToken{Username: "ivr", Password: "plain-password-1", Nonce: "!!"}, false},
		"created not a time":    {UsernameToken{Username: "ivr", Password: "plain-password-1", Created: "yesterday"}, false},
		"text, wrong password":  {UsernameToken{Username: "ivr", Password: "plain-password-2"}, false},
		"text, basic-only":      {UsernameToken{Username: "bo", Password: "plain-password-2"}, false},
		"text, stale created":   {UsernameToken{Username: "ivr", Password: "plain-password-1", Created: now.Add(-time.Hour).Format(time.RFC3339)}, true},
		"digest sent as text":   {UsernameToken{Username: "ivr", Password: good.Password, Nonce: good.Nonce, Created: good.Created}, false},
	} {
		if _, err := c.Token(ctx, tc.tok); err == nil || !errors.Is(err, ErrAuthentication) || errors.Is(err, ErrExpired) != tc.expired {
			t.Errorf("%s: %v (expired %v)", name, err, tc.expired)
		}
	}
	// A reload keeps the nonces seen.
	reloaded := testCredentials(t)
	reloaded.KeepNoncesOf(c)
	if _, err := reloaded.Token(ctx, good); err == nil {
		t.Fatal("a nonce seen before the reload was accepted after it")
	}
	// A refused token spends no nonce: the real one still goes through.
	if _, err := c.Token(ctx, digestToken("ivr", "plain-password-1", []byte("nonce-2"), now)); err != nil {
		t.Errorf("the nonce a forged token carried: %v", err)
	}
	for _, tok := range []UsernameToken{
		{Username: "ivr", Password: "plain-password-1"},
		{Username: "web", Password: "hashed-password-1", Nonce: base64.StdEncoding.EncodeToString([]byte("n-7")), Created: now.Format(time.RFC3339)},
		{Username: "crm", Password: "bcrypted-password-1"},
	} {
		if p, err := c.Token(ctx, tok); err != nil || p.Name() != tok.Username {
			t.Errorf("text %s: %v %v", tok.Username, p, err)
		}
	}
}

// bcrypt costs a client once per password, not once per request.
func TestBcryptIsComparedOncePerPassword(t *testing.T) {
	t.Parallel()
	c := testCredentials(t)
	ctx := context.Background()
	for range 20 {
		if _, err := c.Basic(ctx, "crm", "bcrypted-password-1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.compared.Load(); n != 1 {
		t.Fatalf("%d bcrypt comparisons for 20 requests with one password", n)
	}
	for range 3 {
		_, _ = c.Basic(ctx, "crm", "a-wrong-guess")
	}
	if n := c.compared.Load(); n != 4 {
		t.Fatalf("%d bcrypt comparisons after 3 wrong guesses", n)
	}
}

func TestParseSecret(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		"a-long-password": true,
		"short":           false,
		"sha256:" + hex.EncodeToString(make([]byte, 32)): true,
		"sha256:abc":             false,
		"bcrypt:$2b$10$notahash": false,
	} {
		if _, err := ParseSecret(in); (err == nil) != ok {
			t.Errorf("ParseSecret(%q) = %v, want ok %v", in, err, ok)
		}
	}
	for _, d := range Schemes() {
		if s, ok := ParseScheme(d.Name); !ok || s != d.Scheme || s.String() != d.Name {
			t.Errorf("scheme %s", d.Name)
		}
	}
}
