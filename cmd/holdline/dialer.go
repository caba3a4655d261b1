package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/status"
)

// The reference dialer: it takes launches from a running Holdline — claimed
// with a long poll (pull), or received as signed POSTs (push, --listen) —
// "dials" each with a scripted or random outcome, and reports the outcome
// through the PTK as a real dialer and ACD would. It is what the end-to-end
// tests and the README's tour use; docs/integration.md describes it.

// dialerFlags are the options of `holdline dialer`.
type dialerFlags struct {
	// basic is the PTK credential the outcomes are reported with.
	basic     basicAuth
	server    string
	tenant    string
	queue     string
	token     string
	script    string
	random    string
	seed      uint64
	max       int
	wait      time.Duration
	lines     int
	delay     time.Duration
	listen    string
	secret    string
	logFormat string
	logLevel  string
}

func newDialerCmd() *cobra.Command {
	var f dialerFlags
	cmd := &cobra.Command{
		Use:   "dialer",
		Short: "Run the reference dialer: take launches and report their outcomes through the PTK",
		Long: `Run a reference dialer against a running Holdline.

It claims the tenant's launches with a long poll (POST /api/v1/launches/claim),
acknowledges each, "dials" it and reports the outcome through the PTK over
SOAP, as a dialer and an ACD would:

  answer    InteractionOutboundConnected, InteractionSendToQueue SpeakToAgent,
            InteractionQueued (the queue's callback skill, CallbackQueueID of
            GetSegmentVariables), InteractionDequeued AgentAnswered
  abandon   the same, but the customer hangs up waiting for the agent
            (InteractionDisconnectedByCaller Abandon)
  busy, noanswer, machine, tryagain, rejected, error
            InteractionOutboundAttemptFailed with the reason Busy, NoAnswer,
            AnsweringMachine, TryAgain, Rejected or Error
  silent    no report at all: the outbound-start timeout fails the attempt

Outcomes are scripted per attempt (--script "busy,answer": the first attempt
of every callback is busy, the second answered; the last one repeats), or
random (--random busy=0.2,noanswer=0.1 --seed 7: the rest are answered).

With --listen it receives pushed launches instead (configure the queue's or
tenant's dialer.url to point at it), verifies their signature when --secret
is given, and answers 200 to acknowledge them. SIGINT stops it after the
launches in hand are reported.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDialer(cmd.Context(), f, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", "http://127.0.0.1:8080", "base URL of the Holdline server")
	fl.StringVar(&f.tenant, "tenant", "", "the tenant whose launches to take (required to claim)")
	fl.StringVar(&f.queue, "queue", "", "claim the launches of this queue only")
	fl.StringVar(&f.token, "token", "", "bearer token of the JSON API (when auth.tokens are configured)")
	fl.StringVar(&f.script, "script", "", `outcomes per attempt, e.g. "busy,answer" (default "answer")`)
	fl.StringVar(&f.random, "random", "", `random outcomes with their probabilities, e.g. "busy=0.2,noanswer=0.1,machine=0.05"`)
	fl.Uint64Var(&f.seed, "seed", 1, "seed of --random")
	fl.IntVar(&f.max, "max", 10, "launches per claim (1-100)")
	fl.DurationVar(&f.wait, "wait", 20*time.Second, "long-poll wait of a claim (at most 30s)")
	fl.IntVar(&f.lines, "lines", 4, "launches dialled at once")
	fl.DurationVar(&f.delay, "delay", 0, "time each call takes before its outcome is reported")
	fl.StringVar(&f.listen, "listen", "", "receive pushed launches on this address instead of claiming (e.g. 127.0.0.1:9090)")
	fl.StringVar(&f.secret, "secret", "", "with --listen: the dialer's signing secret; unsigned or badly signed launches are refused")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	addBasicFlags(fl, &f.basic)
	return cmd
}

// dialer is a running reference dialer.
type dialer struct {
	f      dialerFlags
	base   string
	log    *slog.Logger
	pick   *picker
	client *http.Client

	mu     sync.Mutex
	skills map[string]string // tenant/segment -> callback skill id
	seen   map[string]bool   // idempotency keys received (push)
}

func runDialer(ctx context.Context, f dialerFlags, logw io.Writer) error {
	log, err := newLogger(logw, f.logFormat, f.logLevel)
	if err != nil {
		return err
	}
	pk, err := newPicker(f.script, f.random, f.seed)
	if err != nil {
		return err
	}
	if f.listen == "" && strings.TrimSpace(f.tenant) == "" {
		return errors.New("--tenant is required to claim launches (or --listen to receive them)")
	}
	d := &dialer{f: f, base: strings.TrimRight(f.server, "/"), log: log, pick: pk,
		client: &http.Client{Timeout: f.wait + 30*time.Second}, skills: map[string]string{}, seen: map[string]bool{}}
	if f.listen != "" {
		return d.serve(ctx)
	}
	return d.pull(ctx)
}

// job is one launch to dial, with its outcome already drawn (so a seeded
// run is reproducible whatever the timing of the lines).
type job struct {
	l payload.Launch
	o outcome
}

// lines dials jobs from jobs, f.lines at a time, until jobs is closed.
func (d *dialer) lines(jobs <-chan job) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range max(d.f.lines, 1) {
		wg.Go(func() {
			for j := range jobs {
				d.dial(j)
			}
		})
	}
	return &wg
}

// pull claims launches with a long poll until ctx ends.
func (d *dialer) pull(ctx context.Context) error {
	d.log.Info("dialer claiming launches", "server", d.base, "tenant", d.f.tenant, "queue", d.f.queue)
	jobs := make(chan job)
	wg := d.lines(jobs)
	defer func() {
		close(jobs)
		wg.Wait()
		d.log.Info("dialer stopped")
	}()
	backoff := time.Second
	for ctx.Err() == nil {
		launches, err := d.claim(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			d.log.Warn("claim failed; trying again", "err", err, "in", backoff)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 30*time.Second)
			continue
		}
		backoff = time.Second
		for _, l := range launches {
			if err := d.ack(ctx, l); err != nil {
				d.log.Warn("ack failed: the launch will be offered again when its lease expires", "key", l.Key, "err", err)
				continue
			}
			select {
			case jobs <- job{l, d.pick.pick(l.Attempt)}:
			case <-ctx.Done():
				d.log.Warn("stopping with an acknowledged launch not dialled: the outbound-start timeout will fail it", "key", l.Key)
			}
		}
	}
	return nil
}

// api sends a JSON request to the server's API and decodes the answer.
func (d *dialer) api(ctx context.Context, path string, body, answer any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if d.f.token != "" {
		req.Header.Set("Authorization", "Bearer "+d.f.token)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, snippet(raw))
	}
	return json.Unmarshal(raw, answer)
}

func (d *dialer) claim(ctx context.Context) ([]payload.Launch, error) {
	var out struct {
		Launches []payload.Launch `json:"launches"`
	}
	err := d.api(ctx, "/api/v1/launches/claim", map[string]any{
		"tenant": d.f.tenant, "queue": d.f.queue, "max": d.f.max, "waitSeconds": d.f.wait.Seconds(),
	}, &out)
	return out.Launches, err
}

func (d *dialer) ack(ctx context.Context, l payload.Launch) error {
	var out map[string]any
	return d.api(ctx, "/api/v1/launches/"+l.Key+"/ack", map[string]any{"tenant": l.Tenant}, &out)
}

// dial places one launch with its outcome and reports it.
func (d *dialer) dial(j job) {
	l, o := j.l, j.o
	log := d.log.With("interaction", l.InteractionID, "attempt", l.Attempt, "tenant", l.Tenant, "queue", l.Queue,
		"contact", l.Contact, "firstParty", l.FirstParty, "outcome", string(o))
	if d.f.delay > 0 {
		time.Sleep(d.f.delay)
	}
	// Reports are not cut short by a shutdown: the launch is in hand.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := d.report(ctx, l, o); err != nil {
		log.Error("outcome not reported", "err", err)
		return
	}
	log.Info("outcome reported")
}

// report tells the platform, through the PTK, what happened to launch l.
func (d *dialer) report(ctx context.Context, l payload.Launch, o outcome) error {
	id := "InteractionId=" + l.InteractionID
	tenant := "Tenant=" + l.Tenant
	switch o {
	case "silent":
		return nil
	case "answer", "abandon":
		skill, err := d.callbackSkill(ctx, l.Tenant, l.Segment)
		if err != nil {
			return err
		}
		steps := [][]string{
			{"InteractionOutboundConnected", tenant, id},
			{"InteractionSendToQueue", tenant, id, "Reason=SpeakToAgent"},
			{"InteractionQueued", tenant, id, "SkillId=" + skill},
			{"InteractionDequeued", tenant, id, "Reason=AgentAnswered"},
		}
		if o == "abandon" {
			steps[3] = []string{"InteractionDisconnectedByCaller", tenant, id, "Reason=Abandon"}
		}
		for _, s := range steps {
			if _, err := d.ptk(ctx, s[0], s[1:]...); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := d.ptk(ctx, "InteractionOutboundAttemptFailed", tenant, id, "Reason="+string(outcomeReasons[o]))
	return err
}

// callbackSkill is the callback skill id of a segment's queue, asked once
// (GetSegmentVariables CallbackQueueID).
func (d *dialer) callbackSkill(ctx context.Context, tenant, segment string) (string, error) {
	k := tenant + "/" + segment
	d.mu.Lock()
	skill, ok := d.skills[k]
	d.mu.Unlock()
	if ok {
		return skill, nil
	}
	answer, err := d.ptk(ctx, "GetSegmentVariables", "Tenant="+tenant, "Segment="+segment, "Options.Variable=CallbackQueueID")
	if err != nil {
		return "", err
	}
	var walk func(n *ptk.Node)
	walk = func(n *ptk.Node) {
		if name, _ := n.Attr("Name"); strings.EqualFold(n.Name, "Variable") && name == "CallbackQueueID" {
			skill, _ = n.Attr("Value")
			if v := n.Find("Value"); skill == "" && v != nil && v != n {
				skill = v.Text
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(answer)
	if skill == "" {
		return "", fmt.Errorf("segment %s/%s has no CallbackQueueID (skills.callback.id)", tenant, segment)
	}
	d.mu.Lock()
	d.skills[k] = skill
	d.mu.Unlock()
	return skill, nil
}

// ptk calls a PTK method over SOAP 1.1 and returns the answer; a fault or a
// code other than RequestCompleted is an error.
func (d *dialer) ptk(ctx context.Context, method string, pairs ...string) (*ptk.Node, error) {
	op, _, ok := ptk.Lookup(method)
	if !ok {
		return nil, fmt.Errorf("unknown PTK method %s", method)
	}
	req, err := ptk.BuildRequest(op, pairs)
	if err != nil {
		return nil, err
	}
	_, answer, err := soapCall(ctx, op, req, d.base, false, d.f.basic)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	if answer.Name == "Fault" {
		return nil, fmt.Errorf("%s: fault: %s", method, answer.Find("faultstring", "Text").Text)
	}
	if code := answerCode(answer); code != status.RequestCompleted {
		return answer, fmt.Errorf("%s: %s", method, code)
	}
	return answer, nil
}
