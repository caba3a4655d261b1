-- wrk script: SOAP 1.1 GetSegmentState for the demo segment Portree/VHT_Test (an empty queue).
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.body = [[<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetSegmentState xmlns="urn:holdline:ptk"><data><Tenant>Portree</Tenant><Segment>VHT_Test</Segment></data></GetSegmentState></soap:Body></soap:Envelope>]]
