// The JAX-WS RI executor of TestGeneratedClients (driver_test.go). The
// test generates the client from the served WSDL (`wsimport -extension
// -Xnocompile -p ptk`: -extension keeps the SOAP 1.2 port) and compiles it
// with this file. It reads calls on stdin, one JSON object a line: {"soap",
// "operation", "args"}, fills the generated JAXB types from the arguments by
// their annotations, calls the port's method, and answers one JSON line:
// {"port", "result"} with the XResult the port returned, or {"port",
// "exception", "fault_code", "fault"} for a SOAP fault, or {"port", "error"}.
// Reflection only maps JSON to and from the generated types: the envelopes
// are the JAX-WS runtime's own.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.jws.WebMethod;
import javax.jws.WebParam;
import javax.xml.bind.annotation.XmlAttribute;
import javax.xml.bind.annotation.XmlElement;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.soap.SOAPConstants;
import javax.xml.ws.BindingProvider;
import javax.xml.ws.WebEndpoint;
import javax.xml.ws.soap.SOAPBinding;
import javax.xml.ws.soap.SOAPFaultException;

public class JaxwsExec {
    public static void main(String[] argv) throws Exception {
        // The ports of the generated service, by SOAP version.
        Map<String, Object> ports = new LinkedHashMap<>();
        Map<String, String> portNames = new LinkedHashMap<>();
        ptk.PlatformToolkit service = new ptk.PlatformToolkit();
        for (Method m : service.getClass().getMethods()) {
            WebEndpoint we = m.getAnnotation(WebEndpoint.class);
            if (we == null || m.getParameterCount() != 0) {
                continue;
            }
            Object port = m.invoke(service);
            SOAPBinding b = (SOAPBinding) ((BindingProvider) port).getBinding();
            String ns = b.getMessageFactory().createMessage().getSOAPPart().getEnvelope().getNamespaceURI();
            String version = SOAPConstants.URI_NS_SOAP_1_2_ENVELOPE.equals(ns) ? "1.2" : "1.1";
            ports.put(version, port);
            portNames.put(version, we.name());
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> call = (Map<String, Object>) new Json(line).value();
            String version = (String) call.get("soap");
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("port", portNames.get(version));
            try {
                Object port = ports.get(version);
                if (port == null) {
                    throw new IllegalArgumentException("the service has no SOAP " + version + " port");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> args = call.containsKey("args") ? (Map<String, Object>) call.get("args") : Map.of();
                Method method = find(port, (String) call.get("operation"));
                Type[] types = method.getGenericParameterTypes();
                Object[] values = new Object[types.length];
                for (int i = 0; i < types.length; i++) {
                    WebParam wp = (WebParam) java.util.Arrays.stream(method.getParameterAnnotations()[i])
                            .filter(a -> a instanceof WebParam).findFirst().orElseThrow();
                    values[i] = toType(args.get(wp.name()), types[i]);
                }
                answer.put("result", fromType(method.invoke(port, values)));
            } catch (InvocationTargetException e) {
                Throwable c = e.getCause();
                if (c instanceof SOAPFaultException) {
                    SOAPFaultException f = (SOAPFaultException) c;
                    // The runtime throws a subclass (ServerSOAPFaultException):
                    // the type callers catch is the standard one.
                    answer.put("exception", SOAPFaultException.class.getName());
                    answer.put("fault_code", f.getFault().getFaultCodeAsQName().getLocalPart());
                    answer.put("fault", f.getFault().getFaultString());
                } else {
                    answer.put("error", c.toString());
                }
            } catch (Exception e) {
                answer.put("error", e.toString());
            }
            System.out.println(Json.write(answer));
            System.out.flush();
        }
    }

    static Method find(Object port, String operation) {
        for (Class<?> iface : port.getClass().getInterfaces()) {
            for (Method m : iface.getMethods()) {
                WebMethod wm = m.getAnnotation(WebMethod.class);
                if (wm != null && wm.operationName().equals(operation)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("the port has no operation " + operation);
    }

    /** The JAXB fields of a generated class, by their XML names. */
    static Map<String, Field> xmlFields(Class<?> c) {
        Map<String, Field> out = new LinkedHashMap<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                String name = f.getName();
                XmlElement e = f.getAnnotation(XmlElement.class);
                XmlAttribute a = f.getAnnotation(XmlAttribute.class);
                if (e != null && !e.name().equals("##default")) {
                    name = e.name();
                } else if (a != null && !a.name().equals("##default")) {
                    name = a.name();
                }
                f.setAccessible(true);
                out.put(name, f);
            }
        }
        return out;
    }

    /** Fills a generated type from a JSON value in the WSDL's shape. */
    @SuppressWarnings("unchecked")
    static Object toType(Object v, Type t) throws Exception {
        if (v == null) {
            return null;
        }
        if (t instanceof ParameterizedType && ((ParameterizedType) t).getRawType() == List.class) {
            Type item = ((ParameterizedType) t).getActualTypeArguments()[0];
            List<Object> out = new ArrayList<>();
            for (Object x : v instanceof List ? (List<Object>) v : List.of(v)) {
                out.add(toType(x, item));
            }
            return out;
        }
        Class<?> c = (Class<?>) t;
        if (c == String.class) {
            return v.toString();
        }
        if (c == Integer.class || c == int.class) {
            return Integer.valueOf(v.toString());
        }
        if (c == Long.class || c == long.class) {
            return Long.valueOf(v.toString());
        }
        if (c == Boolean.class || c == boolean.class) {
            return Boolean.valueOf(v.toString());
        }
        if (c == XMLGregorianCalendar.class) {
            return DatatypeFactory.newInstance().newXMLGregorianCalendar(v.toString());
        }
        if (c == byte[].class) {
            return javax.xml.bind.DatatypeConverter.parseHexBinary(v.toString());
        }
        if (c.isEnum()) {
            return c.getMethod("fromValue", String.class).invoke(null, v.toString());
        }
        Object obj = c.getDeclaredConstructor().newInstance();
        Map<String, Field> fields = xmlFields(c);
        for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) {
            Field f = fields.get(e.getKey());
            if (f == null) {
                throw new IllegalArgumentException(c.getSimpleName() + " has no element " + e.getKey());
            }
            f.set(obj, toType(e.getValue(), f.getGenericType()));
        }
        return obj;
    }

    /** Writes a generated type's value as JSON values in the WSDL's shape. */
    static Object fromType(Object v) throws Exception {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof XMLGregorianCalendar) {
            return ((XMLGregorianCalendar) v).toXMLFormat();
        }
        if (v instanceof byte[]) {
            return javax.xml.bind.DatatypeConverter.printHexBinary((byte[]) v);
        }
        if (v instanceof Enum) {
            return v.getClass().getMethod("value").invoke(v);
        }
        if (v instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object x : (List<?>) v) {
                out.add(fromType(x));
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : xmlFields(v.getClass()).entrySet()) {
            Object x = fromType(e.getValue().get(v));
            if (x != null) {
                out.put(e.getKey(), x);
            }
        }
        return out;
    }

    /** Json reads and writes the JSON of the protocol: objects, arrays, strings, numbers, booleans, null. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                do {
                    skip();
                    String k = string();
                    skip();
                    expect(':');
                    m.put(k, value());
                    skip();
                } while (s.charAt(i++) == ',');
                return m;
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                do {
                    l.add(value());
                    skip();
                } while (s.charAt(i++) == ',');
                return l;
            }
            if (c == '"') {
                return string();
            }
            int start = i;
            while (i < s.length() && "{}[],: \t".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String word = s.substring(start, i);
            switch (word) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                case "null":
                    return null;
                default:
                    return word.contains(".") ? (Object) Double.valueOf(word) : (Object) Long.valueOf(word);
            }
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) {
                throw new IllegalArgumentException("JSON: want " + c + " at " + (i - 1));
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            for (char c = s.charAt(i++); c != '"'; c = s.charAt(i++)) {
                if (c == '\\') {
                    c = s.charAt(i++);
                    switch (c) {
                        case 'n': b.append('\n'); break;
                        case 't': b.append('\t'); break;
                        case 'r': b.append('\r'); break;
                        case 'b': b.append('\b'); break;
                        case 'f': b.append('\f'); break;
                        case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                        default: b.append(c);
                    }
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }

        static String write(Object v) {
            StringBuilder b = new StringBuilder();
            write(b, v);
            return b.toString();
        }

        private static void write(StringBuilder b, Object v) {
            if (v == null || v instanceof Number || v instanceof Boolean) {
                b.append(v);
            } else if (v instanceof Map) {
                b.append('{');
                String sep = "";
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    b.append(sep);
                    write(b, e.getKey().toString());
                    b.append(':');
                    write(b, e.getValue());
                    sep = ",";
                }
                b.append('}');
            } else if (v instanceof List) {
                b.append('[');
                String sep = "";
                for (Object x : (List<?>) v) {
                    b.append(sep);
                    write(b, x);
                    sep = ",";
                }
                b.append(']');
            } else {
                b.append('"');
                for (char c : v.toString().toCharArray()) {
                    if (c == '"' || c == '\\') {
                        b.append('\\').append(c);
                    } else if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
                b.append('"');
            }
        }
    }
}
