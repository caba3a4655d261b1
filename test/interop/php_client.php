<?php
// PHP's SoapClient (Debian php-soap) in WSDL mode: the PHP executor of
// TestMoreClients (driver_test.go runs calls.json through it).
// Usage: php php_client.php WSDL_URL 1.1|1.2 PORT
// (PORT: the WSDL's port of that SOAP version, for the answers: SoapClient
// picks the binding of its soap_version itself and does not say which port it
// took; the test checks the version of what it sends.)
//
// Reads calls on stdin, one JSON object a line: {"soap", "operation", "args"}
// with the arguments in the WSDL's canonical shape, makes each with
// __soapCall, and answers one JSON line: {"port", "result"} with the XResult
// SoapClient returned, or {"port", "exception", "fault_code", "fault"} for a
// SoapFault, or {"port", "error"}.
[$wsdl, $version, $port] = [$argv[1], $argv[2], $argv[3]];

// hexBinary: SoapClient takes and gives the bytes; calls.json writes hex.
function binary($v, callable $f)
{
    if (is_array($v) || is_object($v)) {
        foreach ($v as $k => $x) {
            $y = $k === "BinaryValue" && is_string($x) ? $f($x) : binary($x, $f);
            is_array($v) ? $v[$k] = $y : $v->$k = $y;
        }
    }
    return $v;
}

$client = new SoapClient($wsdl, [
    "soap_version" => $version === "1.2" ? SOAP_1_2 : SOAP_1_1,
    "exceptions" => true,
    "cache_wsdl" => WSDL_CACHE_NONE,
]);
while (($line = fgets(STDIN)) !== false) {
    $call = json_decode($line, true);
    $answer = ["port" => $port];
    try {
        $args = binary($call["args"] ?? [], "hex2bin");
        $r = $client->__soapCall($call["operation"], [$args]);
        $answer["result"] = binary($r->{$call["operation"] . "Result"}, fn($b) => strtoupper(bin2hex($b)));
    } catch (SoapFault $f) {
        $answer += ["exception" => get_class($f), "fault_code" => $f->faultcode, "fault" => $f->getMessage()];
    } catch (Throwable $e) {
        $answer["error"] = get_class($e) . ": " . $e->getMessage();
    }
    echo json_encode($answer, JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    flush();
}
