-- wrk script: SOAP 1.1 AddInteraction (ASAP) on VHT/VHT_Test with random 8-digit contacts.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
counter = 0
request = function()
  counter = counter + 1
  local contact = string.format("%d%07d", math.random(1,9), (counter * 7919 + math.random(0, 9999999)) % 10000000)
  local body = [[<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><AddInteraction xmlns="urn:holdline:ptk"><data><Tenant>VHT</Tenant><Segment>VHT_Test</Segment><Contact>]] .. contact .. [[</Contact></data></AddInteraction></soap:Body></soap:Envelope>]]
  return wrk.format(nil, nil, nil, body)
end
