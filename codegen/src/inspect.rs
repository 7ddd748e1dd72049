//! What a WSDL offers, before generating anything (`soapkit inspect`, like `python -m zeep`):
//! services and ports, bindings with their SOAP version and style, and per operation its
//! SOAPAction, input, output and fault messages with their body and header parts.
//!
//! It reads and resolves the schema set but does not lower it, so it works on WSDLs whose
//! types the generator cannot (yet) handle; unresolved references are shown as such.

use std::fmt::{self, Write as _};
use std::path::PathBuf;

use crate::diag::Diagnostics;
use crate::read::Resolver;
use crate::resolve::Symbols;
use crate::syntax::*;

/// Describes the WSDL definitions of `inputs`.
pub fn inspect(inputs: &[PathBuf], opts: &crate::Options, resolver: &dyn Resolver) -> Result<Description, Diagnostics> {
    let loaded = crate::read::load(inputs, opts.display_base.clone(), resolver)?;
    let symbols = crate::resolve::resolve(&loaded).map_err(|list| Diagnostics { list, sources: loaded.sources.clone() })?;
    let mut text = String::new();
    describe(&symbols, &mut text).expect("writing to a String cannot fail");
    Ok(Description { text })
}

/// A readable description of WSDL definitions.
#[derive(Clone, Debug)]
pub struct Description {
    text: String,
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn describe(sym: &Symbols<'_>, out: &mut String) -> fmt::Result {
    let Some(w) = sym.wsdl else {
        let n = sym.schema.elements.len();
        writeln!(out, "No WSDL definitions: an XML Schema set with {n} global element{}.", if n == 1 { "" } else { "s" })?;
        for e in &sym.schema.elements {
            writeln!(out, "  element {}", e.name)?;
        }
        return Ok(());
    };
    if w.services.is_empty() {
        writeln!(out, "Services: none (the WSDL names no endpoint address)")?;
    }
    for s in &w.services {
        writeln!(out, "Service {}", s.name)?;
        for p in &s.item.ports {
            let address = p.address.as_deref().map(|a| format!(" at {a}")).unwrap_or_else(|| " (no address)".to_owned());
            writeln!(out, "  Port {}: binding {}{address}", p.name, p.binding.name)?;
        }
    }
    for b in &w.bindings {
        writeln!(out)?;
        let Some(soap) = &b.item.soap else {
            writeln!(out, "Binding {} (not a SOAP binding: not generated)", b.name)?;
            continue;
        };
        let version = match soap.version {
            SoapVersion::Soap11 => "SOAP 1.1",
            SoapVersion::Soap12 => "SOAP 1.2",
        };
        let style = style_name(soap.style.unwrap_or(Style::Document));
        let transport = soap.transport.as_deref().map(|t| format!(", transport {t}")).unwrap_or_default();
        writeln!(out, "Binding {} ({version}, {style}{transport}), port type {}", b.name, b.item.port_type.name)?;
        let pt = sym.port_type(&b.item.port_type).ok();
        for bop in &b.item.operations {
            let op = pt.and_then(|pt| pt.item.operations.iter().find(|o| o.name == bop.name));
            let kind = match op {
                None => " (not in the port type)",
                Some(o) if o.output_first => " (output first: not generated)",
                Some(o) if o.output.is_none() => " (one-way)",
                Some(o) if o.input.is_none() => " (notification: not generated)",
                Some(_) => "",
            };
            writeln!(out, "  Operation {}{kind}", bop.name)?;
            match &bop.soap_action {
                Some(a) => writeln!(out, "    SOAPAction: \"{a}\"")?,
                None => writeln!(out, "    SOAPAction: none")?,
            }
            writeln!(out, "    Style: {}", style_name(bop.style.or(soap.style).unwrap_or(Style::Document)))?;
            let Some(op) = op else { continue };
            for (what, port, bound) in [("Input", &op.input, &bop.input), ("Output", &op.output, &bop.output)] {
                let Some(m) = port else { continue };
                message(sym, out, what, &m.message, bound.as_ref())?;
            }
            for f in &op.faults {
                let parts = match sym.message(&f.message) {
                    Ok(m) => m.item.parts.iter().map(part_text).collect::<Vec<_>>().join(", "),
                    Err(_) => "unresolved".to_owned(),
                };
                writeln!(out, "    Fault {}: message {} ({parts})", f.name, f.message.name)?;
            }
        }
    }
    Ok(())
}

fn message(sym: &Symbols<'_>, out: &mut String, what: &str, r: &Ref, io: Option<&BindingIo>) -> fmt::Result {
    let Ok(msg) = sym.message(r) else {
        return writeln!(out, "    {what}: message {} (unresolved)", r.name);
    };
    writeln!(out, "    {what}: message {}", msg.name)?;
    let headers: Vec<&SoapHeader> = io.map(|io| io.headers.iter().collect()).unwrap_or_default();
    let in_header = |p: &Part| headers.iter().any(|h| h.message.name == msg.name && h.part == p.name);
    let selected = io.and_then(|io| io.body.as_ref()).and_then(|b| b.parts.as_ref());
    for p in &msg.item.parts {
        let in_body = selected.map_or(!in_header(p), |names| names.contains(&p.name));
        if in_body {
            writeln!(out, "      body: {}", part_text(p))?;
        }
    }
    for h in headers {
        let part = sym.message(&h.message).ok().and_then(|m| m.item.parts.iter().find(|p| p.name == h.part));
        match part {
            Some(p) if h.message.name == msg.name => writeln!(out, "      header: {}", part_text(p))?,
            Some(p) => writeln!(out, "      header: {} (message {})", part_text(p), h.message.name)?,
            None => writeln!(out, "      header: part '{}' of message {} (unresolved)", h.part, h.message.name)?,
        }
    }
    Ok(())
}

fn part_text(p: &Part) -> String {
    match &p.kind {
        PartKind::Element(e) => format!("part '{}' = element {}", p.name, e.name),
        PartKind::Type(t) => format!("part '{}' = type {}", p.name, t.name),
    }
}

fn style_name(s: Style) -> &'static str {
    match s {
        Style::Document => "document",
        Style::Rpc => "rpc",
    }
}
