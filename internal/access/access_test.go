package access

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"

	"pgregory.net/rapid"
)

func TestAllow(t *testing.T) {
	t.Parallel()
	lab := NewPrincipal(KindToken, "lab", []string{"VHTLab"}, Read|Change)
	reader := NewPrincipal(KindPTK, "wallboard", []string{"VHTLab", "Portree"}, Read)
	ops := NewPrincipal(KindToken, "ops", []string{AllTenants}, AllPermissions)
	for _, c := range []struct {
		name   string
		p      *Principal
		tenant string
		need   Permission
		ok     bool
		other  bool
	}{
		{"own tenant", lab, "VHTLab", Change, true, false},
		{"own tenant in another case", lab, " vhtlab ", Read, true, false},
		{"another tenant", lab, "Portree", Read, false, true},
		{"a tenant whose name contains the own", lab, "VHTLab2", Read, false, true},
		{"no tenant, limited principal", lab, "", Read, false, false},
		{"no tenant, every tenant", ops, "", Read, true, false},
		{"a permission it lacks", reader, "Portree", Change, false, false},
		{"two permissions, one lacking", lab, "VHTLab", Change | Contacts, false, false},
		{"every tenant", ops, "Anything", Change | Contacts, true, false},
		{"nobody authenticated", nil, "VHTLab", Read, false, false},
		{"the open demo", Open, "VHT", AllPermissions, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.p.Allow(c.tenant, c.need)
			if (err == nil) != c.ok {
				t.Fatalf("Allow(%q, %s) = %v, want allowed %v", c.tenant, c.need, err, c.ok)
			}
			if err == nil {
				return
			}
			var d *Denied
			if !errors.As(err, &d) || !errors.Is(err, ErrDenied) || d.OtherTenant != c.other || d.Why == "" {
				t.Fatalf("refusal %#v (other tenant %v)", err, c.other)
			}
		})
	}
}

// Allow and Sees agree: a principal acts on exactly the tenants it sees,
// with exactly its permissions.
func TestAllowAgreesWithSeesAndCan(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		names := []string{"A", "b", "B", "Cc", "*", "a "}
		tenants := rapid.SliceOfN(rapid.SampledFrom(names), 0, 3).Draw(t, "tenants")
		perms := Permission(rapid.IntRange(0, int(AllPermissions)).Draw(t, "perms"))
		p := NewPrincipal(KindToken, "x", tenants, perms)
		tenant := rapid.SampledFrom(append(names, "", "C")).Draw(t, "tenant")
		need := Permission(rapid.IntRange(0, int(AllPermissions)).Draw(t, "need"))
		want := p.Can(need) && (p.Sees(tenant) && tenant != "" || p.AllTenants())
		if got := p.Allow(tenant, need) == nil; got != want {
			t.Fatalf("%v %s: Allow(%q, %s) = %v, want %v", tenants, perms, tenant, need, got, want)
		}
	})
}

func TestPermissionNames(t *testing.T) {
	t.Parallel()
	for _, d := range Permissions() {
		if p, ok := ParsePermission(" " + d.Name + " "); !ok || p != d.Permission || p.String() != d.Name {
			t.Errorf("%s: parsed %v %v, printed %q", d.Name, p, ok, p.String())
		}
	}
	if _, ok := ParsePermission("admin"); ok {
		t.Error("admin is no permission")
	}
	if s := (Read | Contacts).String(); s != "read+contacts" {
		t.Errorf("Read|Contacts = %q", s)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	toks := NewTokens([]Token{
		{Name: "lab", SHA256: sha256.Sum256([]byte("secret-of-the-lab-01")), Tenants: []string{"VHTLab"}, Permissions: Read},
		{Name: "ops", SHA256: sha256.Sum256([]byte("secret-of-the-ops-002")), Tenants: []string{"*"}, Permissions: AllPermissions},
	})
	if p := toks.Authenticate(" secret-of-the-lab-01 "); p == nil || p.Name() != "lab" || p.Kind() != KindToken || !p.Sees("vhtlab") || p.Can(Change) {
		t.Errorf("lab's token: %+v", p)
	}
	for _, bad := range []string{"", "secret-of-the-lab-0", "SECRET-OF-THE-LAB-01"} {
		if p := toks.Authenticate(bad); p != nil {
			t.Errorf("%q authenticated as %s", bad, p.Name())
		}
	}
	if !NewTokens(nil).Empty() || toks.Empty() || toks.Len() != 2 {
		t.Error("Empty/Len")
	}
}

func TestContext(t *testing.T) {
	t.Parallel()
	if From(context.Background()) != nil {
		t.Fatal("a bare context carries a principal")
	}
	if From(WithPrincipal(context.Background(), Open)) != Open {
		t.Fatal("the principal is lost")
	}
}

func TestContactMasking(t *testing.T) {
	t.Parallel()
	seer := NewPrincipal(KindToken, "agent", []string{"*"}, Read|Contacts)
	blind := NewPrincipal(KindToken, "wallboard", []string{"*"}, Read)
	if got := seer.Contact("+441234567890"); got != "+441234567890" {
		t.Errorf("with contacts: %q", got)
	}
	if got := blind.Contact("+441234567890"); got != "+*********890" {
		t.Errorf("without contacts: %q", got)
	}
	if got := blind.Contact(""); got != "" {
		t.Errorf("no number: %q", got)
	}
}
