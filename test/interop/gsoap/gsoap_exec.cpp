// The gSOAP executor of TestGeneratedClients (../generated_test.go; C++
// sources may not sit beside Go files without cgo, hence this folder). The test
// generates the client from the served WSDL (`wsdl2h -Nport`, then `soapcpp2
// -1` or `-2` for the SOAP version: a wsdl2h proxy sends the version it was
// generated for) and compiles it with this file and gsoap_stack.h, which the
// test writes: PROXY (the generated proxy class of the version's port), PORT
// (its name), and OPERATIONS (one OP(name) for every operation of the WSDL).
//
// It reads calls on stdin, one JSON object a line: {"soap", "operation",
// "xml"}. C++ has no reflection to fill the generated request type from JSON,
// so the test sends the request element as XML and the generated deserializer
// (soap_read__port__X) reads it into the generated type; the proxy's method
// then sends it, and the XResponse it returns is written back by the generated
// serializer (soap_write__port__XResponse). Answers one JSON line: {"port",
// "result_xml"}, or {"port", "exception": "SOAP_FAULT", "fault_code",
// "fault"} for a SOAP fault, or {"port", "error"}.
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "gsoap_stack.h"

namespace {

// field reads the string value of key in a flat JSON object.
bool field(const std::string &line, const std::string &key, std::string &out) {
  std::string quoted = "\"" + key + "\":";
  size_t i = line.find(quoted);
  if (i == std::string::npos) return false;
  i += quoted.size();
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
  return true;
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

// Call makes one call of the operation through the proxy: the request read
// from XML into its generated type, the answer written back from its type.
template <typename Req, typename Resp>
std::string call(PROXY &proxy, struct soap *conv, const std::string &xml,
                 int (PROXY::*method)(Req *, Resp &), int (*read)(struct soap *, Req *),
                 int (*write)(struct soap *, const Resp *)) {
  std::string head = std::string("{\"port\":") + quote(PORT);
  Req req;
  std::istringstream in(xml);
  conv->is = &in;
  int rc = read(conv, &req);
  conv->is = nullptr;
  if (rc != SOAP_OK) {
    return head + ",\"error\":" + quote("reading the request into its generated type: " + soapError(conv)) + "}";
  }
  Resp resp;
  if ((proxy.*method)(&req, resp) != SOAP_OK) {
    std::string answer;
    if (proxy.soap->error == SOAP_FAULT) {
      const char **code = soap_faultcode(proxy.soap);
      const char *reason = proxy.soap_fault_string();
      answer = head + ",\"exception\":\"SOAP_FAULT\",\"fault_code\":" + quote(code && *code ? *code : "") +
               ",\"fault\":" + quote(reason ? reason : "") + "}";
    } else {
      answer = head + ",\"error\":" + quote(soapError(proxy.soap)) + "}";
    }
    proxy.destroy();
    return answer;
  }
  std::ostringstream out;
  conv->os = &out;
  rc = write(conv, &resp);
  conv->os = nullptr;
  proxy.destroy();
  if (rc != SOAP_OK) {
    return head + ",\"error\":" + quote("writing the answer from its generated type: " + soapError(conv)) + "}";
  }
  return head + ",\"result_xml\":" + quote(out.str()) + "}";
}

}  // namespace

int main() {
  PROXY proxy;
  struct soap *conv = soap_new();
  using Op = std::string (*)(PROXY &, struct soap *, const std::string &);
  std::map<std::string, Op> ops;
#define OP(X)                                                                                  \
  ops[#X] = [](PROXY &p, struct soap *c, const std::string &xml) {                             \
    return call<_port__##X, _port__##X##Response>(p, c, xml, &PROXY::X, soap_read__port__##X, \
                                                  soap_write__port__##X##Response);            \
  };
  OPERATIONS
#undef OP
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string op, xml;
    std::string answer;
    if (!field(line, "operation", op) || !field(line, "xml", xml)) {
      answer = std::string("{\"port\":") + quote(PORT) + ",\"error\":\"a call without operation or xml\"}";
    } else if (ops.find(op) == ops.end()) {
      answer = std::string("{\"port\":") + quote(PORT) + ",\"error\":" + quote("the proxy has no operation " + op) + "}";
    } else {
      answer = ops[op](proxy, conv, xml);
    }
    soap_destroy(conv);
    soap_end(conv);
    std::cout << answer << std::endl;
  }
  soap_free(conv);
  return 0;
}
