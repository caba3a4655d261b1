package callback

// Capabilities are what an operation mode lets a queue do (behaviour.md §3).
type Capabilities struct {
	// Offer is the IVR offer when the EWT is above the turn-on threshold.
	Offer OfferTreatment
	// OfferUnderThreshold is the IVR offer when the EWT is at or below it.
	OfferUnderThreshold OfferTreatment
	// AcceptASAP and AcceptScheduled say which callback requests are taken.
	AcceptASAP      bool
	AcceptScheduled bool
	// VoiceConversion lets a voice source application convert an existing
	// interaction into a callback although the mode refuses new requests (Purge).
	VoiceConversion bool
	// DialASAP and DialScheduled say which pending callbacks are launched.
	DialASAP      bool
	DialScheduled bool
	// RapidDial launches every pending ASAP callback at once, as fast as licences allow.
	RapidDial bool
	// AnnounceEWT says whether the EWT is spoken.
	AnnounceEWT bool
	// Hold says whether callers may wait on hold.
	Hold bool
	// RefuseLive refuses live callers (CreateInteraction, InteractionQueued).
	RefuseLive bool
}

// modeTable is the capability matrix of behaviour.md §3, one row per mode.
var modeTable = map[Mode]Capabilities{
	ModeNormal:       {Offer: OfferCallback, OfferUnderThreshold: OfferNone, AcceptASAP: true, AcceptScheduled: true, DialASAP: true, DialScheduled: true, AnnounceEWT: true, Hold: true},
	ModeQueueSpeak:   {Offer: OfferEWTOnly, OfferUnderThreshold: OfferNone, DialASAP: true, DialScheduled: true, AnnounceEWT: true, Hold: true},
	ModePurge:        {Offer: OfferNone, OfferUnderThreshold: OfferNone, VoiceConversion: true, DialASAP: true, DialScheduled: true, Hold: true},
	ModeRapidPurge:   {Offer: OfferNone, OfferUnderThreshold: OfferNone, VoiceConversion: true, DialASAP: true, DialScheduled: true, RapidDial: true, Hold: true},
	ModeStandby:      {Offer: OfferNone, OfferUnderThreshold: OfferNone, Hold: true},
	ModeAfterHours:   {Offer: OfferScheduledOnly, OfferUnderThreshold: OfferScheduledOnly, AcceptScheduled: true, DialScheduled: true},
	ModeVirtualQueue: {Offer: OfferCallback, OfferUnderThreshold: OfferNone, AcceptASAP: true, AcceptScheduled: true, DialASAP: true, DialScheduled: true, AnnounceEWT: true},
	ModeDateBook:     {Offer: OfferScheduledOnly, OfferUnderThreshold: OfferScheduledOnly, AcceptScheduled: true, DialScheduled: true},
	ModeShutdown:     {Offer: OfferNone, OfferUnderThreshold: OfferNone, RefuseLive: true},
}

// Capabilities returns what mode m allows.
func (m Mode) Capabilities() Capabilities { return modeTable[m] }

// AcceptsCallback reports whether the mode takes a new callback request of
// the given kind; voiceConversion is a voice source application converting
// an existing interaction (InteractionRequestContact).
func (c Capabilities) AcceptsCallback(scheduled, voiceConversion bool) bool {
	if scheduled {
		return c.AcceptScheduled || (voiceConversion && c.VoiceConversion)
	}
	return c.AcceptASAP || (voiceConversion && c.VoiceConversion)
}

// Dials reports whether the mode launches a callback of the given kind.
func (c Capabilities) Dials(scheduled bool) bool {
	if scheduled {
		return c.DialScheduled
	}
	return c.DialASAP
}
