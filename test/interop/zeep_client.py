#!/usr/bin/python3
"""zeep_client.py WSDL_URL [CALLS_JSON]

Loads Holdline's PTK WSDL with zeep (Debian's python3-zeep: run it with
/usr/bin/python3), finds its SOAP 1.1 and SOAP 1.2 ports, and on each calls
every operation of the binding with the arguments of calls.json (see its
comment). Prints one JSON line per call:
  {"client":"zeep","soap":"1.1","port":…,"step":…,"operation":…,"fault":null|"…","code":…}
and exits 1 on a fault, a wrong code, an operation of the WSDL calls.json
does not call, or one calls.json calls that the WSDL lacks.
"""

import datetime
import json
import os
import re
import sys
import time

import zeep
import zeep.exceptions
import zeep.helpers
from zeep.wsdl.bindings.soap import Soap11Binding, Soap12Binding

PLACEHOLDER = re.compile(r"\$([A-Z][A-Z0-9_]*)")


def fill(v, names):
    """Replaces the $NAME placeholders of every string in v."""
    if isinstance(v, str):
        def sub(m):
            if m.group(1) not in names:
                raise KeyError("placeholder %s is not set (yet)" % m.group(0))
            return names[m.group(1)]
        return PLACEHOLDER.sub(sub, v)
    if isinstance(v, list):
        return [fill(x, names) for x in v]
    if isinstance(v, dict):
        return {k: fill(x, names) for k, x in v.items()}
    return v


def pick(v, dotted):
    """Follows a dotted path in a serialised zeep answer: attributes are keys
    like elements; in a list the first item is taken, or item N."""
    for seg in dotted.split("."):
        if seg.isdigit():
            n = int(seg)
            if isinstance(v, list):
                v = v[n] if n < len(v) else None
            elif n != 0:
                v = None
            continue
        if isinstance(v, list):
            v = v[0] if v else None
        if not isinstance(v, dict):
            return None
        v = v.get(seg)
    return v


def wire_text(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None if v is None else str(v)


def status_code(result):
    c = pick(result, "ResultCode")
    if c is None:
        c = pick(result, "Header.Status.Code")
    return None if c is None else int(c)


def tomorrow_noon():
    d = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    return d.strftime("%Y-%m-%dT12:00:00Z")


def soap_ports(client):
    """[(service, port, "1.1"|"1.2")] for every SOAP port of the WSDL."""
    ports = []
    for service in client.wsdl.services.values():
        for port in service.ports.values():
            if isinstance(port.binding, Soap12Binding):
                ports.append((service.name, port.name, "1.2"))
            elif isinstance(port.binding, Soap11Binding):
                ports.append((service.name, port.name, "1.1"))
    return ports


def run_port(client, service, port, version, index, calls):
    proxy = client.bind(service, port)
    operations = set(client.wsdl.services[service].ports[port].binding.all())
    names = {
        "RUN": "2%d%06d" % (index, int(time.time() * 1000) % 1000000),
        "TOMORROW": tomorrow_noon(),
    }
    ok = True

    def out(step, operation, fault, code):
        nonlocal ok
        if fault is not None:
            ok = False
        print(json.dumps({"client": "zeep", "soap": version, "port": port, "step": step,
                          "operation": operation, "fault": fault, "code": code}), flush=True)

    called = {c["operation"] for c in calls}
    for op in sorted(operations - called):
        out(None, op, "calls.json has no call of this operation", None)
    for step, call in enumerate(calls):
        op = call["operation"]
        if op not in operations:
            out(step, op, "the %s binding has no operation %s" % (port, op), None)
            continue
        try:
            args = fill(call["args"], names)
        except KeyError as e:
            out(step, op, e.args[0], None)
            continue
        deadline = time.monotonic() + call.get("retry_seconds", 0)
        while True:
            fault, result = None, None
            try:
                # zeep unwraps document/literal wrapped answers: the XResult.
                result = zeep.helpers.serialize_object(proxy[op](**args), dict)
            except zeep.exceptions.Fault as f:
                fault = "%s %s" % (f.code, f.message)
            except Exception as e:  # a client-side error is a failure too
                fault = "%s: %s" % (type(e).__name__, e)
            code = status_code(result) if fault is None else None
            if fault is not None or code == call.get("expect") or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        if fault is None and code is None:
            fault = "the answer has no ResultCode nor Header.Status.Code"
        if fault is None and "expect" in call and code != call["expect"]:
            fault = "answered %s, want %s" % (code, call["expect"])
        if fault is None:
            try:
                for dotted, want in fill(call.get("check", {}), names).items():
                    got = wire_text(pick(result, dotted))
                    if got != want:
                        fault = "%s = %s, want %s" % (dotted, json.dumps(got), json.dumps(want))
                        break
            except KeyError as e:
                fault = e.args[0]
        for name, dotted in call.get("save", {}).items():
            v = wire_text(pick(result, dotted))
            if not v:
                fault = fault or "the answer has no %s to save as $%s" % (dotted, name)
            else:
                names[name] = v
        out(step, op, fault, code)
    return ok


def main():
    if len(sys.argv) < 2:
        print("usage: zeep_client.py WSDL_URL [CALLS_JSON]", file=sys.stderr)
        return 2
    url = sys.argv[1]
    calls_file = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "calls.json")
    with open(calls_file, encoding="utf-8") as f:
        calls = json.load(f)["calls"]
    client = zeep.Client(url)
    ports = soap_ports(client)
    ok = True
    for index, version in enumerate(["1.1", "1.2"], start=1):
        found = [p for p in ports if p[2] == version]
        if not found:
            print(json.dumps({"client": "zeep", "soap": version, "port": None, "step": None, "operation": None,
                              "fault": "the WSDL has no SOAP %s port" % version, "code": None}), flush=True)
            ok = False
            continue
        service, port, _ = found[0]
        ok = run_port(client, service, port, version, index, calls) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
