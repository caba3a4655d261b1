package ptk

import (
	"fmt"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/doctest"
)

const (
	docPath     = "../../docs/ptk.md"
	docBegin    = "<!-- BEGIN GENERATED from internal/ptk/ops.go by `go test ./internal/ptk -run TestPTKDoc -update`. Do not edit by hand. -->"
	docEnd      = "<!-- END GENERATED -->"
	indentWidth = 2
)

// TestPTKDocIsCurrent keeps the generated part of docs/ptk.md equal to the
// operation table; the text around it is written by hand.
func TestPTKDocIsCurrent(t *testing.T) {
	t.Parallel()
	doctest.Section(t, docPath, docBegin, docEnd, "\n\n"+generatedDoc()+"\n", "go test ./internal/ptk -run TestPTKDoc")
}

// generatedDoc renders the method reference from the operation table.
func generatedDoc() string {
	var b strings.Builder
	b.WriteString("## Methods\n\n| method | family | success | codes documented | of which unreachable |\n|---|---|---|---|---|\n")
	for _, op := range operations {
		n := 0
		for _, c := range op.Codes {
			if c.Unreachable != "" {
				n++
			}
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %d | %d | %d |\n", op.Name, strings.ToLower(op.Name), op.Family, int(op.Success), len(op.Codes), n)
	}
	for _, op := range operations {
		writeOpDoc(&b, op)
	}
	return b.String()
}

func writeOpDoc(b *strings.Builder, op *Operation) {
	fmt.Fprintf(b, "\n### %s\n\n%s\n\n", op.Name, op.Summary)
	fmt.Fprintf(b, "- Family: %s. SOAPAction `%s`. JSON: `POST /api/v1/ptk/%s`.\n", op.Family, op.SOAPAction(), op.Name)
	if len(op.Aliases) > 0 {
		fmt.Fprintf(b, "- Also accepted on the wire (not in the WSDL): %s; the answer is named after the name used.\n", strings.Join(op.Aliases, ", "))
	}
	b.WriteString("\nRequest (the WSDL's canonical shape; `*` repeats, `!` required by the reference):\n\n```text\n" + op.Name + "\n")
	level := 1
	if op.Family == Classic {
		b.WriteString("  data\n")
		level = 2
	}
	writeTypeDoc(b, op.Params, level, true)
	b.WriteString("```\n\nResponse:\n\n```text\n" + op.Name + "Response\n  " + op.Name + "Result\n")
	if op.Family == Classic {
		b.WriteString("    Header: ClientID, Id, Status (Code, Description, ErrorMessage, Result)\n    Data\n")
		writeTypeDoc(b, op.Result, 3, false)
	} else {
		b.WriteString("    ResultCode, Result, Description, Guid\n")
		writeTypeDoc(b, op.Result, 2, false)
	}
	b.WriteString("```\n\n| code | name | note |\n|---|---|---|\n")
	for _, c := range op.Codes {
		note := c.Note
		if c.Added {
			note = "added by Holdline: " + note
		}
		if c.Unreachable != "" {
			note = strings.TrimPrefix(strings.TrimSpace(note+"; never answered: "+c.Unreachable), "; ")
		}
		fmt.Fprintf(b, "| %d | %s | %s |\n", int(c.Code), c.Code.Name(), note)
	}
}

// writeTypeDoc writes the fields of t, one per line, indented by level.
func writeTypeDoc(b *strings.Builder, t *Type, level int, request bool) {
	pad := strings.Repeat(" ", level*indentWidth)
	for _, f := range t.Fields {
		line := pad + f.Name
		if f.Repeated {
			line += "*"
		}
		if f.Required && request {
			line += "!"
		}
		for _, a := range f.Type.Attrs {
			line += " @" + a.Name
		}
		switch {
		case f.Type == userDataType:
			line += "  UserDataAssignment*: Key, Value (StringValue | IntegerValue | BinaryValue hex | ListValue of UserDataAssignment*)"
		case f.Type.Kind != KindStruct:
			line += "  " + f.Type.Kind.XSD()
		}
		if len(f.Aliases) > 0 {
			line += "  (also " + strings.Join(f.Aliases, ", ") + ")"
		}
		b.WriteString(line + "\n")
		if f.Type.Kind == KindStruct && f.Type != userDataType {
			writeTypeDoc(b, f.Type, level+1, request)
		}
	}
}
