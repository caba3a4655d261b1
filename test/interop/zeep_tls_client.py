#!/usr/bin/python3
"""zeep_tls_client.py WSDL_URL CA_FILE [CERT_FILE KEY_FILE]

Loads Holdline's PTK WSDL over HTTPS with zeep (Debian's python3-zeep: run
it with /usr/bin/python3), trusting only the certificates of CA_FILE and,
when CERT_FILE and KEY_FILE are given, presenting that client certificate
(mutual TLS); then calls GetVersion on the port zeep picks. Prints one JSON
line:
  {"address": <the port's address in the WSDL>, "code": <status code>, "version": <PlatformToolkitVersion>}
and exits 1, with the error on standard error, when anything fails (a
refused handshake, say).
"""

import json
import sys

import requests
import zeep
import zeep.helpers
from zeep.transports import Transport


def main():
    if len(sys.argv) not in (3, 5):
        print(__doc__, file=sys.stderr)
        return 2
    session = requests.Session()
    # Without this, REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE in the environment
    # would silently replace session.verify (requests merges them first).
    session.trust_env = False
    session.verify = sys.argv[2]
    if len(sys.argv) == 5:
        session.cert = (sys.argv[3], sys.argv[4])
    try:
        client = zeep.Client(sys.argv[1], transport=Transport(session=session))
        answer = zeep.helpers.serialize_object(
            client.service.GetVersion(data={"Options": {"ClientId": "tls-test"}}), dict)
    except Exception as e:  # the test reads why
        print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    status = (answer.get("Header") or {}).get("Status") or {}
    print(json.dumps({
        "address": client.service._binding_options["address"],
        "code": answer.get("ResultCode", status.get("Code")),
        "version": (answer.get("Data") or {}).get("PlatformToolkitVersion"),
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
