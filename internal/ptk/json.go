package ptk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/strictjson"
)

// The JSON mirror: the same operations at POST /api/v1/ptk/{Method}, JSON in
// and out. A JSON request is turned into the same element tree the XML
// decoder builds, and the answer's tree into JSON, both driven by the
// schema, so the two fronts cannot drift. Object keys are element and
// attribute names (matched case-insensitively), repeated elements are arrays,
// and an element that only wraps one repeated element (Interactions,
// Variables, UserData...) is the array itself.

// jsonError is the JSON mirror's answer to a request it cannot read.
type jsonError struct {
	Name      string `json:"name"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

func (h *Handler) serveJSON(w http.ResponseWriter, r *http.Request) {
	ex := h.begin(w, r)
	defer ex.recover()
	w.Header().Set("Content-Type", "application/json")
	op, name, ok := Lookup(r.PathValue("method"))
	if !ok {
		ex.jsonError(http.StatusNotFound, "", "UnknownMethod", fmt.Sprintf("unknown method %s; known: %s", status.Quote(r.PathValue("method")), operationNames()))
		return
	}
	req, err := decodeJSONRequest(op, http.MaxBytesReader(w, r.Body, h.limits.MaxBody), h.limits)
	if err != nil {
		ex.jsonError(http.StatusBadRequest, op.Name, "InvalidRequest", err.Error())
		return
	}
	result, code, err := h.invoke(r.Context(), op, name, req, ex.id)
	if errors.Is(err, access.ErrDenied) {
		ex.jsonError(http.StatusForbidden, op.Name, "Forbidden", err.Error())
		return
	}
	if err != nil {
		ex.jsonError(http.StatusBadRequest, op.Name, "InvalidRequest", err.Error())
		return
	}
	tree, err := result.node()
	var body []byte
	if err == nil {
		body, err = json.MarshalIndent(nodeToJSON(tree, resultType(op)), "", "  ")
	}
	if err != nil {
		ex.jsonError(http.StatusInternalServerError, op.Name, "InternalError", "the answer could not be encoded")
		h.log.ErrorContext(r.Context(), "ptk json answer not encoded", "request", ex.id, "err", err)
		return
	}
	ex.write(http.StatusOK, append(body, '\n'))
	ex.observe(op.Name, code)
}

func (ex *exchange) jsonError(httpStatus int, method, name, msg string) {
	ex.h.log.InfoContext(ex.r.Context(), "ptk json request rejected", "request", ex.id, "op", method, "reason", msg)
	body, _ := json.Marshal(jsonError{Name: name, Message: msg, RequestID: ex.id})
	ex.write(httpStatus, append(body, '\n'))
	if method == "" {
		method = "fault"
	}
	ex.observe(method, 0)
}

// decodeJSONRequest reads a JSON object into the operation's request element,
// as strictly as every JSON front reads (internal/strictjson: size, tokens,
// depth, no key written twice, one value). An empty body is an empty object.
func decodeJSONRequest(op *Operation, r io.Reader, lim Limits) (*Node, error) {
	raw, err := strictjson.Read(r, strictjson.Limits{MaxBytes: lim.MaxBody, MaxTokens: lim.MaxTokens, MaxDepth: lim.MaxDepth})
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("the request must be a JSON object")
	}
	return jsonToNode(op.Name, v, requestRoot(op), 1, lim.MaxDepth)
}

// requestRoot is the schema of an operation element as the JSON mirror (and
// the client) sees it: the parameters, optionally inside "data".
func requestRoot(op *Operation) *Type {
	return &Type{Kind: KindStruct, Fields: []*Field{
		{Name: "data", Type: op.Params},
		{Name: "", Type: op.Params, Inline: true},
	}}
}

// jsonToNode converts one JSON value into the element name; t is its schema
// when known (unknown keys are kept, and ignored by the binding like unknown
// XML elements).
func jsonToNode(name string, v any, t *Type, depth, maxDepth int) (*Node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("the request nests deeper than %d levels", maxDepth)
	}
	n := &Node{Name: name}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := addJSONMember(n, k, x[k], t, depth, maxDepth); err != nil {
				return nil, err
			}
		}
	case []any:
		return nil, fmt.Errorf("%s: an array of arrays is not allowed", status.Quote(name))
	case string:
		n.Text = x
	case json.Number:
		n.Text = x.String()
	case bool:
		n.Text = strconv.FormatBool(x)
	}
	return n, nil
}

// addJSONMember adds the member k of an object to n, as attribute or elements.
func addJSONMember(n *Node, k string, v any, t *Type, depth, maxDepth int) error {
	f := t.Field(k)
	var ft *Type
	if f != nil {
		ft = f.Type
	}
	if f != nil && f.Attr {
		c, err := jsonToNode(k, v, ft, depth+1, maxDepth)
		if err != nil {
			return err
		}
		n.Attrs = append(n.Attrs, Attr{Name: k, Value: c.Text})
		return nil
	}
	arr, isArray := v.([]any)
	if !isArray {
		c, err := jsonToNode(k, v, ft, depth+1, maxDepth)
		if err == nil {
			n.Children = append(n.Children, c)
		}
		return err
	}
	if ft != nil && ft.IsList() && !f.Repeated {
		wrapper := &Node{Name: k}
		item := ft.Fields[0]
		for _, e := range arr {
			c, err := jsonToNode(item.Name, e, item.Type, depth+2, maxDepth)
			if err != nil {
				return err
			}
			wrapper.Children = append(wrapper.Children, c)
		}
		n.Children = append(n.Children, wrapper)
		return nil
	}
	for _, e := range arr {
		c, err := jsonToNode(k, e, ft, depth+1, maxDepth)
		if err != nil {
			return err
		}
		n.Children = append(n.Children, c)
	}
	return nil
}

// object is a JSON object that keeps its members in schema order.
type object []member

type member struct {
	Key   string
	Value any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// nodeToJSON converts an answer's element into JSON following its schema t.
func nodeToJSON(n *Node, t *Type) any {
	switch {
	case t == nil:
		return n.Text
	case t.Kind == KindInt || t.Kind == KindLong:
		return jsonNumber(n.Text)
	case t.Kind != KindStruct:
		return n.Text
	case t.IsList():
		item := t.Fields[0]
		arr := []any{}
		for _, c := range n.ChildrenNamed(item.Name) {
			arr = append(arr, nodeToJSON(c, item.Type))
		}
		return arr
	}
	obj := object{}
	for _, a := range t.Attrs {
		if v, ok := n.Attr(a.Name); ok {
			obj = append(obj, member{a.Name, nodeToJSON(&Node{Text: v}, a.Type)})
		}
	}
	for _, f := range t.Fields {
		cs := n.ChildrenNamed(f.Name)
		switch {
		case len(cs) == 0:
		case f.Repeated:
			arr := make([]any, len(cs))
			for i, c := range cs {
				arr[i] = nodeToJSON(c, f.Type)
			}
			obj = append(obj, member{f.Name, arr})
		default:
			obj = append(obj, member{f.Name, nodeToJSON(cs[0], f.Type)})
		}
	}
	return obj
}

func jsonNumber(s string) any {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return json.Number(s)
	}
	return s
}
