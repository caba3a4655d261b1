package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/access"
)

// The auth section: the JSON API's bearer tokens and the PTK's credentials,
// each scoped to tenants and permissions (docs/security.md).

// tenantsRef remembers where a credential's tenants were written, to check
// them once the tenants are known.
type tenantsRef struct {
	tenants *[]string
	path    string
	node    *yaml.Node
}

// auth reads the auth section; the tenants named are checked against the
// configured ones by the caller (checkTenantsOf).
func (w *walker) auth(n *yaml.Node, path string, c *Config) []tenantsRef {
	var refs []tenantsRef
	w.object(n, path, fields{
		"tokens": func(v *yaml.Node, p string) { refs = append(refs, w.tokens(v, p, c)...) },
		"ptk":    func(v *yaml.Node, p string) { refs = append(refs, w.ptkCredentials(v, p, c)...) },
	})
	return refs
}

// tokens reads the JSON API's bearer tokens.
func (w *walker) tokens(v *yaml.Node, p string, c *Config) []tenantsRef {
	var (
		names   []named
		refs    []tenantsRef
		base    = len(c.Tokens)
		digests = map[[sha256.Size]byte]string{}
	)
	for i, item := range w.list(v, p) {
		ip := index(p, i)
		var (
			t        = access.Token{Permissions: access.AllPermissions}
			nameNode *yaml.Node
			ok       bool
			ref      = tenantsRef{path: ip}
		)
		present := w.object(item, ip, fields{
			"name":        func(v *yaml.Node, p string) { t.Name, nameNode = w.credentialName(v, p) },
			"token":       func(v *yaml.Node, p string) { t.SHA256, ok = w.token(v, p) },
			"tenants":     func(v *yaml.Node, p string) { t.Tenants, ref.node = w.credentialTenants(v, p) },
			"permissions": func(v *yaml.Node, p string) { setIf(&t.Permissions)(w.permissions(v, p)) },
		})
		w.require(item, ip, present, "name", "token", "tenants")
		if present == nil || t.Name == "" || !ok || !w.someTenants(present, ip, t.Tenants) {
			continue
		}
		if other, dup := digests[t.SHA256]; dup {
			w.report(deref(item), join(ip, "token"), "the same token as %s: give each client its own", other)
			continue
		}
		digests[t.SHA256] = ip
		c.Tokens = append(c.Tokens, t)
		refs = append(refs, ref)
		names = append(names, named{t.Name, join(ip, "name"), nameNode})
	}
	for i := range refs {
		refs[i].tenants = &c.Tokens[base+i].Tenants
	}
	w.duplicates(names, "token name")
	return refs
}

// ptkCredentials reads the PTK's credentials.
func (w *walker) ptkCredentials(v *yaml.Node, p string, c *Config) []tenantsRef {
	var (
		names, users []named
		refs         []tenantsRef
		base         = len(c.PTK)
	)
	for i, item := range w.list(v, p) {
		ip := index(p, i)
		var (
			cr                           = access.Credential{Permissions: access.AllPermissions}
			nameNode, userNode, passNode *yaml.Node
			password                     string
			schemesSet, passOK           bool
			ref                          = tenantsRef{path: ip}
		)
		present := w.object(item, ip, fields{
			"name":     func(v *yaml.Node, p string) { cr.Name, nameNode = w.credentialName(v, p) },
			"username": func(v *yaml.Node, p string) { cr.Username, userNode = w.credentialName(v, p) },
			"password": func(v *yaml.Node, p string) {
				passNode = deref(v)
				if raw, ok := w.text(v, p); ok && !strings.HasPrefix(raw, "sha256:") && !strings.HasPrefix(raw, "bcrypt:") {
					password, passOK = w.secret(v, p)
				} else {
					password, passOK = raw, ok
				}
			},
			"tenants":     func(v *yaml.Node, p string) { cr.Tenants, ref.node = w.credentialTenants(v, p) },
			"permissions": func(v *yaml.Node, p string) { setIf(&cr.Permissions)(w.permissions(v, p)) },
			"schemes": func(v *yaml.Node, p string) {
				cr.Schemes, schemesSet = w.schemes(v, p)
			},
		})
		w.require(item, ip, present, "name", "username", "password", "tenants")
		if present == nil || !passOK {
			continue
		}
		secret, err := access.ParseSecret(password)
		if err != nil {
			w.report(passNode, join(ip, "password"), "%v", err)
			continue
		}
		cr.Secret = secret
		switch {
		case !schemesSet && secret.Hashed():
			cr.Schemes = access.SchemeBasic | access.SchemePasswordText
		case !schemesSet:
			cr.Schemes = access.AllSchemes
		case cr.Schemes&access.SchemePasswordDigest != 0 && secret.Hashed():
			w.report(passNode, join(ip, "password"),
				"passwordDigest needs the password itself: write it as is or as env:NAME, not as a hash, or leave passwordDigest out of schemes")
			continue
		}
		if cr.Name == "" || cr.Username == "" || cr.Schemes == 0 || !w.someTenants(present, ip, cr.Tenants) {
			continue
		}
		c.PTK = append(c.PTK, cr)
		refs = append(refs, ref)
		names = append(names, named{cr.Name, join(ip, "name"), nameNode})
		users = append(users, named{cr.Username, join(ip, "username"), userNode})
	}
	for i := range refs {
		refs[i].tenants = &c.PTK[base+i].Tenants
	}
	w.duplicates(names, "credential name")
	w.duplicates(users, "username")
	return refs
}

// credentialName reads a name or username: not empty, no control characters
// (it is written into logs and histories) and no ":" (HTTP Basic's separator).
func (w *walker) credentialName(v *yaml.Node, p string) (string, *yaml.Node) {
	s, ok := w.name(v, p)
	if !ok {
		return "", nil
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f || r == ':' }) {
		w.report(deref(v), p, "must not hold control characters or \":\"")
		return "", nil
	}
	return s, deref(v)
}

// credentialTenants reads a credential's tenants: names, or "*" for all.
func (w *walker) credentialTenants(v *yaml.Node, p string) ([]string, *yaml.Node) {
	return w.textList(v, p, func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("must not be empty")
		}
		return nil
	}), deref(v)
}

// someTenants reports whether a credential names a tenant, and says so when
// its tenants key is there but empty.
func (w *walker) someTenants(present map[string]*yaml.Node, path string, tenants []string) bool {
	if len(tenants) > 0 {
		return true
	}
	if present["tenants"] != nil {
		w.report(present["tenants"], join(path, "tenants"), `name at least one tenant, or "*" for all`)
	}
	return false
}

// checkTenantsOf reports tenants of credentials that are not configured,
// and writes the others in their configured spelling.
func (w *walker) checkTenantsOf(c *Config, refs []tenantsRef) {
	for _, ref := range refs {
		tenants := *ref.tenants
		for i, name := range tenants {
			if name == AllTenants {
				continue
			}
			if tn := c.Settings.Tenant(name); tn != nil {
				tenants[i] = tn.Name
			} else {
				w.report(ref.node, index(join(ref.path, "tenants"), i), "no tenant named %q (or \"*\" for all)", name)
			}
		}
	}
}

var sha256RE = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// token reads a bearer token and returns its digest: "sha256:<hex>" (the
// file holds no secret), "env:NAME", or the token itself (at least 16
// characters).
func (w *walker) token(n *yaml.Node, path string) ([sha256.Size]byte, bool) {
	var d [sha256.Size]byte
	raw, ok := w.text(n, path)
	if !ok {
		return d, false
	}
	if hexDigest, isDigest := strings.CutPrefix(raw, "sha256:"); isDigest {
		if !sha256RE.MatchString(hexDigest) {
			w.report(deref(n), path, "sha256: must be followed by 64 hex digits (the output of `printf %%s TOKEN | sha256sum`)")
			return d, false
		}
		b, _ := hex.DecodeString(hexDigest)
		copy(d[:], b)
		return d, true
	}
	s, ok := w.secret(n, path)
	if !ok {
		return d, false
	}
	if len(s) < minTokenLength || strings.ContainsAny(s, " \t\r\n") {
		w.report(deref(n), path, "a token must be at least %d characters without spaces (or written as sha256:<hex>)", minTokenLength)
		return d, false
	}
	return sha256.Sum256([]byte(s)), true
}

// permissions reads a list of permission names (access.Permissions); an
// empty list is refused: a credential that may do nothing is a mistake.
func (w *walker) permissions(n *yaml.Node, path string) (access.Permission, bool) {
	var perms access.Permission
	names := w.textList(n, path, func(s string) error {
		p, ok := access.ParsePermission(s)
		if !ok {
			return fmt.Errorf("%q is not a permission (want %s)", s, access.PermissionNames())
		}
		perms |= p
		return nil
	})
	if names == nil {
		if d := deref(n); d.Kind == yaml.SequenceNode && len(d.Content) == 0 {
			w.report(d, path, "name at least one permission (%s)", access.PermissionNames())
		}
		return 0, false
	}
	return perms, true
}

// schemes reads a list of PTK credential schemes (access.Schemes).
func (w *walker) schemes(n *yaml.Node, path string) (access.Scheme, bool) {
	var set access.Scheme
	names := w.textList(n, path, func(s string) error {
		sc, ok := access.ParseScheme(s)
		if !ok {
			return fmt.Errorf("%q is not a scheme (want %s)", s, access.SchemeNames())
		}
		set |= sc
		return nil
	})
	if names == nil {
		if d := deref(n); d.Kind == yaml.SequenceNode && len(d.Content) == 0 {
			w.report(d, path, "name at least one scheme (%s)", access.SchemeNames())
		}
		return 0, false
	}
	return set, true
}
