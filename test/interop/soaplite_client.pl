# SOAP::Lite (Debian libsoap-lite-perl), without the WSDL, as hand-written
# Perl integrations call the PTK: the SOAP::Lite executor of TestMoreClients
# (driver_test.go runs calls.json through it).
# Usage: perl soaplite_client.pl ENDPOINT_URL 1.1|1.2 PORT
# (PORT: the name of the WSDL port whose address ENDPOINT_URL is.)
#
# Reads calls on stdin, one JSON object a line: {"soap", "operation", "args"}
# with the arguments in the WSDL's canonical shape, builds them as SOAP::Data
# (a hash is an element's children, a list repeats the element), and answers
# one JSON line: {"port", "result"} with the XResult read from the SOAP::SOM,
# or {"port", "exception", "fault_code", "fault"} for a fault, or {"port",
# "error"}.
use strict;
use warnings;
use SOAP::Lite;
use JSON::PP;

my ($url, $version, $port) = @ARGV;
die "usage: $0 ENDPOINT_URL 1.1|1.2 PORT\n" unless $port;
binmode STDIN, ":encoding(UTF-8)";
binmode STDOUT, ":encoding(UTF-8)";
$| = 1;

# The version first, then the namespace: the other order loses the SOAP prefix.
my $s = SOAP::Lite->soapversion($version)->proxy($url)->ns('urn:holdline:ptk');
$s->on_action(sub { "urn:holdline:ptk/$_[1]" }) if $version eq '1.1';
my $json = JSON::PP->new->canonical->utf8(0);

# data turns a JSON value into the SOAP::Data elements named $name.
sub data {
    my ($name, $v) = @_;
    return map { data($name, $_) } @$v if ref $v eq 'ARRAY';
    if (ref $v eq 'HASH') {
        my @kids = map { data($_, $v->{$_}) } sort keys %$v;
        return SOAP::Data->name($name => \SOAP::Data->value(@kids));
    }
    return SOAP::Data->name($name => "$v")->type('string');
}

# element reads the element at $path of the answer: its attributes and child
# elements become keys, repeated children a list, a leaf its text.
sub element {
    my ($som, $path) = @_;
    my $d = $som->dataof($path);
    my @kids = $som->dataof("$path/*");
    my %attrs = map { $_ => $d->attr->{$_} }
        grep { !/^xmlns|XMLSchema-instance|^xsi:/ } keys %{ $d->attr || {} };
    return $d->value if !@kids && !%attrs;
    my (%h, %count);
    $count{ $_->name }++ for @kids;
    for my $i (1 .. @kids) {
        my $k = $kids[$i - 1]->name;
        my $v = element($som, "$path/[$i]");
        if ($count{$k} > 1) {
            push @{ $h{$k} }, $v;
        } else {
            $h{$k} = $v;
        }
    }
    return { %h, %attrs };
}

while (my $line = <STDIN>) {
    my $call = $json->decode($line);
    my $args = $call->{args} || {};
    my %answer = (port => $port);
    my $som = eval { $s->call($call->{operation}, map { data($_, $args->{$_}) } sort keys %$args) };
    if (!$som) {
        $answer{error} = "SOAP::Lite: " . ($@ || 'no answer');
    } elsif ($som->fault) {
        # SOAP::SOM's faultcode and faultstring read SOAP 1.1 faults only.
        $answer{exception} = 'SOAP::SOM->fault';
        $answer{fault_code} = $som->faultcode // $som->valueof('//Fault/Code/Value');
        $answer{fault} = $som->faultstring // $som->valueof('//Fault/Reason/Text');
    } else {
        $answer{result} = element($som, '/Envelope/Body/[1]/[1]');
    }
    print $json->encode(\%answer), "\n";
}
