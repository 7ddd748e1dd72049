//! XML Schema documents: includes and imports, global and local declarations, simple and
//! complex types, particles and attributes.

use roxmltree::{Document, Node};

use super::locate::Base;
use super::{Loader, SchemaCx, doc_of, is_xs, normalize, parent_dir, record_prefixes, span_of};
use crate::diag::{DiagKind, FileId, Span};
use crate::syntax::*;

impl Loader<'_> {
    /// Reads one `xs:schema` element. `chameleon_tns` is the includer's namespace when this
    /// document is included and has no target namespace of its own.
    pub(super) fn read_schema_doc(
        &mut self,
        doc: &Document<'_>,
        file: FileId,
        base: Base,
        root: Node<'_, '_>,
        chameleon_tns: Option<&str>,
        _span: Option<Span>,
    ) {
        let own_tns = root.attribute("targetNamespace");
        let (tns, chameleon) = match (own_tns, chameleon_tns) {
            (None, Some(c)) => (c.to_owned(), !c.is_empty()),
            (t, _) => (t.unwrap_or("").to_owned(), false),
        };
        record_prefixes(&mut self.schema, root, &tns);
        let mut cx = SchemaCx {
            doc,
            file,
            base,
            tns,
            chameleon,
            element_form_qualified: false,
            attribute_form_qualified: false,
            block_default: Methods::default(),
            final_default: Methods::default(),
        };
        let root_span = cx.span(root);
        cx.element_form_qualified = self.form_attr(root, "elementFormDefault", root_span).unwrap_or(false);
        cx.attribute_form_qualified = self.form_attr(root, "attributeFormDefault", root_span).unwrap_or(false);
        cx.block_default =
            self.methods_attr(root, "blockDefault", &["extension", "restriction", "substitution"], Methods::default(), root_span);
        cx.final_default =
            self.methods_attr(root, "finalDefault", &["extension", "restriction", "list", "union"], Methods::default(), root_span);
        for child in root.children().filter(Node::is_element) {
            let span = cx.span(child);
            if child.tag_name().namespace() != Some(XS) {
                continue; // foreign elements at top level are not allowed by XSD, but harmless
            }
            match child.tag_name().name() {
                "annotation" => {}
                "include" => self.include(&cx, child, span),
                "import" => self.import(&cx, child, span),
                "element" => {
                    if let Some(decl) = self.element_decl(&cx, child, true) {
                        let name = decl.name.clone();
                        self.schema.elements.push(Named { name, span, doc: doc_of(child), item: decl });
                    }
                }
                "attribute" => {
                    if let Some(decl) = self.attribute_decl(&cx, child, true) {
                        let name = decl.name.clone();
                        self.schema.attributes.push(Named { name, span, doc: doc_of(child), item: decl });
                    }
                }
                kind @ ("simpleType" | "complexType") => {
                    let Some(n) = self.name_attr(child, span, &format!("a global xs:{kind}")) else { continue };
                    if let Some(def) = self.type_def(&cx, child) {
                        self.schema.types.push(Named { name: QName::new(&cx.tns, n), span, doc: doc_of(child), item: def });
                    }
                }
                "group" => {
                    let Some(n) = self.name_attr(child, span, "xs:group") else { continue };
                    let particle = child
                        .children()
                        .filter(|c| is_xs(c, "sequence") || is_xs(c, "choice") || is_xs(c, "all"))
                        .find_map(|c| self.particle(&cx, c));
                    match particle {
                        Some(p) => self.schema.groups.push(Named { name: QName::new(&cx.tns, n), span, doc: doc_of(child), item: p }),
                        None => self.err(DiagKind::Invalid, Some(span), format!("xs:group '{n}' has no model group")),
                    }
                }
                "attributeGroup" => {
                    let Some(n) = self.name_attr(child, span, "xs:attributeGroup") else { continue };
                    let attrs = self.attrs(&cx, child);
                    self.schema.attribute_groups.push(Named { name: QName::new(&cx.tns, n), span, doc: doc_of(child), item: attrs });
                }
                "notation" => {}
                other => self.err(DiagKind::Unsupported, Some(span), format!("unsupported construct xs:{other}")),
            }
        }
    }

    fn include(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, span: Span) {
        let Some(location) = node.attribute("schemaLocation") else {
            self.err(DiagKind::Invalid, Some(span), "xs:include without schemaLocation");
            return;
        };
        let (path, base) = match self.locate(&cx.base, location) {
            Ok(found) => found,
            Err(why) => {
                self.err(DiagKind::Unreadable, Some(span), format!("cannot include '{location}': {why}"));
                return;
            }
        };
        if !self.seen_schemas.insert((path.clone(), cx.tns.clone())) {
            return; // already read into this namespace (cyclic or repeated include)
        }
        let Some((file, text)) = self.read_text(&path, Some(span)) else { return };
        let Some(doc) = self.parse(file, &text) else { return };
        let root = doc.root_element();
        if !is_xs(&root, "schema") {
            self.err(DiagKind::Invalid, Some(span), format!("{location} is not an XML Schema document"));
            return;
        }
        match root.attribute("targetNamespace") {
            Some(t) if t != cx.tns => self.err(
                DiagKind::Invalid,
                Some(span),
                format!("included schema {location} has targetNamespace '{t}', the including schema '{}'", cx.tns),
            ),
            _ => self.read_schema_doc(&doc, file, base, root, Some(&cx.tns), None),
        }
    }

    fn import(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, span: Span) {
        let namespace = node.attribute("namespace").unwrap_or("");
        if namespace == cx.tns && !cx.tns.is_empty() {
            self.err(DiagKind::Invalid, Some(span), "xs:import of the schema's own target namespace (use xs:include)");
            return;
        }
        let located = match node.attribute("schemaLocation") {
            Some(location) => self.locate(&cx.base, location).map(|found| (location.to_owned(), found)),
            // Without a location the components must come from another document of the set
            // (or be built in), unless a catalog maps the namespace itself to a schema.
            None => match self.resolver.map_url(namespace) {
                Some(p) => {
                    let p = normalize(&p);
                    let base = Base::Dir(parent_dir(&p));
                    Ok((namespace.to_owned(), (p, base)))
                }
                None => return,
            },
        };
        // A schema location on an import is a hint: the namespace may be provided by another
        // document. An unresolved reference into it says why this one was not read.
        let (location, (path, base)) = match located {
            Ok(found) => found,
            Err(why) => {
                self.failed_imports.push((namespace.to_owned(), span, why));
                return;
            }
        };
        if !self.seen_schemas.insert((path.clone(), namespace.to_owned())) {
            return;
        }
        let file = self.sources.add(&path);
        let bytes = match self.resolver.read(&path) {
            Ok(b) => b,
            Err(e) => {
                let shown = self.sources.display(file);
                self.failed_imports.push((namespace.to_owned(), span, format!("cannot read {shown}: {e}")));
                return;
            }
        };
        let Some(text) = self.utf8(file, bytes) else { return };
        let Some(doc) = self.parse(file, &text) else { return };
        let root = doc.root_element();
        if !is_xs(&root, "schema") {
            self.err(DiagKind::Invalid, Some(span), format!("{location} is not an XML Schema document"));
            return;
        }
        let tns = root.attribute("targetNamespace").unwrap_or("");
        if tns != namespace {
            self.err(
                DiagKind::Invalid,
                Some(span),
                format!("imported schema {location} has targetNamespace '{tns}', xs:import says '{namespace}'"),
            );
            return;
        }
        self.read_schema_doc(&doc, file, base, root, None, None);
    }

    fn element_decl(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, global: bool) -> Option<ElementDecl> {
        let span = cx.span(node);
        let name = self.name_attr(node, span, "xs:element")?;
        let form = self.form_attr(node, "form", span);
        let qualified = global || form.unwrap_or(cx.element_form_qualified);
        let ns = if qualified { cx.tns.clone() } else { String::new() };
        let ty = self.type_use(cx, node, "type");
        let substitution_group = if global { self.xref(cx, node, "substitutionGroup") } else { None };
        for c in node.children().filter(Node::is_element) {
            if c.tag_name().namespace() == Some(XS)
                && !matches!(c.tag_name().name(), "annotation" | "simpleType" | "complexType" | "key" | "keyref" | "unique")
            {
                self.err(DiagKind::Invalid, Some(cx.span(c)), format!("xs:{} is not allowed in xs:element", c.tag_name().name()));
            }
        }
        Some(ElementDecl {
            name: QName::new(ns, name),
            span,
            doc: doc_of(node),
            ty,
            nillable: self.bool_attr(node, "nillable", false, span),
            is_abstract: self.bool_attr(node, "abstract", false, span),
            block: self.methods_attr(node, "block", &["extension", "restriction", "substitution"], cx.block_default, span),
            final_: if global {
                let d = cx.final_default.common(Methods { extension: true, restriction: true, substitution: false });
                self.methods_attr(node, "final", &["extension", "restriction"], d, span)
            } else {
                Methods::default()
            },
            default: node.attribute("default").map(str::to_owned),
            fixed: node.attribute("fixed").map(str::to_owned),
            substitution_group,
        })
    }

    fn attribute_decl(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, global: bool) -> Option<AttributeDecl> {
        let span = cx.span(node);
        let name = self.name_attr(node, span, "xs:attribute")?;
        let form = self.form_attr(node, "form", span);
        let qualified = global || form.unwrap_or(cx.attribute_form_qualified);
        let ns = if qualified { cx.tns.clone() } else { String::new() };
        Some(AttributeDecl {
            name: QName::new(ns, name),
            span,
            doc: doc_of(node),
            ty: self.type_use(cx, node, "type"),
            default: node.attribute("default").map(str::to_owned),
            fixed: node.attribute("fixed").map(str::to_owned),
        })
    }

    /// `attr="..."` or an anonymous type child.
    fn type_use(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, attr: &str) -> Option<TypeUse> {
        if let Some(r) = self.xref(cx, node, attr) {
            return Some(TypeUse::Named(r));
        }
        let child = node.children().find(|c| is_xs(c, "simpleType") || is_xs(c, "complexType"))?;
        self.type_def(cx, child).map(|d| TypeUse::Anonymous(Box::new(d)))
    }

    fn type_def(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<TypeDef> {
        match node.tag_name().name() {
            "simpleType" => self.simple_type(cx, node).map(TypeDef::Simple),
            _ => self.complex_type(cx, node).map(TypeDef::Complex),
        }
    }

    fn simple_type(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<SimpleType> {
        let span = cx.span(node);
        let Some(body) = node.children().find(|c| is_xs(c, "restriction") || is_xs(c, "list") || is_xs(c, "union")) else {
            self.err(DiagKind::Invalid, Some(span), "xs:simpleType without restriction, list or union");
            return None;
        };
        let kind = match body.tag_name().name() {
            "restriction" => {
                let base = self.type_use(cx, body, "base");
                let Some(base) = base else {
                    self.err(DiagKind::Invalid, Some(cx.span(body)), "xs:restriction without a base type");
                    return None;
                };
                SimpleKind::Restriction { base, facets: self.facets(cx, body) }
            }
            "list" => {
                let Some(item) = self.type_use(cx, body, "itemType") else {
                    self.err(DiagKind::Invalid, Some(cx.span(body)), "xs:list without an item type");
                    return None;
                };
                SimpleKind::List { item }
            }
            _ => {
                let mut members = Vec::new();
                if let Some(list) = body.attribute("memberTypes") {
                    let bspan = cx.span(body);
                    let chameleon = cx.chameleon.then_some(cx.tns.as_str());
                    for m in list.split_ascii_whitespace() {
                        if let Some(r) = self.qref(body, m, bspan, chameleon) {
                            members.push(TypeUse::Named(r));
                        }
                    }
                }
                for c in body.children().filter(|c| is_xs(c, "simpleType")) {
                    if let Some(s) = self.simple_type(cx, c) {
                        members.push(TypeUse::Anonymous(Box::new(TypeDef::Simple(s))));
                    }
                }
                if members.is_empty() {
                    self.err(DiagKind::Invalid, Some(cx.span(body)), "xs:union without member types");
                    return None;
                }
                SimpleKind::Union { members }
            }
        };
        Some(SimpleType { span, doc: doc_of(node), kind })
    }

    fn facets(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Facets {
        let mut f = Facets::default();
        for c in node.children().filter(Node::is_element) {
            if c.tag_name().namespace() != Some(XS) {
                continue;
            }
            let span = cx.span(c);
            let value = c.attribute("value");
            let name = c.tag_name().name();
            if matches!(name, "annotation" | "simpleType" | "attribute" | "attributeGroup" | "anyAttribute")
                || matches!(name, "sequence" | "choice" | "all" | "group")
            {
                continue;
            }
            let Some(value) = value else {
                self.err(DiagKind::Invalid, Some(span), format!("xs:{name} without value"));
                continue;
            };
            let num = |this: &mut Self| -> Option<u64> {
                match value.trim().parse::<u64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        this.err(DiagKind::Invalid, Some(span), format!("xs:{name} value '{value}' is not a non-negative integer"));
                        None
                    }
                }
            };
            match name {
                "enumeration" => f.enumeration.push(EnumFacet { value: value.to_owned(), doc: doc_of(c), span }),
                "pattern" => f.pattern.push(value.to_owned()),
                "length" => f.length = num(self),
                "minLength" => f.min_length = num(self),
                "maxLength" => f.max_length = num(self),
                "totalDigits" => f.total_digits = num(self).map(|n| n.min(u32::MAX as u64) as u32),
                "fractionDigits" => f.fraction_digits = num(self).map(|n| n.min(u32::MAX as u64) as u32),
                "minInclusive" => f.min_inclusive = Some(value.to_owned()),
                "maxInclusive" => f.max_inclusive = Some(value.to_owned()),
                "minExclusive" => f.min_exclusive = Some(value.to_owned()),
                "maxExclusive" => f.max_exclusive = Some(value.to_owned()),
                "whiteSpace" => {
                    f.white_space = match value {
                        "preserve" => Some(WhiteSpace::Preserve),
                        "replace" => Some(WhiteSpace::Replace),
                        "collapse" => Some(WhiteSpace::Collapse),
                        other => {
                            self.err(DiagKind::Invalid, Some(span), format!("invalid xs:whiteSpace '{other}'"));
                            None
                        }
                    }
                }
                other => self.err(DiagKind::Unsupported, Some(span), format!("unsupported facet xs:{other}")),
            }
        }
        f
    }

    fn complex_type(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<ComplexType> {
        let span = cx.span(node);
        let mut mixed = self.bool_attr(node, "mixed", false, span);
        let is_abstract = self.bool_attr(node, "abstract", false, span);
        let ext_restr = Methods { extension: true, restriction: true, substitution: false };
        let block = self.methods_attr(node, "block", &["extension", "restriction"], cx.block_default.common(ext_restr), span);
        let final_ = self.methods_attr(node, "final", &["extension", "restriction"], cx.final_default.common(ext_restr), span);
        let content = if let Some(sc) = node.children().find(|c| is_xs(c, "simpleContent")) {
            let deriv = sc.children().find(|c| is_xs(c, "extension") || is_xs(c, "restriction"))?;
            let derivation = if deriv.tag_name().name() == "extension" { Derivation::Extension } else { Derivation::Restriction };
            let Some(base) = self.xref(cx, deriv, "base") else {
                self.err(DiagKind::Invalid, Some(cx.span(deriv)), "simpleContent derivation without base");
                return None;
            };
            if deriv.children().any(|c| is_xs(&c, "simpleType")) {
                self.err(
                    DiagKind::Unsupported,
                    Some(cx.span(deriv)),
                    "unsupported construct: anonymous xs:simpleType inside simpleContent restriction",
                );
            }
            let facets = if derivation == Derivation::Restriction { self.facets(cx, deriv) } else { Facets::default() };
            ComplexContent::Simple { derivation, base, facets, attrs: self.attrs(cx, deriv) }
        } else if let Some(cc) = node.children().find(|c| is_xs(c, "complexContent")) {
            mixed = self.bool_attr(cc, "mixed", mixed, cx.span(cc));
            let deriv = cc.children().find(|c| is_xs(c, "extension") || is_xs(c, "restriction"))?;
            let derivation = if deriv.tag_name().name() == "extension" { Derivation::Extension } else { Derivation::Restriction };
            let Some(base) = self.xref(cx, deriv, "base") else {
                self.err(DiagKind::Invalid, Some(cx.span(deriv)), "complexContent derivation without base");
                return None;
            };
            let particle = self.content_particle(cx, deriv);
            ComplexContent::Complex { derivation, base, particle, attrs: self.attrs(cx, deriv) }
        } else {
            ComplexContent::Implicit { particle: self.content_particle(cx, node), attrs: self.attrs(cx, node) }
        };
        Some(ComplexType { span, doc: doc_of(node), is_abstract, block, final_, mixed, content })
    }

    fn content_particle(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<Particle> {
        let c = node.children().find(|c| is_xs(c, "sequence") || is_xs(c, "choice") || is_xs(c, "all") || is_xs(c, "group"))?;
        self.particle(cx, c)
    }

    fn occurs(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> (u32, MaxOccurs) {
        let span = cx.span(node);
        let min = match node.attribute("minOccurs") {
            None => 1,
            Some(v) => v.trim().parse().unwrap_or_else(|_| {
                self.err(DiagKind::Invalid, Some(span), format!("invalid minOccurs '{v}'"));
                1
            }),
        };
        let max = match node.attribute("maxOccurs") {
            None => MaxOccurs::Bounded(1),
            Some("unbounded") => MaxOccurs::Unbounded,
            Some(v) => MaxOccurs::Bounded(v.trim().parse().unwrap_or_else(|_| {
                self.err(DiagKind::Invalid, Some(span), format!("invalid maxOccurs '{v}'"));
                1
            })),
        };
        if let MaxOccurs::Bounded(m) = max
            && m < min
        {
            self.err(DiagKind::Invalid, Some(span), format!("maxOccurs {m} is less than minOccurs {min}"));
        }
        (min, max)
    }

    fn particle(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<Particle> {
        let span = cx.span(node);
        let (min, max) = self.occurs(cx, node);
        let term = match node.tag_name().name() {
            "element" => {
                if node.attribute("ref").is_some() {
                    Term::ElementRef(self.xref(cx, node, "ref")?)
                } else {
                    Term::Element(Box::new(self.element_decl(cx, node, false)?))
                }
            }
            "group" => Term::Group(self.xref(cx, node, "ref").or_else(|| {
                self.err(DiagKind::Invalid, Some(span), "xs:group reference without ref=");
                None
            })?),
            "any" => Term::Any(self.wildcard(cx, node)),
            "sequence" | "choice" | "all" => {
                let mut items = Vec::new();
                for c in node.children().filter(Node::is_element) {
                    if c.tag_name().namespace() != Some(XS) || is_xs(&c, "annotation") {
                        continue;
                    }
                    if matches!(c.tag_name().name(), "element" | "group" | "any" | "sequence" | "choice") {
                        if let Some(p) = self.particle(cx, c) {
                            items.push(p);
                        }
                    } else {
                        self.err(
                            DiagKind::Invalid,
                            Some(cx.span(c)),
                            format!("xs:{} is not allowed in xs:{}", c.tag_name().name(), node.tag_name().name()),
                        );
                    }
                }
                match node.tag_name().name() {
                    "sequence" => Term::Sequence(items),
                    "choice" => Term::Choice(items),
                    _ => Term::All(items),
                }
            }
            other => {
                self.err(DiagKind::Unsupported, Some(span), format!("unsupported construct xs:{other}"));
                return None;
            }
        };
        Some(Particle { span, min, max, term })
    }

    fn wildcard(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> WildcardDecl {
        let span = cx.span(node);
        let namespace = match node.attribute("namespace").map(str::trim) {
            None | Some("##any") => NsConstraint::Any,
            Some("##other") => NsConstraint::Other(cx.tns.clone()),
            Some(list) => NsConstraint::List(
                list.split_ascii_whitespace()
                    .map(|n| match n {
                        "##targetNamespace" => cx.tns.clone(),
                        "##local" => String::new(),
                        other => other.to_owned(),
                    })
                    .collect(),
            ),
        };
        let process = match node.attribute("processContents") {
            None | Some("strict") => ProcessContents::Strict,
            Some("lax") => ProcessContents::Lax,
            Some("skip") => ProcessContents::Skip,
            Some(other) => {
                self.err(DiagKind::Invalid, Some(span), format!("invalid processContents '{other}'"));
                ProcessContents::Strict
            }
        };
        WildcardDecl { span, namespace, process }
    }

    fn attrs(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Attrs {
        let mut attrs = Attrs::default();
        for c in node.children().filter(Node::is_element) {
            let span = cx.span(c);
            if is_xs(&c, "attribute") {
                let usage = match c.attribute("use") {
                    None | Some("optional") => Use::Optional,
                    Some("required") => Use::Required,
                    Some("prohibited") => Use::Prohibited,
                    Some(other) => {
                        self.err(DiagKind::Invalid, Some(span), format!("invalid use '{other}'"));
                        Use::Optional
                    }
                };
                if c.attribute("ref").is_some() {
                    if let Some(target) = self.xref(cx, c, "ref") {
                        attrs.items.push(AttrItem::Ref {
                            target,
                            usage,
                            default: c.attribute("default").map(str::to_owned),
                            fixed: c.attribute("fixed").map(str::to_owned),
                        });
                    }
                } else if let Some(decl) = self.attribute_decl(cx, c, false) {
                    attrs.items.push(AttrItem::Local { decl, usage });
                }
            } else if is_xs(&c, "attributeGroup") {
                if let Some(r) = self.xref(cx, c, "ref") {
                    attrs.items.push(AttrItem::Group(r));
                }
            } else if is_xs(&c, "anyAttribute") {
                attrs.any = Some(self.wildcard(cx, c));
            }
        }
        attrs
    }
}

impl SchemaCx<'_, '_> {
    pub(super) fn span(&self, node: Node<'_, '_>) -> Span {
        span_of(self.doc, self.file, node)
    }
}
