// The gSOAP executor of TestGeneratedClients (../driver_test.go; C++
// sources may not sit beside Go files without cgo, hence this folder). The
// test generates the client from the served WSDL (`wsdl2h -Nport`, then
// `soapcpp2 -1` or `-2` for the SOAP version: a wsdl2h proxy sends the version
// it was generated for) and compiles it with this file and gsoap_stack.h,
// which the test writes: PROXY (the generated proxy class of the version's
// port), PORT (its name), and OPERATIONS (one OP(name) for every operation of
// the WSDL).
//
// It reads calls on stdin, one JSON object a line: {"soap", "operation",
// "flat"}, where flat holds the call's arguments by dotted path ("data.Tenant",
// "UserData.UserDataAssignment.0.Key": an item of a list has its index). C++
// has no reflection, so the request is built here as a C++ integration builds
// it: by hand, member by member, in the generated types (the fields functions
// below). The proxy's method sends it; the XResponse it returns is written
// back by the generated serializer (soap_write__port__XResponse), so the test
// reads the values the generated types hold. Answers one JSON line: {"port",
// "result_xml"}, or {"port", "exception": "SOAP_FAULT", "fault_code",
// "fault"} for a SOAP fault, or {"port", "error"}.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gsoap_stack.h"

// Args are a call's arguments by dotted path, and the context that owns what
// is built from them.
struct Args {
  std::map<std::string, std::string> values;
  struct soap *soap;

  // has says whether path or anything below it has a value.
  bool has(const std::string &path) const {
    auto it = values.lower_bound(path);
    return it != values.end() &&
           (it->first == path || it->first.compare(0, path.size() + 1, path + ".") == 0);
  }
  const std::string *value(const std::string &path) const {
    auto it = values.find(path);
    return it == values.end() ? nullptr : &it->second;
  }
};

static std::string join(const std::string &prefix, const std::string &name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// ---- Setting one member from the arguments, by the member's type.

static void set(const Args &a, const std::string &path, std::string *&m) {
  if (const std::string *v = a.value(path)) {
    m = soap_new_std__string(a.soap);
    *m = *v;
  }
}

static void set(const Args &a, const std::string &path, int *&m) {
  if (const std::string *v = a.value(path)) {
    m = soap_new_int(a.soap);
    *m = std::stoi(*v);
  }
}

static void set(const Args &a, const std::string &path, LONG64 *&m) {
  if (const std::string *v = a.value(path)) {
    m = soap_new_LONG64(a.soap);
    *m = std::stoll(*v);
  }
}

static void set(const Args &a, const std::string &path, xsd__hexBinary *&m) {
  if (const std::string *v = a.value(path)) {
    m = soap_new_xsd__hexBinary(a.soap);
    m->__size = static_cast<int>(v->size() / 2);
    m->__ptr = static_cast<unsigned char *>(soap_malloc(a.soap, m->__size + 1));
    for (int i = 0; i < m->__size; i++) {
      m->__ptr[i] = static_cast<unsigned char>(std::stoi(v->substr(2 * i, 2), nullptr, 16));
    }
  }
}

static void set(const Args &a, const std::string &path, std::vector<std::string> &m) {
  for (int i = 0; const std::string *v = a.value(join(path, std::to_string(i))); i++) {
    m.push_back(*v);
  }
}

// A member of a generated class: allocated in the context, then filled by
// the class's fields function (found by argument-dependent lookup).
template <typename T>
void set(const Args &a, const std::string &path, T *&m) {
  if (a.has(path)) {
    alloc(a.soap, m);
    fields(a, path, m);
  }
}

template <typename T>
void set(const Args &a, const std::string &path, std::vector<T *> &m) {
  for (int i = 0; a.has(join(path, std::to_string(i))); i++) {
    T *x;
    alloc(a.soap, x);
    fields(a, join(path, std::to_string(i)), x);
    m.push_back(x);
  }
}

// ---- The members of each generated request type, as the WSDL names them.

#define F(name) set(a, join(p, #name), o->name)
#define FIELDS(T)                                                                  \
  void alloc(struct soap *s, T *&p) { p = soap_new_##T(s); }                       \
  void fields(const Args &a, const std::string &p, T *o)

void alloc(struct soap *s, port__UserData *&p);  // a UserData holds UserData
void fields(const Args &a, const std::string &p, port__UserData *o);
FIELDS(port__UserDataValue) { F(StringValue); F(IntegerValue); F(BinaryValue); F(ListValue); }
FIELDS(port__UserDataAssignment) { F(Key); F(Value); }
FIELDS(port__UserData) { F(UserDataAssignment); }
FIELDS(port__KeyValue) { F(Key); F(Value); }
FIELDS(port__ClientOptions) { F(ClientId); }
FIELDS(port__TenantOptions) { F(ClientId); F(Tenant); }
FIELDS(port__AddInteractionOptions) { F(ClientId); F(AppointmentTime); F(SourceApplication); F(UserDataContainer); }
FIELDS(port__FindInteractionOptions) { F(ClientId); F(Data); }
FIELDS(port__AppointmentTimesOptions) { F(ClientId); F(NumberOfAppointments); F(AppointmentTime); }
FIELDS(port__SegmentStateOptions) { F(ClientId); F(SourceApplication); }
FIELDS(port__SegmentVariablesOptions) { F(ClientId); F(Variable); }
FIELDS(port__ModifyOptions) { F(ClientId); F(Result); F(AppointmentTime); F(DataName); F(DataValue); }
FIELDS(port__AddInteractionRequest) { F(Tenant); F(Segment); F(Contact); F(Options); }
FIELDS(port__FindInteractionRequest) { F(Tenant); F(Contact); F(Segment); F(InteractionId); F(Options); }
FIELDS(port__GetInteractionDataRequest) { F(Tenant); F(InteractionId); F(Options); }
FIELDS(port__AppointmentTimesRequest) { F(Tenant); F(Segment); F(Options); }
FIELDS(port__TenantOptionsRequest) { F(Options); }
FIELDS(port__SegmentStateRequest) { F(Tenant); F(Segment); F(Options); }
FIELDS(port__SegmentVariablesRequest) { F(Tenant); F(Segment); F(Options); }
FIELDS(port__VersionRequest) { F(Options); }
FIELDS(port__ModifyInteractionRequest) { F(Tenant); F(InteractionId); F(Action); F(Options); }
FIELDS(port__RemoveInteractionRequest) { F(Tenant); F(InteractionId); F(Reason); F(Options); }
FIELDS(port__ValidateContactRequest) { F(Tenant); F(Segment); F(Contact); F(Options); }

// The operations' request elements: classic methods take the data wrapper,
// interaction-state methods flat parameters.
FIELDS(_port__AddInteraction) { F(data); }
FIELDS(_port__FindInteraction) { F(data); }
FIELDS(_port__GetInteractionData) { F(data); }
FIELDS(_port__GetNextAvailableAppointmentTimes) { F(data); }
FIELDS(_port__GetSegments) { F(data); }
FIELDS(_port__GetSegmentState) { F(data); }
FIELDS(_port__GetSegmentVariables) { F(data); }
FIELDS(_port__GetStatus) { F(data); }
FIELDS(_port__GetVersion) { F(data); }
FIELDS(_port__ModifyInteraction) { F(data); }
FIELDS(_port__RemoveInteraction) { F(data); }
FIELDS(_port__ValidateContact) { F(data); }
FIELDS(_port__GetSystemVariables) { F(Tenant); }
FIELDS(_port__AssociateInteractionWithExternalTrackingID) { F(Tenant); F(InteractionId); F(ExternalTrackingId); }
FIELDS(_port__CreateInteraction) { F(Tenant); F(Segment); F(ExternalTrackingId); F(SourceApplication); F(UserData); }
FIELDS(_port__InteractionCancelled) { F(Tenant); F(InteractionId); F(CancelledBy); }
FIELDS(_port__InteractionDequeued) { F(Tenant); F(InteractionId); F(ExternalTrackingId); F(Reason); }
FIELDS(_port__InteractionDisconnectedByApplication) { F(Tenant); F(InteractionId); F(Reason); }
FIELDS(_port__InteractionDisconnectedByCaller) { F(Tenant); F(InteractionId); F(Reason); }
FIELDS(_port__InteractionOutboundAttemptFailed) { F(Tenant); F(InteractionId); F(Reason); }
FIELDS(_port__InteractionOutboundConnected) { F(Tenant); F(InteractionId); }
FIELDS(_port__InteractionQueued) { F(Tenant); F(InteractionId); F(ExternalTrackingId); F(SkillId); F(Segment); }
FIELDS(_port__InteractionRequestContact) { F(Tenant); F(InteractionId); F(ContactURI); }
FIELDS(_port__InteractionSendToQueue) { F(Tenant); F(InteractionId); F(Reason); }
FIELDS(_port__UpdateInteractionData) { F(Tenant); F(InteractionId); F(InteractionData); }
FIELDS(_port__UpdateUserData) { F(Tenant); F(InteractionId); F(UserData); }

#undef F
#undef FIELDS

// ---- The protocol with the test.

namespace {

// parseString reads the JSON string at line[i] (its opening quote).
bool parseString(const std::string &line, size_t &i, std::string &out) {
  if (i >= line.size() || line[i] != '"') return false;
  out.clear();
  for (i++; i < line.size() && line[i] != '"'; i++) {
    char c = line[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    c = line[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        unsigned cp = std::stoul(line.substr(i + 1, 4), nullptr, 16);
        i += 4;
        if (cp < 0x80) {
          out += static_cast<char>(cp);
        } else if (cp < 0x800) {
          out += static_cast<char>(0xC0 | (cp >> 6));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
          out += static_cast<char>(0xE0 | (cp >> 12));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: out += c;
    }
  }
  i++;  // the closing quote
  return i <= line.size();
}

// field reads the string value of key in the call.
bool field(const std::string &line, const std::string &key, std::string &out) {
  size_t i = line.find("\"" + key + "\":");
  if (i == std::string::npos) return false;
  i += key.size() + 3;
  return parseString(line, i, out);
}

// flat reads the call's "flat" object of strings (none when it is absent).
bool flat(const std::string &line, std::map<std::string, std::string> &out) {
  size_t i = line.find("\"flat\":{");
  if (i == std::string::npos) return true;
  i += 8;
  while (i < line.size() && line[i] != '}') {
    std::string k, v;
    if (!parseString(line, i, k) || line[i] != ':') return false;
    i++;
    if (!parseString(line, i, v)) return false;
    out[k] = v;
    if (line[i] == ',') i++;
  }
  return i < line.size();
}

std::string quote(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// soapError describes the last error of a gSOAP context.
std::string soapError(struct soap *ctx) {
  std::ostringstream os;
  soap_stream_fault(ctx, os);
  return os.str();
}

// call makes one call of an operation through the proxy, and writes its
// answer back with the generated serializer.
template <typename Req, typename Resp>
std::string call(PROXY &proxy, Args &args, int (PROXY::*method)(Req *, Resp &),
                 int (*write)(struct soap *, const Resp *)) {
  std::string head = std::string("{\"port\":") + quote(PORT);
  args.soap = proxy.soap;
  Req req;
  fields(args, "", &req);
  Resp resp;
  std::string answer;
  if ((proxy.*method)(&req, resp) != SOAP_OK) {
    if (proxy.soap->error == SOAP_FAULT) {
      const char **code = soap_faultcode(proxy.soap);
      const char *reason = proxy.soap_fault_string();
      answer = head + ",\"exception\":\"SOAP_FAULT\",\"fault_code\":" + quote(code && *code ? *code : "") +
               ",\"fault\":" + quote(reason ? reason : "") + "}";
    } else {
      answer = head + ",\"error\":" + quote(soapError(proxy.soap)) + "}";
    }
  } else {
    struct soap *out = soap_new();
    std::ostringstream os;
    out->os = &os;
    if (write(out, &resp) != SOAP_OK) {
      answer = head + ",\"error\":" + quote("writing the answer from its generated type: " + soapError(out)) + "}";
    } else {
      answer = head + ",\"result_xml\":" + quote(os.str()) + "}";
    }
    soap_free(out);
  }
  proxy.destroy();
  return answer;
}

}  // namespace

int main() {
  PROXY proxy;
  using Op = std::string (*)(PROXY &, Args &);
  std::map<std::string, Op> ops;
#define OP(X)                                                                                       \
  ops[#X] = [](PROXY &p, Args &a) {                                                                 \
    return call<_port__##X, _port__##X##Response>(p, a, &PROXY::X, soap_write__port__##X##Response); \
  };
  OPERATIONS
#undef OP
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string op;
    Args args;
    std::string answer;
    if (!field(line, "operation", op) || !flat(line, args.values)) {
      answer = std::string("{\"port\":") + quote(PORT) + ",\"error\":" + quote("a call without operation or flat: " + line.substr(0, 200)) + "}";
    } else if (ops.find(op) == ops.end()) {
      answer = std::string("{\"port\":") + quote(PORT) + ",\"error\":" + quote("the proxy has no operation " + op) + "}";
    } else {
      answer = ops[op](proxy, args);
    }
    std::cout << answer << std::endl;
  }
  return 0;
}
