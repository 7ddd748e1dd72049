"""Validates XML documents against an XML Schema with lxml (libxml2, the engine of xmllint)
and reports like `xmllint --noout --nonet --schema SCHEMA FILE`, one block per document.

Usage: python xsd_validate.py SCHEMA FILE LABEL [FILE LABEL ...]

For each document it prints `@@ STATUS` (0 valid, 1 not well-formed, 3 invalid; 5 for every
document when the schema does not compile) and then xmllint's lines, LABEL standing for the
file: `LABEL:LINE: element NAME: Schemas validity error : MESSAGE`, and `LABEL validates` or
`LABEL fails to validate`. Nothing is fetched from the network.
"""

import re
import sys

from lxml import etree

ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")


def line(label, entry, kind):
    m = ELEMENT.match(entry.message)
    element = f" element {m.group(1)}:" if m else ""
    level = "warning" if entry.level_name == "WARNING" else "error"
    return f"{label}:{entry.line}:{element} {kind} {level} : {entry.message}"


def main(argv):
    schema_path, pairs = argv[1], argv[2:]
    docs = list(zip(pairs[0::2], pairs[1::2]))
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    try:
        schema = etree.XMLSchema(etree.parse(schema_path, parser))
        compiled = [line(schema_path, e, "Schemas parser") for e in schema.error_log]
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as e:
        lines = [line(schema_path, x, "Schemas parser") for x in e.error_log] or [str(e)]
        for _ in docs:
            print("@@ 5")
            for text in lines:
                print(text)
            print(f"WXS schema {schema_path} failed to compile")
        return
    for path, label in docs:
        try:
            doc = etree.parse(path, parser)
        except etree.XMLSyntaxError as e:
            print("@@ 1")
            for x in e.error_log:
                print(f"{label}:{x.line}: parser error : {x.message}")
            continue
        ok = schema.validate(doc)
        print(f"@@ {0 if ok else 3}")
        for text in compiled:
            print(text)
        for x in schema.error_log:
            print(line(label, x, "Schemas validity"))
        print(f"{label} {'validates' if ok else 'fails to validate'}")


if __name__ == "__main__":
    main(sys.argv)
