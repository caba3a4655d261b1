package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/status"
)

// ptkFlags are the options of `holdline ptk`.
type ptkFlags struct {
	server  string
	soap12  bool
	json    bool
	token   string
	timeout time.Duration
	basic   basicAuth
}

// basicAuth is the HTTP Basic credential a SOAP call carries, when the
// server has PTK credentials (auth.ptk); none when user is empty.
type basicAuth struct{ user, password string }

// passwordEnv names the environment variable a PTK password is read from,
// so it need not be on the command line.
const passwordEnv = "HOLDLINE_PTK_PASSWORD"

// addBasicFlags adds --user and --password to fl.
func addBasicFlags(fl *pflag.FlagSet, b *basicAuth) {
	fl.StringVar(&b.user, "user", "", "PTK username, sent with HTTP Basic (when auth.ptk credentials are configured)")
	fl.StringVar(&b.password, "password", "", "PTK password (default: the "+passwordEnv+" environment variable)")
}

// set puts the credential on hreq.
func (b basicAuth) set(hreq *http.Request) {
	if b.user == "" {
		return
	}
	pw := b.password
	if pw == "" {
		pw = os.Getenv(passwordEnv)
	}
	hreq.SetBasicAuth(b.user, pw)
}

func newPTKCmd() *cobra.Command {
	var f ptkFlags
	cmd := &cobra.Command{
		Use:   "ptk METHOD [key=value ...]",
		Short: "Call a PTK method on a running server and print the answer",
		Long: `Call a Platform Toolkit method on a running Holdline and print the answer.

Parameters are key=value pairs; a key is a dotted path of the WSDL's element
names, matched case-insensitively:

  holdline ptk GetSegmentState Tenant=Portree Segment=VHT_Test
  holdline ptk AddInteraction Tenant=VHTLab Segment=PTK_VHT_TEST Contact=80001 \
      Options.AppointmentTime=2026-12-01T15:00:00Z Options.UserData.account=A-1
  holdline ptk UpdateInteractionData Tenant=VHTLab InteractionId=V0001... InteractionData.Contact=8002

A path through user data or an InteractionData pair ends with the pair's key.
The request is sent as SOAP 1.1 (--soap12 for SOAP 1.2, --json for the JSON
mirror at /api/v1/ptk/METHOD); --user (and --password, or the
HOLDLINE_PTK_PASSWORD environment variable) sends PTK credentials with HTTP
Basic, --token a bearer token to the JSON mirror. The answer is printed on stdout and its status
code on stderr. A PTK refusal is an answer: the exit status is 0. A fault or
a transport error exits 1.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPTK(cmd.Context(), f, args[0], args[1:], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", "http://127.0.0.1:8080", "base URL of the Holdline server")
	fl.BoolVar(&f.soap12, "soap12", false, "send SOAP 1.2 instead of SOAP 1.1")
	fl.BoolVar(&f.json, "json", false, "use the JSON mirror (/api/v1/ptk/METHOD)")
	fl.StringVar(&f.token, "token", "", "bearer token for the JSON mirror (when auth.tokens are configured; SOAP needs none)")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up after this long")
	addBasicFlags(fl, &f.basic)
	return cmd
}

// runPTK builds the request of method from pairs, sends it and prints the answer.
func runPTK(ctx context.Context, f ptkFlags, method string, pairs []string, stdout, stderr io.Writer) error {
	op, _, ok := ptk.Lookup(method)
	if !ok {
		names := make([]string, 0)
		for _, o := range ptk.Operations() {
			names = append(names, o.Name)
		}
		return fmt.Errorf("unknown PTK method %q; known: %s", method, strings.Join(names, ", "))
	}
	req, err := ptk.BuildRequest(op, pairs)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	base := strings.TrimRight(f.server, "/")
	if f.json {
		return callJSON(ctx, op, req, base, f.token, stdout, stderr)
	}
	return callSOAP(ctx, op, req, base, f.soap12, f.basic, stdout, stderr)
}

// soapCall sends req, the request of op, to the PTK endpoint under base and
// returns the answer's raw body and its decoded first element (the
// operation's response, or a Fault).
func soapCall(ctx context.Context, op *ptk.Operation, req *ptk.Node, base string, soap12 bool, auth basicAuth) ([]byte, *ptk.Node, error) {
	version := ptk.SOAP11
	if soap12 {
		version = ptk.SOAP12
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, base+ptk.Path, bytes.NewReader(ptk.EncodeEnvelope(version, req)))
	if err != nil {
		return nil, nil, fmt.Errorf("ptk request: %w", err)
	}
	if soap12 {
		hreq.Header.Set("Content-Type", `application/soap+xml; charset=utf-8; action="`+op.SOAPAction()+`"`)
	} else {
		hreq.Header.Set("Content-Type", "text/xml; charset=utf-8")
		hreq.Header.Set("SOAPAction", `"`+op.SOAPAction()+`"`)
	}
	auth.set(hreq)
	status, body, err := send(hreq)
	if err != nil {
		return nil, nil, err
	}
	env, derr := ptk.DecodeEnvelope(bytes.NewReader(body), ptk.Limits{MaxBody: int64(len(body)) + 1})
	if derr != nil || env.Op == nil {
		return nil, nil, fmt.Errorf("the server answered HTTP %d with no SOAP message: %s", status, snippet(body))
	}
	return body, env.Op, nil
}

// answerCode is the status code of a decoded PTK answer, or 0.
func answerCode(answer *ptk.Node) status.Code {
	var n int
	if c := answer.Find("Code", "ResultCode"); c != nil {
		_, _ = fmt.Sscan(strings.TrimSpace(c.Text), &n)
	}
	return status.Code(n)
}

func callSOAP(ctx context.Context, op *ptk.Operation, req *ptk.Node, base string, soap12 bool, auth basicAuth, stdout, stderr io.Writer) error {
	body, answer, err := soapCall(ctx, op, req, base, soap12, auth)
	if err != nil {
		return err
	}
	if err := ptk.Indent(stdout, body); err != nil {
		return fmt.Errorf("print the answer: %w", err)
	}
	if answer.Name == "Fault" {
		fmt.Fprintf(stderr, "fault: %s\n", answer.Find("faultstring", "Text").Text)
		return exitError{code: 1}
	}
	return reportCode(stderr, answer.Find("Code", "ResultCode").Text)
}

func callJSON(ctx context.Context, op *ptk.Operation, req *ptk.Node, base, token string, stdout, stderr io.Writer) error {
	body, err := ptk.RequestJSON(op, req)
	if err != nil {
		return fmt.Errorf("ptk request: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/ptk/"+op.Name, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("ptk request: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if token != "" {
		hreq.Header.Set("Authorization", "Bearer "+token)
	}
	code, answer, err := send(hreq)
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, answer, "", "  ") != nil {
		return fmt.Errorf("the server answered HTTP %d with no JSON: %s", code, snippet(answer))
	}
	fmt.Fprintln(stdout, strings.TrimSpace(pretty.String()))
	if code != http.StatusOK {
		fmt.Fprintf(stderr, "HTTP %d\n", code)
		return exitError{code: 1}
	}
	var v struct {
		ResultCode json.Number
		Header     struct{ Status struct{ Code json.Number } }
	}
	if err := json.Unmarshal(answer, &v); err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	c := v.ResultCode
	if c == "" {
		c = v.Header.Status.Code
	}
	return reportCode(stderr, c.String())
}

// send posts hreq and returns the answer's HTTP status and body.
func send(hreq *http.Request) (int, []byte, error) {
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		return 0, nil, fmt.Errorf("ptk call: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("ptk call: reading the answer: %w", err)
	}
	return resp.StatusCode, body, nil
}

// reportCode prints the answer's status code on stderr ("107000 RequestCompleted").
func reportCode(stderr io.Writer, text string) error {
	var n int
	if _, err := fmt.Sscan(strings.TrimSpace(text), &n); err != nil {
		return errors.New("the answer carries no status code")
	}
	fmt.Fprintln(stderr, status.Code(n).String())
	return nil
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
