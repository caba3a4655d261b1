#!/usr/bin/python3
"""zeep_auth_client.py WSDL_URL USERNAME PASSWORD TENANT/SEGMENT OTHER_TENANT/SEGMENT

Calls Holdline's PTK, with PTK credentials configured, the way a zeep
integration sends them (Debian's python3-zeep: run it with /usr/bin/python3):
HTTP Basic on the requests session, and a WS-Security UsernameToken with the
password in clear and as a digest, on the SOAP 1.1 and the SOAP 1.2 port of
the WSDL. The WSDL itself is public: it is loaded without credentials.

Every call is GetSegmentState of TENANT/SEGMENT (the credential's tenant),
except "another tenant", which asks for OTHER_TENANT/SEGMENT. The cases also
send what an integration gets wrong or an attacker tries: a wrong password,
a stale Created time, a captured header sent again, no credentials. Prints
one JSON line per call:
  {"client":"zeep","soap":"1.1","case":…,"http":…,"code":…|null,
   "fault":null|<faultcode, or SOAP 1.2 Code/Value>,"subcode":null|"{ns}local",
   "reason":…,"challenge":<WWW-Authenticate>}
and leaves the judging to interop_test.go (TestCredentialsWithZeepAndNodeSoap).
"""

import datetime
import json
import secrets
import sys

import requests
import zeep
import zeep.exceptions
import zeep.helpers
from requests.auth import HTTPBasicAuth
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from zeep_client import soap_ports, status_code


class LastResponse:
    """Remembers the HTTP status and challenge of the last response a session
    received: zeep's Fault does not carry them."""

    def __init__(self):
        self.status, self.challenge = None, None

    def hook(self, response, *args, **kwargs):
        self.status = response.status_code
        self.challenge = response.headers.get("WWW-Authenticate")


class Port:
    """One SOAP port of the WSDL, called with a given credential."""

    def __init__(self, wsdl, service, port, version):
        self.wsdl, self.service, self.port, self.version = wsdl, service, port, version

    def get_segment_state(self, target, auth=None, wsse=None):
        """Calls GetSegmentState of target ("Tenant/Segment") with the HTTP
        Basic auth and the WS-Security token given, and returns the result
        line's fields."""
        last = LastResponse()
        session = requests.Session()
        session.auth = auth  # requests sends it with every request, the WSDL's GET too
        session.hooks["response"].append(last.hook)
        client = zeep.Client(self.wsdl, transport=Transport(session=session), wsse=wsse)
        proxy = client.bind(self.service, self.port)
        tenant, segment = target.split("/", 1)
        line = {"code": None, "fault": None, "subcode": None, "reason": None}
        try:
            answer = proxy.GetSegmentState(data={"Tenant": tenant, "Segment": segment,
                                                 "Options": {"ClientId": "zeep-auth"}})
            line["code"] = status_code(zeep.helpers.serialize_object(answer, dict))
        except zeep.exceptions.Fault as f:
            # SOAP 1.1: code is the faultcode's text. SOAP 1.2: code is
            # Code/Value's text, subcodes the Subcode/Value QNames.
            line["fault"], line["reason"] = f.code, f.message
            if f.subcodes:
                line["subcode"] = f.subcodes[0].text
        line["http"], line["challenge"] = last.status, last.challenge
        return line


def cases(user, password, own, other):
    """The calls, in order: (case, target, HTTP Basic auth, WS-Security)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    # A header captured off the wire: zeep builds the same one every time
    # when the nonce and the Created time are fixed.
    captured = UsernameToken(user, password, use_digest=True,
                             nonce=secrets.token_hex(12), created=now)
    return [
        ("none", own, None, None),
        ("basic", own, HTTPBasicAuth(user, password), None),
        ("basic, wrong password", own, HTTPBasicAuth(user, password + "-wrong"), None),
        ("text", own, None, UsernameToken(user, password)),
        ("text, wrong password", own, None, UsernameToken(user, password + "-wrong")),
        ("digest", own, None, UsernameToken(user, password, use_digest=True)),
        ("digest, wrong password", own, None, UsernameToken(user, password + "-wrong", use_digest=True)),
        # A client whose clock is ten minutes slow, or a header that old.
        ("digest, stale Created", own, None,
         UsernameToken(user, password, use_digest=True, created=now - datetime.timedelta(minutes=10))),
        ("digest, captured", own, None, captured),
        ("digest, replayed", own, None, captured),
        ("another tenant", other, HTTPBasicAuth(user, password), None),
        ("another tenant, digest", other, None, UsernameToken(user, password, use_digest=True)),
    ]


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    wsdl, user, password, own, other = sys.argv[1:]
    ports = soap_ports(zeep.Client(wsdl))  # the WSDL is public
    for version in ("1.1", "1.2"):
        found = [p for p in ports if p[2] == version]
        if not found:
            print("the WSDL has no SOAP %s port" % version, file=sys.stderr)
            return 1
        port = Port(wsdl, *found[0])
        for case, target, auth, wsse in cases(user, password, own, other):
            line = {"client": "zeep", "soap": version, "case": case}
            line.update(port.get_segment_state(target, auth=auth, wsse=wsse))
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
