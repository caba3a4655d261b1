#!/usr/bin/env node
// node_auth_client.js WSDL_URL USERNAME PASSWORD TENANT/SEGMENT OTHER_TENANT/SEGMENT
//
// Calls Holdline's PTK, with PTK credentials configured, the way a node-soap
// integration sends them (npm soap, pinned in package.json): HTTP Basic
// (BasicAuthSecurity) and a WS-Security UsernameToken (WSSecurity) with the
// password in clear and as a digest, on the SOAP 1.1 and the SOAP 1.2 port
// of the WSDL. The WSDL itself is public: it is loaded without credentials.
//
// Every call is GetSegmentState of TENANT/SEGMENT (the credential's tenant),
// except "another tenant", which asks for OTHER_TENANT/SEGMENT. The cases
// also send what an integration gets wrong or an attacker tries: a wrong
// password, a stale Created time, a captured header sent again, no
// credentials. Prints one JSON line per call:
//   {"client":"node-soap","soap":"1.1","case":…,"http":…,"code":…|null,
//    "fault":null|<faultcode, or SOAP 1.2 Code/Value>,"subcode":null|"prefix:local",
//    "reason":…,"challenge":<WWW-Authenticate>}
// and leaves the judging to interop_test.go (TestCredentialsWithZeepAndNodeSoap).
'use strict';

const soap = require('soap');
const { soapPorts } = require('./node_client');

// text is an element's text as node-soap's parser gives it: a string, or
// an object with $value when the element has attributes.
function text(v) {
  if (v === undefined || v === null) return null;
  return typeof v === 'object' && '$value' in v ? String(v.$value) : String(v);
}

// outcome turns node-soap's answer or error into the result line's fields.
// A SOAP fault is an Error whose root is the parsed fault envelope.
function outcome(err, result, response) {
  const line = { http: null, code: null, fault: null, subcode: null, reason: null, challenge: null };
  if (response) {
    line.http = response.status;
    line.challenge = (response.headers && response.headers['www-authenticate']) || null;
  }
  if (!err) {
    const status = result && result.GetSegmentStateResult && result.GetSegmentStateResult.Header &&
      result.GetSegmentStateResult.Header.Status;
    line.code = status ? Number(status.Code) : null;
    return line;
  }
  const f = err.root && err.root.Envelope && err.root.Envelope.Body && err.root.Envelope.Body.Fault;
  if (!f) {
    line.fault = `not a SOAP fault: ${err.message}`;
    return line;
  }
  if (f.Code) { // SOAP 1.2
    line.fault = text(f.Code.Value);
    line.subcode = f.Code.Subcode ? text(f.Code.Subcode.Value) : null;
    line.reason = f.Reason ? text(f.Reason.Text) : null;
  } else {
    line.fault = text(f.faultcode);
    line.reason = text(f.faultstring);
  }
  return line;
}

// captured is the header a security object produced once, sent unchanged
// every time: what an eavesdropper who recorded a request replays. Any
// object with toXML is a node-soap security (its ISecurity interface).
function captured(security) {
  const xml = security.toXML();
  return { toXML: () => xml };
}

// onSlowClock is the header a security object produces on a machine whose
// clock is lateMs behind. WSSecurity takes its Created time from the clock
// and has no option to set it, so the clock is what is set back, for that
// one toXML call only: the header is still entirely node-soap's.
function onSlowClock(security, lateMs) {
  const RealDate = global.Date;
  global.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [RealDate.now() - lateMs]));
    }

    static now() {
      return RealDate.now() - lateMs;
    }
  };
  try {
    return captured(security);
  } finally {
    global.Date = RealDate;
  }
}

// cases are the calls, in order: [case, target, security or null].
function cases(user, password, own, other) {
  const clear = (pw) => new soap.WSSecurity(user, pw, { passwordType: 'PasswordText', hasTimeStamp: false });
  const digest = (pw) => new soap.WSSecurity(user, pw, { passwordType: 'PasswordDigest', hasTimeStamp: true, hasNonce: true });
  const header = captured(digest(password));
  return [
    ['none', own, null],
    ['basic', own, new soap.BasicAuthSecurity(user, password)],
    ['basic, wrong password', own, new soap.BasicAuthSecurity(user, password + '-wrong')],
    ['text', own, clear(password)],
    ['text, wrong password', own, clear(password + '-wrong')],
    ['digest', own, digest(password)],
    ['digest, wrong password', own, digest(password + '-wrong')],
    ['digest, stale Created', own, onSlowClock(digest(password), 10 * 60 * 1000)],
    ['digest, captured', own, header],
    ['digest, replayed', own, header],
    ['another tenant', other, new soap.BasicAuthSecurity(user, password)],
    ['another tenant, digest', other, digest(password)],
  ];
}

// getSegmentState calls GetSegmentState of target ("Tenant/Segment") on a
// port with a security (none when null) and resolves to the line's fields.
async function getSegmentState(url, p, target, security) {
  const client = await soap.createClientAsync(url, { forceSoap12Headers: p.soap === '1.2' });
  if (security) client.setSecurity(security);
  // The callback gets no HTTP response on success: the 'response' event does.
  let response = null;
  client.on('response', (body, res) => { response = res; });
  const [Tenant, Segment] = target.split('/');
  const args = { data: { Tenant, Segment, Options: { ClientId: 'node-soap-auth' } } };
  return new Promise((resolve) => {
    client[p.service][p.port].GetSegmentState(args, (err, result) => resolve(outcome(err, result, response)));
  });
}

async function main() {
  const [url, user, password, own, other] = process.argv.slice(2);
  if (!other) {
    console.error('usage: node_auth_client.js WSDL_URL USERNAME PASSWORD TENANT/SEGMENT OTHER_TENANT/SEGMENT');
    process.exit(2);
  }
  const res = await fetch(url); // the WSDL is public
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const ports = soapPorts(await res.text());
  for (const version of ['1.1', '1.2']) {
    const p = ports.find((x) => x.soap === version);
    if (!p) throw new Error(`the WSDL has no SOAP ${version} port`);
    for (const [name, target, security] of cases(user, password, own, other)) {
      const line = await getSegmentState(url, p, target, security);
      console.log(JSON.stringify({ client: 'node-soap', soap: version, case: name, ...line }));
    }
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
