// The Mono executor of TestGeneratedClients (driver_test.go). The test
// generates two ASMX proxies from the served WSDL — `wsdl -protocol:SOAP
// -n:Ptk11` and `wsdl -protocol:SOAP12 -n:Ptk12` — and compiles them with this
// file (mcs). It reads calls on stdin, one JSON object a line: {"soap",
// "operation", "args"}, fills the generated request types from the arguments
// by their XML serialization attributes, calls the proxy's method, and answers
// one JSON line: {"port", "result"} with the XResult the proxy returned, or
// {"port", "exception", "fault_code", "fault"} for a SOAP fault, or {"port",
// "error"}. Reflection only maps JSON to and from the generated types: the
// envelopes are the proxy's own.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Web.Script.Serialization;
using System.Web.Services;
using System.Web.Services.Protocols;
using System.Xml.Serialization;

public static class MonoExec
{
    static readonly JavaScriptSerializer Json = new JavaScriptSerializer { MaxJsonLength = int.MaxValue };

    public static int Main(string[] args)
    {
        var proxies = new Dictionary<string, SoapHttpClientProtocol> {
            { "1.1", new Ptk11.PlatformToolkit() },
            { "1.2", new Ptk12.PlatformToolkit() },
        };
        string line;
        while ((line = Console.ReadLine()) != null)
        {
            var call = (Dictionary<string, object>)Json.DeserializeObject(line);
            var proxy = proxies[(string)call["soap"]];
            var port = ((WebServiceBindingAttribute)Attribute.GetCustomAttribute(proxy.GetType(), typeof(WebServiceBindingAttribute))).Name;
            var answer = new Dictionary<string, object> { { "port", port } };
            try
            {
                var callArgs = call.ContainsKey("args") ? (Dictionary<string, object>)call["args"] : new Dictionary<string, object>();
                var method = proxy.GetType().GetMethod((string)call["operation"]);
                if (method == null)
                {
                    throw new ArgumentException("the proxy has no method " + call["operation"]);
                }
                var ps = method.GetParameters();
                var values = new object[ps.Length];
                for (int i = 0; i < ps.Length; i++)
                {
                    object v;
                    if (callArgs.TryGetValue(ps[i].Name, out v))
                    {
                        values[i] = ToType(v, ps[i].ParameterType, ps[i]);
                    }
                }
                answer["result"] = FromType(method.Invoke(proxy, values), null);
            }
            catch (TargetInvocationException e) when (e.InnerException is SoapException)
            {
                var f = (SoapException)e.InnerException;
                answer["exception"] = f.GetType().FullName;
                answer["fault_code"] = f.Code.Name;
                answer["fault"] = f.Message;
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException && e.InnerException != null ? e.InnerException : e;
                answer["error"] = inner.GetType().FullName + ": " + inner.Message;
            }
            Console.WriteLine(Json.Serialize(answer));
            Console.Out.Flush();
        }
        return 0;
    }

    static Dictionary<string, object> Map(string key, object value)
    {
        return new Dictionary<string, object> { { key, value } };
    }

    // XmlName is the element or attribute name a member is serialized as.
    static string XmlName(MemberInfo m)
    {
        foreach (var a in m.GetCustomAttributes(true))
        {
            var e = a as XmlElementAttribute;
            if (e != null && !string.IsNullOrEmpty(e.ElementName)) return e.ElementName;
            var at = a as XmlAttributeAttribute;
            if (at != null && !string.IsNullOrEmpty(at.AttributeName)) return at.AttributeName;
            var ar = a as XmlArrayAttribute;
            if (ar != null && !string.IsNullOrEmpty(ar.ElementName)) return ar.ElementName;
        }
        return m.Name;
    }

    // IsWrappedArray says an array member stands for a wrapper element whose
    // repeated children are the items (XmlSerializer's default for arrays),
    // rather than for the repeated element itself ([XmlElement]).
    static bool IsWrappedArray(ICustomAttributeProvider member)
    {
        return member == null || member.GetCustomAttributes(typeof(XmlElementAttribute), true).Length == 0;
    }

    // ItemName is the element name of a wrapped array's items.
    static string ItemName(ICustomAttributeProvider member, Type item)
    {
        if (member != null)
        {
            foreach (XmlArrayItemAttribute a in member.GetCustomAttributes(typeof(XmlArrayItemAttribute), true))
            {
                if (!string.IsNullOrEmpty(a.ElementName)) return a.ElementName;
            }
        }
        var t = (XmlTypeAttribute)Attribute.GetCustomAttribute(item, typeof(XmlTypeAttribute));
        return t != null && !string.IsNullOrEmpty(t.TypeName) ? t.TypeName : item.Name;
    }

    static IList AsList(object v)
    {
        return v as IList ?? new object[] { v };
    }

    // ToType fills a generated type from a JSON value in the WSDL's shape.
    static object ToType(object v, Type t, ICustomAttributeProvider member)
    {
        if (v == null) return null;
        if (t == typeof(string)) return Convert.ToString(v, CultureInfo.InvariantCulture);
        if (t == typeof(int)) return Convert.ToInt32(v, CultureInfo.InvariantCulture);
        if (t == typeof(long)) return Convert.ToInt64(v, CultureInfo.InvariantCulture);
        if (t == typeof(bool)) return Convert.ToBoolean(v, CultureInfo.InvariantCulture);
        if (t == typeof(DateTime))
        {
            return DateTime.Parse((string)v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }
        if (t == typeof(byte[]))
        {
            var hex = (string)v;
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            return bytes;
        }
        if (t.IsEnum) return Enum.Parse(t, (string)v);
        if (t.IsArray)
        {
            var item = t.GetElementType();
            IList items;
            if (IsWrappedArray(member))
            {
                var wrapper = (Dictionary<string, object>)v;
                object inner;
                items = wrapper.TryGetValue(ItemName(member, item), out inner) ? AsList(inner) : new object[0];
            }
            else
            {
                items = AsList(v);
            }
            var arr = Array.CreateInstance(item, items.Count);
            for (int i = 0; i < items.Count; i++) arr.SetValue(ToType(items[i], item, null), i);
            return arr;
        }
        var obj = Activator.CreateInstance(t);
        var fields = (Dictionary<string, object>)v;
        foreach (var p in t.GetProperties())
        {
            object fv;
            if (!fields.TryGetValue(XmlName(p), out fv)) continue;
            p.SetValue(obj, ToType(fv, p.PropertyType, p), null);
            var specified = t.GetProperty(p.Name + "Specified");
            if (specified != null) specified.SetValue(obj, true, null);
        }
        return obj;
    }

    // FromType writes a generated type's value as JSON values in the WSDL's
    // shape: a wrapped array as its wrapper element, xs:dateTime in UTC.
    static object FromType(object v, ICustomAttributeProvider member)
    {
        if (v == null) return null;
        var t = v.GetType();
        if (v is string || v is int || v is long || v is bool) return v;
        if (v is DateTime) return ((DateTime)v).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (v is byte[]) return BitConverter.ToString((byte[])v).Replace("-", "");
        if (t.IsEnum) return v.ToString();
        if (t.IsArray)
        {
            var list = new List<object>();
            foreach (var x in (Array)v) list.Add(FromType(x, null));
            if (IsWrappedArray(member)) return Map(ItemName(member, t.GetElementType()), list);
            return list;
        }
        var fields = new Dictionary<string, object>();
        foreach (var p in t.GetProperties())
        {
            if (p.Name.EndsWith("Specified") && p.PropertyType == typeof(bool)) continue;
            var specified = t.GetProperty(p.Name + "Specified");
            if (specified != null && !(bool)specified.GetValue(v, null)) continue;
            var fv = FromType(p.GetValue(v, null), p);
            if (fv != null) fields[XmlName(p)] = fv;
        }
        return fields;
    }
}
