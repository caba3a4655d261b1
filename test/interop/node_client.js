#!/usr/bin/env node
// node_client.js WSDL_URL [CALLS_JSON]
//
// Loads Holdline's PTK WSDL with node-soap (npm soap, pinned in package.json),
// finds its SOAP 1.1 and SOAP 1.2 ports, and on each calls every operation of
// the binding with the arguments of calls.json (see its comment). Prints one
// JSON line per call:
//   {"client":"node-soap","soap":"1.1","port":…,"step":…,"operation":…,"fault":null|"…","code":…}
// and exits 1 on a fault, a wrong code, an operation of the WSDL calls.json
// does not call, or one calls.json calls that the WSDL lacks.
'use strict';

const fs = require('fs');
const path = require('path');
const sax = require('sax');
const soap = require('soap');

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP_BINDING_NS = {
  'http://schemas.xmlsoap.org/wsdl/soap/': '1.1',
  'http://schemas.xmlsoap.org/wsdl/soap12/': '1.2',
};

// soapPorts reads the WSDL's services and ports and tells the SOAP version
// of each port's binding, from the namespace of the binding's soap:binding
// element (node-soap's own model drops it). Returns [{service, port, soap}].
function soapPorts(xml) {
  const parser = sax.parser(true, { xmlns: true });
  const bindings = {}; // binding name -> SOAP version
  const ports = [];
  const stack = [];
  let service = null;
  parser.onopentag = (node) => {
    const parent = stack[stack.length - 1];
    stack.push(node);
    const attr = (name) => (node.attributes[name] ? node.attributes[name].value : undefined);
    if (node.uri === WSDL_NS && node.local === 'service') {
      service = attr('name');
    } else if (node.uri === WSDL_NS && node.local === 'port' && service) {
      ports.push({ service, port: attr('name'), binding: localName(attr('binding')) });
    } else if (node.local === 'binding' && SOAP_BINDING_NS[node.uri] && parent &&
               parent.uri === WSDL_NS && parent.local === 'binding') {
      bindings[parent.attributes.name.value] = SOAP_BINDING_NS[node.uri];
    }
  };
  parser.onclosetag = () => {
    const node = stack.pop();
    if (node.uri === WSDL_NS && node.local === 'service') service = null;
  };
  parser.write(xml).close();
  return ports
    .filter((p) => bindings[p.binding])
    .map((p) => ({ service: p.service, port: p.port, soap: bindings[p.binding] }));
}

function localName(qname) {
  return (qname || '').split(':').pop();
}

// fill replaces the $NAME placeholders of every string in v.
function fill(v, vars) {
  if (typeof v === 'string') {
    return v.replace(/\$([A-Z][A-Z0-9_]*)/g, (m, name) => {
      if (!(name in vars)) throw new Error(`placeholder ${m} is not set (yet)`);
      return vars[name];
    });
  }
  if (Array.isArray(v)) return v.map((x) => fill(x, vars));
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = fill(x, vars);
    return out;
  }
  return v;
}

// pick follows a dotted path in node-soap's result object: attributes are
// under "attributes", a repeated element is an array (a single one is not).
function pick(v, dotted) {
  for (const seg of dotted.split('.')) {
    if (/^\d+$/.test(seg)) {
      const n = Number(seg);
      v = Array.isArray(v) ? v[n] : n === 0 ? v : undefined;
      continue;
    }
    if (Array.isArray(v)) v = v[0];
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = seg in v ? v[seg] : v.attributes ? v.attributes[seg] : undefined;
  }
  return v;
}

function wireText(v) {
  if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return v === undefined || v === null ? v : String(v);
}

function statusCode(result) {
  const c = pick(result, 'ResultCode') ?? pick(result, 'Header.Status.Code');
  return c === undefined || c === null ? null : Number(c);
}

function faultText(err) {
  const f = err && err.root && err.root.Envelope && err.root.Envelope.Body && err.root.Envelope.Body.Fault;
  if (f) {
    const reason = f.faultstring || (f.Reason && f.Reason.Text) || JSON.stringify(f);
    const code = f.faultcode || (f.Code && f.Code.Value) || '';
    return `${code} ${typeof reason === 'object' ? JSON.stringify(reason) : reason}`.trim();
  }
  return String((err && err.message) || err);
}

// invoke calls a port's method (callback style: client[Service][Port][Op])
// and resolves to the content of the response element.
function invoke(method, args) {
  return new Promise((resolve, reject) => {
    method(args, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function tomorrowNoon() {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(12, 0, 0, 0);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function runPort(url, p, index, calls) {
  const client = await soap.createClientAsync(url, { forceSoap12Headers: p.soap === '1.2' });
  const ops = client[p.service][p.port];
  const described = Object.keys(client.describe()[p.service][p.port]);
  const vars = {
    RUN: `1${index}${String(Date.now() % 1000000).padStart(6, '0')}`,
    TOMORROW: tomorrowNoon(),
  };
  let ok = true;
  const out = (step, operation, fault, code) => {
    if (fault !== null) ok = false;
    console.log(JSON.stringify({ client: 'node-soap', soap: p.soap, port: p.port, step, operation, fault, code }));
  };
  const called = new Set(calls.map((c) => c.operation));
  for (const op of described) {
    if (!called.has(op)) out(null, op, 'calls.json has no call of this operation', null);
  }
  for (const [step, call] of calls.entries()) {
    if (!described.includes(call.operation) || typeof ops[call.operation] !== 'function') {
      out(step, call.operation, `the ${p.port} binding has no operation ${call.operation}`, null);
      continue;
    }
    let args;
    try {
      args = fill(call.args, vars);
    } catch (e) {
      out(step, call.operation, e.message, null);
      continue;
    }
    const deadline = Date.now() + 1000 * (call.retry_seconds || 0);
    let result, code, fault = null;
    for (;;) {
      try {
        result = await invoke(ops[call.operation], args);
        fault = null;
      } catch (err) {
        fault = faultText(err);
        result = undefined;
      }
      // node-soap answers the content of the response element: {XResult: …}.
      const xresult = result && result[call.operation + 'Result'];
      code = statusCode(xresult);
      if (fault !== null || code === call.expect || Date.now() >= deadline) {
        result = xresult;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (fault === null && code === null) fault = 'the answer has no ResultCode nor Header.Status.Code';
    if (fault === null && call.expect !== undefined && code !== call.expect) {
      fault = `answered ${code}, want ${call.expect}`;
    }
    if (fault === null) {
      try {
        for (const [dotted, want] of Object.entries(fill(call.check || {}, vars))) {
          const got = wireText(pick(result, dotted));
          if (got !== want) {
            fault = `${dotted} = ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
            break;
          }
        }
      } catch (e) {
        fault = e.message;
      }
    }
    for (const [name, dotted] of Object.entries(call.save || {})) {
      const v = wireText(pick(result, dotted));
      if (v === undefined || v === null || v === '') {
        if (fault === null) fault = `the answer has no ${dotted} to save as $${name}`;
      } else {
        vars[name] = v;
      }
    }
    out(step, call.operation, fault, code);
  }
  return ok;
}

async function main() {
  const [url, callsFile = path.join(__dirname, 'calls.json')] = process.argv.slice(2);
  if (!url) {
    console.error('usage: node_client.js WSDL_URL [CALLS_JSON]');
    process.exit(2);
  }
  const { calls } = JSON.parse(fs.readFileSync(callsFile, 'utf8'));
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const ports = soapPorts(await res.text());
  let ok = true;
  for (const version of ['1.1', '1.2']) {
    const p = ports.find((x) => x.soap === version);
    if (!p) {
      console.log(JSON.stringify({ client: 'node-soap', soap: version, port: null, step: null, operation: null,
        fault: `the WSDL has no SOAP ${version} port`, code: null }));
      ok = false;
      continue;
    }
    ok = (await runPort(url, p, version === '1.1' ? 1 : 2, calls)) && ok;
  }
  process.exit(ok ? 0 : 1);
}

// node_auth_client.js shares soapPorts; main runs only when node runs this file.
module.exports = { soapPorts };

if (require.main === module) {
  main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
}
