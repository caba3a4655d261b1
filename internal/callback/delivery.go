package callback

// Delivery is the platform's side toward dialers and integrations: the
// launch queue that dialers claim under a lease and acknowledge
// (delivery_launches.go), and the outbox the delivery worker
// (internal/dispatch) sends, retries and settles (delivery_outbox.go).
// Launches and outbox messages are written by the changes that cause them,
// in their transactions; Delivery hands them out and settles them, and its
// signals wake the waiting claims and workers once those commit.
type Delivery struct {
	*core
}
