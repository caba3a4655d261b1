<?php
// PHP's SoapClient (Debian php-soap) in WSDL mode, over SOAP 1.1 and 1.2:
// a few operations of each family, one JSON line per call. Exits 1 on a fault.
// Usage: php php_client.php WSDL_URL
$wsdl = $argv[1];
$failed = false;
foreach ([SOAP_1_1 => "1.1", SOAP_1_2 => "1.2"] as $version => $name) {
    $c = new SoapClient($wsdl, ["soap_version" => $version, "exceptions" => true, "cache_wsdl" => WSDL_CACHE_NONE]);
    $calls = [
        ["GetVersion", ["data" => ["Options" => ["ClientId" => "php"]]], fn($r) => $r->GetVersionResult->Header->Status->Code],
        ["GetSegmentState", ["data" => ["Tenant" => "Portree", "Segment" => "VHT_Test"]], fn($r) => $r->GetSegmentStateResult->Header->Status->Code],
        ["AddInteraction", ["data" => ["Tenant" => "VHTLab", "Segment" => "PTK_VHT_TEST", "Contact" => "7" . str_replace(".", "", $name) . "01",
            "Options" => ["UserData" => ["UserDataAssignment" => [["Key" => "account", "Value" => ["StringValue" => "A-1"]]]]]]],
            fn($r) => $r->AddInteractionResult->Header->Status->Code],
        ["CreateInteraction", ["Tenant" => "Portree", "Segment" => "VHT_Test", "SourceApplication" => "VXML Interaction Server"],
            fn($r) => $r->CreateInteractionResult->ResultCode],
        ["InteractionCancelled", ["Tenant" => "Portree", "InteractionId" => "V0001000000999926112026150000000", "CancelledBy" => "Caller"],
            fn($r) => $r->InteractionCancelledResult->ResultCode],
    ];
    foreach ($calls as [$op, $args, $code]) {
        $line = ["client" => "php", "soap" => $name, "operation" => $op, "fault" => null, "code" => null];
        try {
            $line["code"] = (int) $code($c->__soapCall($op, [$args]));
        } catch (SoapFault $f) {
            $line["fault"] = $f->getMessage();
            $failed = true;
        }
        echo json_encode($line), "\n";
    }
}
exit($failed ? 1 : 0);
