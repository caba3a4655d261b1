#!/usr/bin/python3
"""suds_exec.py WSDL_URL

The suds executor of TestGeneratedClients (driver_test.go): loads the
PTK WSDL with suds (Debian's python3-suds: run it with /usr/bin/python3),
which builds its types and service proxy from it, and makes the calls the test
sends on stdin, one JSON object a line: {"soap", "operation", "args"}.
Answers one JSON line each: {"port", "result"} with the XResult the proxy
returned, or {"port", "exception", "fault_code", "fault"} for a SOAP fault,
or {"port", "error"}.

suds has no SOAP 1.2: it sends a SOAP 1.1 envelope to any port, so only the
WSDL's SOAP 1.1 port (told apart by its binding's namespace) is used.
"""

import datetime
import json
import sys

import suds
import suds.client
import suds.sudsobject

SOAP11_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"


def plain(v):
    """A suds answer as JSON values: objects, lists, strings and numbers."""
    if isinstance(v, suds.sudsobject.Object):
        # suds names an attribute with a leading underscore.
        return {k.lstrip("_"): plain(x) for k, x in suds.sudsobject.asdict(v).items() if x is not None}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, (bool, int, float)) or v is None:
        return v
    return str(v)


def soap11_port(client):
    for service in client.wsdl.services:
        for port in service.ports:
            for child in port.binding.root.children:
                if child.name == "binding" and child.namespace()[1] == SOAP11_BINDING:
                    return port.name
    raise SystemExit("the WSDL has no SOAP 1.1 port")


def main():
    client = suds.client.Client(sys.argv[1], cache=None)
    port = soap11_port(client)
    proxy = client.service[port]
    for line in sys.stdin:
        call = json.loads(line)
        out = {"port": port}
        if call["soap"] != "1.1":
            out["error"] = "suds has no SOAP %s" % call["soap"]
        else:
            args = call.get("args") or {}
            try:
                out["result"] = plain(getattr(proxy, call["operation"])(**args))
            except suds.WebFault as f:
                out.update(exception="suds.WebFault", fault_code=str(f.fault.faultcode),
                           fault=str(f.fault.faultstring))
            except Exception as e:  # a client-side error is a failure too
                out["error"] = "%s: %s" % (type(e).__name__, e)
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
