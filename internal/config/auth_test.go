package config

import (
	"slices"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/holdline/holdline/internal/access"
)

func TestPTKCredentialsCheck(t *testing.T) {
	t.Parallel()
	top := func(s string) []byte { return append(doc("", ""), s...) }
	for _, tc := range []struct {
		name string
		data string
		want []string
	}{
		{"good", "auth: {ptk: [{name: a, username: u, password: a-long-password, tenants: [T]}]}\n", nil},
		{"keys required", "auth: {ptk: [{name: a}]}\n", []string{
			"auth.ptk[0].username: is required", "auth.ptk[0].password: is required", "auth.ptk[0].tenants: is required",
		}},
		{"short password", "auth: {ptk: [{name: a, username: u, password: short, tenants: [T]}]}\n", []string{
			"auth.ptk[0].password: a password must be at least 12 characters (or written as sha256:<hex> or bcrypt:<hash>)",
		}},
		{"digest with a hash", "auth: {ptk: [{name: a, username: u, password: 'sha256:" + hex64 + "', tenants: [T], schemes: [basic, passwordDigest]}]}\n", []string{
			"auth.ptk[0].password: passwordDigest needs the password itself: write it as is or as env:NAME, not as a hash, or leave passwordDigest out of schemes",
		}},
		{"not a bcrypt hash", "auth: {ptk: [{name: a, username: u, password: 'bcrypt:$2b$10$nope', tenants: [T]}]}\n", []string{
			"auth.ptk[0].password: bcrypt: must be followed by a bcrypt hash ($2b$10$…): crypto/bcrypt: hashedSecret too short to be a bcrypted password",
		}},
		{"unknown scheme, tenant and permission", "auth: {ptk: [{name: a, username: u, password: a-long-password, tenants: [Nowhere], schemes: [ntlm], permissions: [admin]}]}\n", []string{
			`auth.ptk[0].schemes[0]: "ntlm" is not a scheme (want basic, passwordText, passwordDigest)`,
			`auth.ptk[0].permissions[0]: "admin" is not a permission (want read, change, contacts)`,
			`auth.ptk[0].tenants[0]: no tenant named "Nowhere" (or "*" for all)`,
		}},
		{"unknown tenant", "auth: {ptk: [{name: a, username: u, password: a-long-password, tenants: [Nowhere]}]}\n", []string{
			`auth.ptk[0].tenants[0]: no tenant named "Nowhere" (or "*" for all)`,
		}},
		{"colon in a username, empty lists", "auth: {ptk: [{name: a, username: 'u:1', password: a-long-password, tenants: [T], schemes: [], permissions: []}]}\n", []string{
			`auth.ptk[0].username: must not hold control characters or ":"`,
			"auth.ptk[0].schemes: name at least one scheme (basic, passwordText, passwordDigest)",
			"auth.ptk[0].permissions: name at least one permission (read, change, contacts)",
		}},
		{"duplicates", "auth: {ptk: [{name: a, username: u, password: a-long-password, tenants: [T]}, {name: A, username: u, password: a-long-password, tenants: ['*']}]}\n", []string{
			`auth.ptk[1].name: duplicate credential name "A" (already used by auth.ptk[0]; names are matched case-insensitively)`,
			`auth.ptk[1].username: duplicate username "u" (already used by auth.ptk[0].username; names are matched case-insensitively)`,
		}},
		{"unset environment variable", "auth: {ptk: [{name: a, username: u, password: 'env:NOPE', tenants: [T]}]}\n", []string{
			`auth.ptk[0].password: the environment variable NOPE (named by "env:NOPE") is not set`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, issues := decodeWith(top(tc.data), nil, env(nil))
			if got := issueStrings(issues); !slices.Equal(got, tc.want) {
				t.Errorf("issues:\n got  %q\n want %q", got, tc.want)
			}
		})
	}
}

func TestPTKCredentialsLoad(t *testing.T) {
	t.Parallel()
	hash, err := bcrypt.GenerateFromPassword([]byte("bcrypted-password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	data := append(doc("", ""), []byte(`auth:
  ptk:
    - {name: ivr, username: ivr-1, password: 'env:IVR_PASSWORD', tenants: [t]}
    - {name: portal, username: portal, password: 'bcrypt:`+string(hash)+`', tenants: ['*'], permissions: [read]}
    - {name: crm, username: crm, password: 'sha256:`+hex64+`', tenants: [T], schemes: [basic]}
`)...)
	c, issues := decodeWith(data, nil, env(map[string]string{"IVR_PASSWORD": "password-from-env"}))
	if len(issues) > 0 {
		t.Fatalf("issues: %q", issueStrings(issues))
	}
	if len(c.PTK) != 3 {
		t.Fatalf("credentials: %+v", c.PTK)
	}
	for i, want := range []struct {
		name, user string
		tenants    []string
		perms      access.Permission
		schemes    access.Scheme
		hashed     bool
	}{
		{"ivr", "ivr-1", []string{"T"}, access.AllPermissions, access.AllSchemes, false},
		{"portal", "portal", []string{"*"}, access.Read, access.SchemeBasic | access.SchemePasswordText, true},
		{"crm", "crm", []string{"T"}, access.AllPermissions, access.SchemeBasic, true},
	} {
		got := c.PTK[i]
		if got.Name != want.name || got.Username != want.user || !slices.Equal(got.Tenants, want.tenants) ||
			got.Permissions != want.perms || got.Schemes != want.schemes || got.Secret.Hashed() != want.hashed {
			t.Errorf("credential %d: %+v, want %+v", i, got, want)
		}
	}
	// The credentials work as loaded.
	creds := access.NewCredentials(c.PTK, nil)
	if p, err := creds.Basic(t.Context(), "ivr-1", "password-from-env"); err != nil || p.Name() != "ivr" {
		t.Errorf("ivr: %v %v", p, err)
	}
	if p, err := creds.Basic(t.Context(), "portal", "bcrypted-password"); err != nil || p.Name() != "portal" {
		t.Errorf("portal: %v %v", p, err)
	}
}
