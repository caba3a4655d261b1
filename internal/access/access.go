// Package access decides who may do what. Every credential a front accepts
// (a bearer token of the JSON API, a PTK credential, later a console user or
// a self-service link) is resolved to one Principal: the tenants it may act
// for and its permissions. Every front then asks the same question of it,
// through Principal.Allow, about the tenant it decoded from the request
// itself: there is one authorization rule, and it lives here.
package access

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/holdline/holdline/internal/contact"
)

// Permission is one thing a principal may do; a set of them is a bit mask.
type Permission uint8

// The permissions. Read lets a principal see a tenant's configuration,
// queues and interactions; Change lets it create, move and end them, switch
// modes and take launches; Contacts lets it see customers' phone numbers
// unmasked.
const (
	Read Permission = 1 << iota
	Change
	Contacts

	// AllPermissions is every permission: the default of a credential that
	// lists none, and the open demo's.
	AllPermissions = Read | Change | Contacts
)

// PermissionDoc describes one permission, for configuration and docs.
type PermissionDoc struct {
	Permission Permission
	// Name is how configuration files and logs write it.
	Name string
	// Means says what it allows.
	Means string
}

// permissions is the one table of permissions: names, meanings, order.
var permissions = []PermissionDoc{
	{Read, "read", "see a tenant's segments, queues, interactions, deliveries and EWT"},
	{Change, "change", "register, change and cancel interactions, switch operation modes, report ACD figures, claim and acknowledge launches"},
	{Contacts, "contacts", "see customers' phone numbers unmasked (without it they are masked, and launches, which carry the number to dial, cannot be claimed)"},
}

// Permissions returns the table of permissions, in order.
func Permissions() []PermissionDoc { return slices.Clone(permissions) }

// ParsePermission reads a permission's name, case-insensitively.
func ParsePermission(name string) (Permission, bool) {
	for _, d := range permissions {
		if strings.EqualFold(strings.TrimSpace(name), d.Name) {
			return d.Permission, true
		}
	}
	return 0, false
}

// PermissionNames lists the permission names, for error messages.
func PermissionNames() string {
	names := make([]string, len(permissions))
	for i, d := range permissions {
		names[i] = d.Name
	}
	return strings.Join(names, ", ")
}

// String writes a set of permissions as their names joined by "+".
func (p Permission) String() string {
	var names []string
	for _, d := range permissions {
		if p&d.Permission != 0 {
			names = append(names, d.Name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "+")
}

// Kind says which kind of credential a principal was resolved from.
type Kind string

// The kinds of principal.
const (
	// KindOpen is the principal of a front with no credentials configured
	// (the embedded demo): every tenant, every permission.
	KindOpen Kind = "open"
	// KindToken is a bearer token of the JSON API.
	KindToken Kind = "token"
	// KindPTK is a PTK credential (HTTP Basic or WS-Security UsernameToken).
	KindPTK Kind = "ptk"
)

// AllTenants in a principal's tenants grants every tenant.
const AllTenants = "*"

// Principal is who a request acts as: a name for the logs and the history,
// the tenants it may act for and what it may do there. It is immutable.
type Principal struct {
	kind    Kind
	name    string
	tenants []string
	all     bool
	perms   Permission
}

// NewPrincipal returns the principal name of kind, allowed perms on tenants
// ("*" for every tenant). Tenant names match case-insensitively, as the
// platform's do.
func NewPrincipal(kind Kind, name string, tenants []string, perms Permission) *Principal {
	p := &Principal{kind: kind, name: name, perms: perms}
	for _, t := range tenants {
		if t == AllTenants {
			p.all = true
			continue
		}
		p.tenants = append(p.tenants, strings.TrimSpace(t))
	}
	return p
}

// Open is the principal of a front that has no credentials configured: the
// embedded demo, or an operator who keeps the front behind network controls.
var Open = NewPrincipal(KindOpen, "anonymous", []string{AllTenants}, AllPermissions)

// Name says who the principal is (a token's or credential's name).
func (p *Principal) Name() string {
	if p == nil {
		return ""
	}
	return p.name
}

// Kind says which kind of credential the principal comes from.
func (p *Principal) Kind() Kind { return p.kind }

// Permissions are what the principal may do.
func (p *Principal) Permissions() Permission { return p.perms }

// Can reports whether the principal holds every permission of need.
func (p *Principal) Can(need Permission) bool { return p != nil && p.perms&need == need }

// Contact is a customer's number as the principal may see it: as stored
// with the contacts permission, masked (contact.Mask) without.
func (p *Principal) Contact(number string) string {
	if number == "" || p.Can(Contacts) {
		return number
	}
	return contact.Mask(number)
}

// AllTenants reports whether the principal may act for every tenant.
func (p *Principal) AllTenants() bool { return p != nil && p.all }

// Sees reports whether tenant is one of the principal's tenants. Lists that
// span tenants (GetSegments, GetStatus without a tenant) keep the entries
// the principal sees.
func (p *Principal) Sees(tenant string) bool {
	if p == nil {
		return false
	}
	if p.all {
		return true
	}
	tenant = strings.TrimSpace(tenant)
	for _, t := range p.tenants {
		if strings.EqualFold(t, tenant) {
			return true
		}
	}
	return false
}

// Allow is the authorization rule: the principal may do need on tenant when
// tenant is one of its tenants and it holds every permission of need. A
// request that names no tenant is allowed only to a principal of every
// tenant (the platform then refuses it for the missing tenant). The refusal
// is a *Denied.
func (p *Principal) Allow(tenant string, need Permission) error {
	switch {
	case p == nil:
		return &Denied{Tenant: tenant, Need: need, Why: "the request was not authenticated"}
	case !p.Can(need):
		return &Denied{Principal: p.name, Tenant: tenant, Need: need,
			Why: fmt.Sprintf("%s %s may only %s", p.kind, strconv.Quote(p.name), p.perms)}
	case strings.TrimSpace(tenant) == "" && !p.all:
		return &Denied{Principal: p.name, Tenant: tenant, Need: need, Why: fmt.Sprintf(
			"%s %s is limited to some tenants: the request must name its tenant", p.kind, strconv.Quote(p.name))}
	case !p.Sees(tenant):
		return &Denied{Principal: p.name, Tenant: tenant, Need: need, OtherTenant: true, Why: fmt.Sprintf(
			"%s %s may not act for tenant %s", p.kind, strconv.Quote(p.name), strconv.Quote(tenant))}
	}
	return nil
}

// ErrDenied is matched (errors.Is) by every authorization refusal.
var ErrDenied = errors.New("access denied")

// Denied is a request the authorization rule refuses.
type Denied struct {
	// Principal is the name of who asked; empty when nobody was authenticated.
	Principal string
	// Tenant is the tenant the request named.
	Tenant string
	// Need is the permission the request needed.
	Need Permission
	// OtherTenant is set when the tenant is not one of the principal's; a
	// front that looked an object up by its own id (a launch key) answers
	// "not found" then, as for any object of another tenant.
	OtherTenant bool
	// Why says what was refused, for the client and the logs.
	Why string
}

func (d *Denied) Error() string { return d.Why }

// Is makes errors.Is(err, ErrDenied) true.
func (d *Denied) Is(target error) bool { return target == ErrDenied }

type principalKey struct{}

// WithPrincipal returns a context carrying p, for the handlers after
// authentication.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// From returns the principal a request was authenticated as, or nil: a
// front that finds none must refuse (Allow refuses a nil principal).
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
