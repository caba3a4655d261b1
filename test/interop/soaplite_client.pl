# SOAP::Lite (Debian libsoap-lite-perl), without the WSDL, as hand-written
# Perl integrations call the PTK: SOAP 1.1 and 1.2, one JSON line per call.
# Exits 1 on a fault. Usage: perl soaplite_client.pl ENDPOINT_URL
use strict;
use warnings;
use SOAP::Lite;
use JSON::PP;

my $url = shift or die "usage: $0 ENDPOINT_URL\n";
my $failed = 0;
for my $version ('1.1', '1.2') {
    # The version first, then the namespace: the other order loses the SOAP prefix.
    my $s = SOAP::Lite->soapversion($version)->proxy($url)->ns('urn:holdline:ptk');
    $s->on_action(sub { "urn:holdline:ptk/$_[1]" }) if $version eq '1.1';
    my @calls = (
        ['GetSegmentState', '//Code', SOAP::Data->name(data => \SOAP::Data->value(
            SOAP::Data->name(Tenant => 'Portree'), SOAP::Data->name(Segment => 'VHT_Test')))],
        ['CreateInteraction', '//ResultCode', SOAP::Data->name(Tenant => 'VHTLab'), SOAP::Data->name(Segment => 'PTK_VHT_TEST')],
        ['GetStatus', '//Code'],
    );
    for my $c (@calls) {
        my ($op, $path, @args) = @$c;
        my $r = $s->call($op, @args);
        my %line = (client => 'soaplite', soap => $version, operation => $op, fault => undef, code => undef);
        if ($r->fault) {
            $line{fault} = $r->faultstring;
            $failed = 1;
        } else {
            $line{code} = 0 + $r->valueof($path);
        }
        print JSON::PP->new->canonical->encode(\%line), "\n";
    }
}
exit $failed;
