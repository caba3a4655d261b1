-- wrk script: SOAP 1.1 GetSegmentState for VHT/VHT_Test, the queue add-interaction.lua fills.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.body = [[<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetSegmentState xmlns="urn:holdline:ptk"><data><Tenant>VHT</Tenant><Segment>VHT_Test</Segment></data></GetSegmentState></soap:Body></soap:Envelope>]]
