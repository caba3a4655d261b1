package loadgen

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
)

// The bench configuration's tenant and segment (bench.yaml).
const (
	benchTenant  = "Bench"
	benchSegment = "Bench"
	ptkPath      = "/ptk"
)

// Workload is one of the three request streams the benchmark sends: its
// name, what its ceiling is, and the SOAP body of its n-th request.
type Workload struct {
	// Name is the workload's name in the table, the report and --workload.
	Name string
	// Ceiling says what it is measured against.
	Ceiling string
	// writeEvery makes every writeEvery-th request (from the first) an
	// AddInteraction and the others GetSegmentState reads: 0 for reads only,
	// 1 for writes only, 5 for the 80/20 mix.
	writeEvery uint64
	// reads, when set, are the reads' bodies, request n sending reads[n %
	// len(reads)] (the scale benchmark's segments in turn); nil sends readBody.
	reads [][]byte
}

// Workloads are the benchmark's workloads, in the order they run.
var Workloads = []Workload{
	{Name: "GetSegmentState", Ceiling: "plain HTTP, canned answer", writeEvery: 0},
	{Name: "AddInteraction", Ceiling: "append + fsync, group commit", writeEvery: 1},
	{Name: "mix 80/20", Ceiling: "canned reads, group-fsync writes", writeEvery: 5},
}

// WorkloadNamed returns the workload of that name.
func WorkloadNamed(name string) (Workload, error) {
	for _, w := range Workloads {
		if w.Name == name {
			return w, nil
		}
	}
	names := make([]string, len(Workloads))
	for i, w := range Workloads {
		names[i] = strconv.Quote(w.Name)
	}
	return Workload{}, fmt.Errorf("no workload %q (have %v)", name, names)
}

// isWrite says whether request n (counted from 0) of the workload is a write.
func (w Workload) isWrite(n uint64) bool {
	return w.writeEvery != 0 && n%w.writeEvery == w.writeEvery-1
}

// readBody is the GetSegmentState request every read sends: the same bytes
// each time, as an IVR polling a segment does.
var readBody = segmentStateBody(benchTenant, benchSegment)

// segmentStateBody is a GetSegmentState request for one segment.
func segmentStateBody(tenant, segment string) []byte {
	return []byte(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
		`<GetSegmentState xmlns="urn:holdline:ptk"><data><Tenant>` + tenant + `</Tenant><Segment>` + segment +
		`</Segment></data></GetSegmentState></soap:Body></soap:Envelope>`)
}

// contacts numbers the AddInteraction requests of one process, so that
// every registration has a contact of its own and the Callback Double
// Check never refuses one. It starts at a hundred times the milliseconds of
// the clock (modulo the ten digits), so that a later run against the same
// server (--server) starts past every number an earlier one used, below
// 100,000 registrations a second.
var contacts = func() *atomic.Uint64 {
	var c atomic.Uint64
	c.Store(uint64(time.Now().UnixMilli()) * 100 % 1e10)
	return &c
}()

// appendWriteBody appends an ASAP AddInteraction request with a contact no
// other request of this process used (an 11-digit extension).
func appendWriteBody(buf []byte) []byte {
	buf = append(buf, `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`+
		`<AddInteraction xmlns="urn:holdline:ptk"><data><Tenant>`+benchTenant+`</Tenant><Segment>`+benchSegment+
		`</Segment><Contact>5`...)
	n := contacts.Add(1)
	var digits [10]byte
	for i := len(digits) - 1; i >= 0; i-- {
		digits[i] = byte('0' + n%10)
		n /= 10
	}
	buf = append(buf, digits[:]...)
	return append(buf, `</Contact></data></AddInteraction></soap:Body></soap:Envelope>`...)
}

// body is the SOAP body of request n of the workload: a write is built
// in *buf (which keeps the grown buffer), a read is a shared body (readBody,
// or one of w.reads), never written to.
func (w Workload) body(n uint64, buf *[]byte) []byte {
	if w.isWrite(n) {
		*buf = appendWriteBody((*buf)[:0])
		return *buf
	}
	if len(w.reads) > 0 {
		return w.reads[n%uint64(len(w.reads))]
	}
	return readBody
}
