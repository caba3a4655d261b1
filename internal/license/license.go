// Package license holds a tenant's licence entitlement — the equivalent of the
// original product's licence file — and (with the Queue Manager) the live
// counting of licences in use. It is pure: callers supply the counts.
package license

import "time"

// Default values of a licence configuration.
const (
	// DefaultMinimumThreshold is how many licences must be free before a callback is offered.
	DefaultMinimumThreshold = 1
	// DefaultBandwidthPeriod is the window over which request bandwidth is counted.
	DefaultBandwidthPeriod = 15 * time.Minute
	// DefaultVoiceApplication is the source application that draws inbound licences.
	DefaultVoiceApplication = "VXML Interaction Server"
)

// Config is what a tenant is licensed for.
type Config struct {
	// Inbound is the number of concurrent voice registrations (VXML and custom voice apps).
	Inbound int
	// NonVoice is the number of concurrent non-voice registrations (web, mobile, PTK).
	NonVoice int
	// Outbound is the number of callbacks that may be dialling at once.
	Outbound int
	// Scheduled says whether scheduled (appointment) callbacks are licensed.
	Scheduled bool
	// MinimumThreshold is the number of free licences needed before a callback is offered (default 1).
	MinimumThreshold int
	// BandwidthLimit caps requests per licence group per BandwidthPeriod; 0 means no cap.
	BandwidthLimit int
	// BandwidthPeriod is the bandwidth window (default 15 minutes).
	BandwidthPeriod time.Duration
	// VoiceApplications are the source applications (case-sensitive) that draw
	// inbound licences; default just "VXML Interaction Server".
	VoiceApplications []string
}

// IsVoice reports whether sourceApplication draws inbound (voice) licences.
// The comparison is case-sensitive, as in the original product.
func (c Config) IsVoice(sourceApplication string) bool {
	apps := c.VoiceApplications
	if len(apps) == 0 {
		apps = []string{DefaultVoiceApplication}
	}
	for _, a := range apps {
		if a == sourceApplication {
			return true
		}
	}
	return false
}
