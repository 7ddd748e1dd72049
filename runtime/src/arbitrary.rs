//! Property-test strategies (feature `proptest`): arbitrary values of generated types and of
//! the XML Schema built-ins they use.
//!
//! Code generated with `soapkit_codegen::Options::arbitrary` implements
//! [`proptest::arbitrary::Arbitrary`] for every type, so `proptest::prelude::any::<T>()`
//! gives valid values of `T`: enumerations pick a listed value, restrictions honour their
//! facets (patterns, lengths, ranges, digits), repeated members their occurrence bounds,
//! wildcards get elements and attributes of a namespace they admit, and recursive types stop
//! at a [`Depth`].
//!
//! Simple values are made in their lexical space and parsed by the type itself, so that a
//! value is one the type's decoder can produce (a union's value is its first member that
//! accepts the text, a pattern-restricted number keeps its spelling). The lexical spaces lean
//! on the edges: strings with every character XML escapes, CR, TAB, `]]>`, non-ASCII and
//! astral characters; integers at their type's limits and at the facets' bounds; floats at
//! ±INF, ±0, the largest and smallest (subnormal) values; dates with negative and five-digit
//! years, February 29 of leap years, fractions of seconds and every time-zone offset
//! (`±14:00` included); durations with and without a time part.
//!
//! A restriction with patterns in several derivation steps gets candidates from each step's
//! patterns and keeps those the type accepts, so its strategy may reject most of what it
//! tries: give such tests a generous `max_local_rejects`.
//!
//! Never produced: characters outside XML 1.0's `Char` production (XML cannot carry them), the
//! year `0000` and leap seconds (refused by [`crate::xsd`]), and `NaN`, which XML carries but
//! which is not equal to itself, so that a round trip of it cannot be compared.

use std::fmt::Debug;

pub use proptest;
use proptest::collection::vec;
use proptest::prelude::*;
pub use proptest::strategy::BoxedStrategy;
use proptest::strategy::Union;

use crate::codec::{AnyContent, Codec, ComplexType, Group, Nillable, SimpleType, codecs};
use crate::xml::{AnyAttribute, AnyElement, AnyNode, NsTable, Reader, Writer};
use crate::xsd::{self, QName};
use crate::xsi::Derivations;

/// How many more levels a recursive type may nest: a member whose type leads back to its
/// owner is generated only while this is above zero (optional members are then absent,
/// repeated ones hold their minimum, a choice takes another branch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Depth(pub u32);

impl Default for Depth {
    /// Three levels.
    fn default() -> Self {
        Depth(3)
    }
}

impl Depth {
    /// One level further down, if any is left.
    pub fn deeper(self) -> Option<Depth> {
        self.0.checked_sub(1).map(Depth)
    }

    /// One level further down, staying at zero.
    pub fn below(self) -> Depth {
        Depth(self.0.saturating_sub(1))
    }
}

/// The facets of a simple type restriction, as generated code states them. Range bounds are
/// lexical forms of the primitive; patterns are the `regex` translations (anchored) of the
/// XSD patterns, one slice per derivation step (a value matches one of each).
#[derive(Clone, Copy, Debug)]
pub struct Facets {
    /// Pattern groups.
    pub patterns: &'static [&'static [&'static str]],
    /// `length`.
    pub length: Option<u64>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minInclusive`.
    pub min_inclusive: Option<&'static str>,
    /// `maxInclusive`.
    pub max_inclusive: Option<&'static str>,
    /// `minExclusive`.
    pub min_exclusive: Option<&'static str>,
    /// `maxExclusive`.
    pub max_exclusive: Option<&'static str>,
    /// `totalDigits`.
    pub total_digits: Option<u32>,
    /// `fractionDigits`.
    pub fraction_digits: Option<u32>,
}

impl Facets {
    /// No facet.
    pub const NONE: Facets = Facets {
        patterns: &[],
        length: None,
        min_length: None,
        max_length: None,
        min_inclusive: None,
        max_inclusive: None,
        min_exclusive: None,
        max_exclusive: None,
        total_digits: None,
        fraction_digits: None,
    };

    /// The length range the facets allow (characters, items or octets), capped at `soft`
    /// beyond the minimum when there is no maximum.
    fn lengths(&self, soft: u64) -> (usize, usize) {
        if let Some(n) = self.length {
            return (n as usize, n as usize);
        }
        let lo = self.min_length.unwrap_or(0);
        let hi = self.max_length.unwrap_or(lo + soft).max(lo);
        (lo as usize, hi as usize)
    }
}

/// The lexical space of a built-in datatype's codec: strings the datatype may accept,
/// weighted towards its edge cases and shaped by the facets where that helps (lengths,
/// range bounds, digits). Not every string need be valid: [`builtin`] and [`restricted`]
/// keep those the type parses.
pub trait Lexicon {
    /// Whether pattern facets are matched with ASCII digits only (`\d` is any Unicode
    /// digit, which only the string types accept).
    const ASCII_DIGITS: bool = true;
    /// Candidate lexical forms under `facets`.
    fn lexical(facets: &Facets) -> BoxedStrategy<String>;
}

fn standalone() -> Reader<'static> {
    Reader::new("", NsTable::STANDARD)
}

/// Values of a built-in datatype (its codec `C`), all of them valid.
pub fn builtin<C>() -> BoxedStrategy<C::Value>
where
    C: Codec + Lexicon,
    C::Value: Debug + 'static,
{
    C::lexical(&Facets::NONE).prop_filter_map("not in the datatype's lexical space", |s| C::parse(&s, &standalone()).ok()).boxed()
}

/// Values of a restriction `T` of the built-in whose codec is `C`: lexical forms of `C` that
/// `T` accepts (its facets checked by `T` itself), parsed by `T`.
pub fn restricted<T, C>(facets: &'static Facets) -> BoxedStrategy<T>
where
    T: SimpleType + Debug + 'static,
    C: Lexicon,
{
    // A pattern is the strongest constraint: strings made from the patterns of every
    // derivation step (any one of them may be the narrowest), the other steps' patterns and
    // the other facets checked by the type.
    let alternatives: Vec<BoxedStrategy<String>> =
        facets.patterns.iter().flat_map(|group| group.iter()).filter_map(|p| from_pattern(p, C::ASCII_DIGITS)).collect();
    let candidates = if alternatives.is_empty() { C::lexical(facets) } else { Union::new(alternatives).boxed() };
    candidates.prop_filter_map("not valid for the type", |s| T::parse_text(&s, &standalone()).ok()).boxed()
}

/// Strings matching an anchored `regex` pattern, limited to XML characters (and, with
/// `ascii_digits`, matching `\d` with ASCII digits only).
fn from_pattern(pattern: &str, ascii_digits: bool) -> Option<BoxedStrategy<String>> {
    let inner = pattern.strip_prefix('^').unwrap_or(pattern);
    let inner = inner.strip_suffix('$').unwrap_or(inner);
    let inner = if ascii_digits { inner.replace("\\d", "[0-9]").replace("\\p{Nd}", "[0-9]") } else { inner.to_owned() };
    let s = proptest::string::string_regex(&inner).ok()?;
    Some(s.prop_filter("not XML characters", |s| s.chars().all(is_xml_char)).boxed())
}

/// Simple values made by `members` (a union's member values, already wrapped), written and
/// read back by `T`, so that the value is the one decoding gives (the first member that takes
/// the text).
pub fn reparsed<T>(members: Vec<BoxedStrategy<T>>) -> BoxedStrategy<T>
where
    T: SimpleType + Debug + 'static,
{
    Union::new(members)
        .prop_filter_map("not written and read back", |v| {
            let mut text = String::new();
            v.write_text(&mut text, &mut Writer::new()).ok()?;
            T::parse_text(&text, &standalone()).ok()
        })
        .boxed()
}

/// Values of a choice whose branches overlap (one that XML Schema's Unique Particle
/// Attribution forbids, or with more than one branch that can be empty): written and read back
/// in a wrapper element with the generated module's namespace `table`, so that the value is
/// the branch decoding settles on (the one that reads furthest, the first on a tie). A value
/// in a branch that decoding never settles on has the same XML as the one it settles on.
pub fn as_decoded<G>(branches: BoxedStrategy<G>, table: NsTable) -> BoxedStrategy<G>
where
    G: Group + Debug + 'static,
{
    branches
        .prop_filter_map("not written and read back", move |v| {
            let mut w = Writer::new();
            w.start(FOREIGN_NS, "wrapper").ok()?;
            v.encode_group(&mut w).ok()?;
            w.end(FOREIGN_NS, "wrapper").ok()?;
            let xml = w.into_string();
            let mut r = Reader::new(&xml, table);
            let root = r.root().ok()?;
            let mut cur = r.next_child(&root).ok()?;
            let back = G::decode_group(&mut r, &root, &mut cur).ok()?;
            cur.is_none().then_some(back)
        })
        .boxed()
}

/// A list type's items (`item`, between the facets' length bounds), wrapped by `wrap`; lists
/// the type does not write and read back (an item that is empty or holds a space) are left
/// out.
pub fn list<T, I>(item: BoxedStrategy<I>, facets: &'static Facets, wrap: fn(Vec<I>) -> T) -> BoxedStrategy<T>
where
    T: SimpleType + Debug + 'static,
    I: Debug + 'static,
{
    let (lo, hi) = facets.lengths(4);
    vec(item, lo..=hi)
        .prop_map(wrap)
        .prop_filter("not written and read back", |v| {
            let mut text = String::new();
            v.write_text(&mut text, &mut Writer::new()).is_ok() && T::parse_text(&text, &standalone()).is_ok()
        })
        .boxed()
}

/// The value a `fixed` constraint prescribes.
///
/// # Panics
/// If `C` does not accept `text` (the generator checked it).
pub fn fixed<C>(text: &'static str) -> BoxedStrategy<C::Value>
where
    C: Codec,
    C::Value: Clone + Debug + 'static,
{
    match C::parse(text, &standalone()) {
        Ok(v) => Just(v).boxed(),
        Err(e) => panic!("the fixed value '{text}' is not valid for its type: {e}"),
    }
}

/// Values an element that blocks substitution by the derivation methods `blocked` (their
/// bits) may hold: the variants derived otherwise.
pub fn unblocked<T: ComplexType + Debug + 'static>(values: BoxedStrategy<T>, blocked: u8) -> BoxedStrategy<T> {
    let blocked = Derivations::from_bits(blocked);
    values.prop_filter("blocked by the element", move |v| v.check_blocked("", blocked).is_ok()).boxed()
}

/// The values of `T` with `depth` levels left (`T::arbitrary_with(depth)`).
pub fn of<T: Arbitrary<Parameters = Depth>>(depth: Depth) -> T::Strategy {
    T::arbitrary_with(depth)
}

/// The values of `s` mapped by `f`, boxed: how generated strategies build a field, variant or
/// struct from the strategies of its parts.
pub fn map<S, T>(s: S, f: fn(S::Value) -> T) -> BoxedStrategy<T>
where
    S: Strategy + 'static,
    T: Debug + 'static,
{
    s.prop_map(f).boxed()
}

/// An optional member: absent or a value.
pub fn optional<T: Debug + 'static>(value: BoxedStrategy<T>) -> BoxedStrategy<Option<T>> {
    proptest::option::of(value).boxed()
}

/// A repeated member: between `min` and `max` values (`None`: unbounded, here at most
/// `min + 3`).
pub fn many<T: Debug + 'static>(value: BoxedStrategy<T>, min: usize, max: Option<usize>) -> BoxedStrategy<Vec<T>> {
    let hi = max.unwrap_or(min + 3).min(min + 3).max(min);
    vec(value, min..=hi).boxed()
}

/// Always `value` (a member that is absent or empty past the depth, a type without members).
pub fn just<T: Clone + Debug + 'static>(value: T) -> BoxedStrategy<T> {
    Just(value).boxed()
}

/// One of an enumeration's values.
pub fn select<T: Clone + Debug + 'static>(values: &'static [T]) -> BoxedStrategy<T> {
    proptest::sample::select(values).boxed()
}

/// One of a choice's branches, or of a polymorphic type's variants (each already wrapped).
pub fn one_of<T: Debug + 'static>(branches: Vec<BoxedStrategy<T>>) -> BoxedStrategy<T> {
    Union::new(branches).boxed()
}

/// A nillable element's value: nil now and then, otherwise a value.
pub fn nillable<T: Debug + 'static>(value: BoxedStrategy<T>) -> BoxedStrategy<Nillable<T>> {
    prop_oneof![1 => Just(()).prop_map(|()| Nillable::Nil), 4 => value.prop_map(Nillable::Value)].boxed()
}

/// The namespace wildcard content is generated in when the wildcard admits any namespace.
pub const FOREIGN_NS: &str = "urn:soapkit:arbitrary";

fn local_name() -> BoxedStrategy<String> {
    "[a-zA-Z_][a-zA-Z0-9._-]{0,6}".prop_map(|s| format!("x{s}")).boxed()
}

fn text_node() -> BoxedStrategy<String> {
    xml_string(1, 12, Whitespace::Preserve)
}

/// Children of captured content: elements and text, never two texts side by side (decoding
/// joins them) and never an empty text.
fn any_children(ns: &'static str, depth: u32) -> BoxedStrategy<Vec<AnyNode>> {
    let node = if depth == 0 {
        text_node().prop_map(AnyNode::Text).boxed()
    } else {
        prop_oneof![
            2 => any_element_at(ns, depth - 1).prop_map(AnyNode::Element),
            1 => text_node().prop_map(AnyNode::Text),
        ]
        .boxed()
    };
    vec(node, 0..=3)
        .prop_map(|nodes| {
            let mut out: Vec<AnyNode> = Vec::with_capacity(nodes.len());
            for n in nodes {
                match (out.last_mut(), n) {
                    (Some(AnyNode::Text(prev)), AnyNode::Text(t)) => prev.push_str(&t),
                    (_, n) => out.push(n),
                }
            }
            out
        })
        .boxed()
}

fn foreign_attributes(ns: &'static str) -> BoxedStrategy<Vec<AnyAttribute>> {
    vec((local_name(), xml_string(0, 8, Whitespace::Preserve)), 0..=2)
        .prop_map(move |pairs| {
            let mut seen = std::collections::BTreeSet::new();
            pairs
                .into_iter()
                .filter(|(l, _)| seen.insert(l.clone()))
                .map(|(local, value)| AnyAttribute { ns: ns.into(), local: format!("a{local}"), prefix: None, value })
                .collect()
        })
        .boxed()
}

fn any_element_at(ns: &'static str, depth: u32) -> BoxedStrategy<AnyElement> {
    (local_name(), foreign_attributes(ns), any_children(ns, depth))
        .prop_map(move |(local, attributes, children)| AnyElement { attributes, children, ..AnyElement::new(ns, local) })
        .boxed()
}

/// An element matched by a wildcard: in namespace `ns` (one the wildcard admits), with
/// attributes, text and child elements of its own, two levels deep.
pub fn any_element(ns: &'static str) -> BoxedStrategy<AnyElement> {
    any_element_at(ns, 2)
}

/// Attributes matched by an attribute wildcard, in namespace `ns` (one it admits).
pub fn any_attributes(ns: &'static str) -> BoxedStrategy<Vec<AnyAttribute>> {
    foreign_attributes(ns)
}

/// Content of `xs:anyType`: foreign attributes and mixed content, or a typed value of a
/// built-in simple type.
pub fn any_content() -> BoxedStrategy<AnyContent> {
    prop_oneof![
        4 => (foreign_attributes(FOREIGN_NS), any_children(FOREIGN_NS, 2))
            .prop_map(|(attributes, children)| AnyContent { attributes, children, ..AnyContent::default() }),
        1 => builtin::<i32>().prop_map(|v| AnyContent::typed(xsd::SimpleValue::Int(v))),
        1 => builtin::<bool>().prop_map(|v| AnyContent::typed(xsd::SimpleValue::Boolean(v))),
        1 => builtin::<xsd::DateTime>().prop_map(|v| AnyContent::typed(xsd::SimpleValue::DateTime(v))),
    ]
    .boxed()
}

/// Content of a complex type whose content is any elements and text: children only (its
/// attributes are the type's own).
pub fn mixed_content() -> BoxedStrategy<AnyContent> {
    any_children(FOREIGN_NS, 2).prop_map(|children| AnyContent { children, ..AnyContent::default() }).boxed()
}

// ---------------------------------------------------------------------------------------
// Characters and strings.

/// XML 1.0's `Char` production.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Whitespace {
    /// Any whitespace.
    Preserve,
    /// No TAB, CR or LF.
    Replace,
}

/// Characters XML treats specially, and the ones a careless escaper or decoder gets wrong.
const SPECIAL: &[char] = &[
    '<',
    '>',
    '&',
    '"',
    '\'',
    ']',
    ' ',
    '\t',
    '\n',
    '\r',
    '\u{85}',
    '\u{a0}',
    '\u{2028}',
    '\u{feff}',
    '\u{fffd}',
    'é',
    'ß',
    'Ω',
    '中',
    '\u{1F600}',
    '\u{10FFFF}',
    '\u{E000}',
    '\u{D7FF}',
];

fn xml_char(ws: Whitespace) -> BoxedStrategy<char> {
    let any = any::<char>().prop_filter("not an XML character", |c| is_xml_char(*c));
    let c = prop_oneof![
        6 => proptest::char::range('a', 'z'),
        2 => proptest::sample::select(SPECIAL),
        1 => any,
    ];
    match ws {
        Whitespace::Preserve => c.boxed(),
        Whitespace::Replace => c.prop_filter("TAB, CR or LF", |c| !matches!(c, '\t' | '\r' | '\n')).boxed(),
    }
}

fn xml_string(lo: usize, hi: usize, ws: Whitespace) -> BoxedStrategy<String> {
    prop_oneof![
        8 => vec(xml_char(ws), lo..=hi).prop_map(String::from_iter),
        // Markup-looking text.
        1 => proptest::sample::select(&["]]>", "<![CDATA[x]]>", "&amp;", "&#x26;", "<a/>", "--", "?>"][..])
            .prop_map(str::to_owned)
            .prop_filter("outside the length", move |s| (lo..=hi).contains(&s.chars().count())),
    ]
    .boxed()
}

/// Words (no whitespace) joined by single spaces: a collapsed string.
fn collapsed(lo: usize, hi: usize) -> BoxedStrategy<String> {
    let word = vec(xml_char(Whitespace::Replace).prop_filter("a space", |c| *c != ' '), 1..=6).prop_map(String::from_iter);
    vec(word, 0..=3).prop_map(|w| w.join(" ")).prop_filter("outside the length", move |s| (lo..=hi).contains(&s.chars().count())).boxed()
}

impl Lexicon for String {
    const ASCII_DIGITS: bool = false;
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        let (lo, hi) = f.lengths(16);
        xml_string(lo, hi, Whitespace::Preserve)
    }
}

impl Lexicon for codecs::NormalizedString {
    const ASCII_DIGITS: bool = false;
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        let (lo, hi) = f.lengths(16);
        xml_string(lo, hi, Whitespace::Replace)
    }
}

impl Lexicon for codecs::Token {
    const ASCII_DIGITS: bool = false;
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        let (lo, hi) = f.lengths(16);
        collapsed(lo, hi)
    }
}

/// Names: ASCII and non-ASCII letters, and the punctuation names allow.
const NAME_START: &str = "[a-zA-Z_\u{e9}\u{3a9}\u{4e2d}]";
const NAME_REST: &str = "[a-zA-Z0-9._\u{b7}\u{e9}\u{3a9}\u{4e2d}-]";

/// Strings of one of this module's own patterns.
fn names(pattern: String) -> BoxedStrategy<String> {
    match proptest::string::string_regex(&pattern) {
        Ok(s) => s.boxed(),
        Err(e) => panic!("soapkit's name pattern {pattern} does not compile: {e}"),
    }
}

impl Lexicon for codecs::Name {
    const ASCII_DIGITS: bool = false;
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        names(format!("{NAME_START}({NAME_REST}|:){{0,10}}"))
    }
}

macro_rules! ncname_lexicon {
    ($($codec:ty),*) => {$(
        impl Lexicon for $codec {
            const ASCII_DIGITS: bool = false;
            fn lexical(_: &Facets) -> BoxedStrategy<String> {
                names(format!("{NAME_START}{NAME_REST}{{0,10}}"))
            }
        }
    )*};
}
ncname_lexicon!(codecs::NcName, codecs::Id, codecs::IdRef, codecs::Entity);

impl Lexicon for codecs::NmToken {
    const ASCII_DIGITS: bool = false;
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        names(format!("({NAME_REST}|:){{1,10}}"))
    }
}

macro_rules! token_list_lexicon {
    ($($codec:ty => $item:ty),*) => {$(
        impl Lexicon for $codec {
            const ASCII_DIGITS: bool = false;
            fn lexical(f: &Facets) -> BoxedStrategy<String> {
                let (lo, hi) = f.lengths(4);
                (vec(<$item>::lexical(&Facets::NONE), lo.max(1)..=hi.max(1)), proptest::sample::select(&[" ", "  ", "\t", "\n "][..]))
                    .prop_map(|(items, sep)| items.join(sep))
                    .boxed()
            }
        }
    )*};
}
token_list_lexicon!(codecs::NmTokens => codecs::NmToken, codecs::IdRefs => codecs::IdRef, codecs::Entities => codecs::Entity);

impl Lexicon for codecs::Language {
    const ASCII_DIGITS: bool = false;
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        "[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}".boxed()
    }
}

impl Lexicon for codecs::AnyUri {
    const ASCII_DIGITS: bool = false;
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        let (lo, hi) = f.lengths(40);
        prop_oneof![
            "https?://[a-z]{1,8}\\.example(:[0-9]{1,4})?(/[a-zA-Z0-9%._~-]{0,6}){0,3}(\\?[a-z]=[a-z0-9]{0,3})?(#[a-z]{0,3})?",
            "urn:[a-z]{1,5}:[a-zA-Z0-9:._-]{0,10}",
            "mailto:[a-z]{1,6}@[a-z]{1,6}\\.example",
            "[a-z\u{e9}\u{4e2d}/._-]{0,10}",
        ]
        .prop_filter("outside the length", move |s| (lo..=hi).contains(&s.chars().count()))
        .boxed()
    }
}

impl Lexicon for QName {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        // Unprefixed names, and names with the prefixes a standalone reader knows.
        (proptest::sample::select(&["", "xsi:", "xml:"][..]), "[a-zA-Z_][a-zA-Z0-9._-]{0,8}").prop_map(|(p, l)| format!("{p}{l}")).boxed()
    }
}

impl Lexicon for bool {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        proptest::sample::select(&["true", "false", "1", "0", " true ", "\n0\t"][..]).prop_map(str::to_owned).boxed()
    }
}

// ---------------------------------------------------------------------------------------
// Numbers.

/// Integers in `[lo, hi]`: both ends, their neighbours, zero and ±1 where in range, the
/// facets' bounds, and uniform values; written with the lexical variants XSD allows (`+5`,
/// `007`, `-0`, surrounding whitespace).
fn integers(lo: i128, hi: i128, f: &Facets) -> BoxedStrategy<String> {
    let mut lo = lo;
    let mut hi = hi;
    let bound = |s: Option<&str>| s.and_then(|s| s.trim().parse::<i128>().ok());
    if let Some(b) = bound(f.min_inclusive) {
        lo = lo.max(b);
    }
    if let Some(b) = bound(f.min_exclusive) {
        lo = lo.max(b.saturating_add(1));
    }
    if let Some(b) = bound(f.max_inclusive) {
        hi = hi.min(b);
    }
    if let Some(b) = bound(f.max_exclusive) {
        hi = hi.min(b.saturating_sub(1));
    }
    if let Some(d) = f.total_digits {
        let max = 10i128.checked_pow(d).map_or(i128::MAX, |p| p - 1);
        lo = lo.max(-max);
        hi = hi.min(max);
    }
    if lo > hi {
        // No value: let the type refuse whatever comes.
        return Just("0".to_owned()).boxed();
    }
    let mut edges: Vec<i128> = vec![lo, hi, lo.saturating_add(1).min(hi), hi.saturating_sub(1).max(lo)];
    edges.extend([0, 1, -1].into_iter().filter(|v| (lo..=hi).contains(v)));
    let value = prop_oneof![2 => proptest::sample::select(edges), 3 => lo..=hi,];
    (value, 0..8u8)
        .prop_map(|(v, style)| match style {
            0 if v >= 0 => format!("+{v}"),
            1 => {
                let digits = v.unsigned_abs().to_string();
                format!("{}00{digits}", if v < 0 { "-" } else { "" })
            }
            2 if v == 0 => "-0".to_owned(),
            3 => format!(" {v}\n"),
            _ => v.to_string(),
        })
        .boxed()
}

macro_rules! int_lexicon {
    ($($t:ty),*) => {$(
        impl Lexicon for $t {
            fn lexical(f: &Facets) -> BoxedStrategy<String> {
                integers(i128::from(<$t>::MIN), i128::from(<$t>::MAX), f)
            }
        }
    )*};
}
int_lexicon!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Integers beyond 128 bits, for the unbounded integer types.
fn huge_integers(sign: &'static str) -> BoxedStrategy<String> {
    "[1-9][0-9]{38,45}".prop_map(move |d| format!("{sign}{d}")).boxed()
}

fn unbounded(lo: i128, hi: i128, f: &Facets, signs: &'static [&'static str]) -> BoxedStrategy<String> {
    if f.has_bounds() {
        return integers(lo, hi, f);
    }
    prop_oneof![6 => integers(lo, hi, f), 1 => proptest::sample::select(signs).prop_flat_map(huge_integers)].boxed()
}

impl Facets {
    fn has_bounds(&self) -> bool {
        self.min_inclusive.is_some()
            || self.max_inclusive.is_some()
            || self.min_exclusive.is_some()
            || self.max_exclusive.is_some()
            || self.total_digits.is_some()
    }
}

const I128_SPAN: i128 = 10i128.pow(36);

impl Lexicon for xsd::Integer {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        unbounded(-I128_SPAN, I128_SPAN, f, &["", "-", "+"])
    }
}

impl Lexicon for codecs::NonNegativeInteger {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        unbounded(0, I128_SPAN, f, &["", "+"])
    }
}

impl Lexicon for codecs::PositiveInteger {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        unbounded(1, I128_SPAN, f, &["", "+"])
    }
}

impl Lexicon for codecs::NonPositiveInteger {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        unbounded(-I128_SPAN, 0, f, &["-"])
    }
}

impl Lexicon for codecs::NegativeInteger {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        unbounded(-I128_SPAN, -1, f, &["-"])
    }
}

impl Lexicon for xsd::Decimal {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        let frac_max = f.fraction_digits.unwrap_or(12).min(18) as usize;
        let total = f.total_digits.map(|t| t as usize);
        let int_max = total.map_or(30, |t| t.max(1));
        let plain = (proptest::sample::select(&["", "-", "+"][..]), 1..=int_max, 0..=frac_max, any::<u64>(), any::<u64>(), 0..4u8)
            .prop_map(move |(sign, int_len, frac_len, a, b, style)| {
                let digits: String = format!("{a:020}{b:020}{a:020}");
                let int_part = &digits[..int_len.min(digits.len())];
                let int_part = if style == 0 { int_part.trim_start_matches('0') } else { int_part };
                let int_part = if int_part.is_empty() { "0" } else { int_part };
                let frac_len = match total {
                    Some(t) => frac_len.min(t.saturating_sub(int_part.trim_start_matches('0').len())),
                    None => frac_len,
                };
                let frac = &digits[digits.len() - frac_len..];
                match (style, frac.is_empty()) {
                    (1, false) if int_part == "0" => format!("{sign}.{frac}"),
                    (2, true) => format!("{sign}{int_part}."),
                    (_, true) => format!("{sign}{int_part}"),
                    _ => format!("{sign}{int_part}.{frac}"),
                }
            });
        let bounds: Vec<String> =
            [f.min_inclusive, f.max_inclusive, f.min_exclusive, f.max_exclusive].into_iter().flatten().map(str::to_owned).collect();
        let ints = integers(-I128_SPAN, I128_SPAN, f);
        let edges: Vec<String> = ["0", "-0.0", "0.000", "1", "-1", "0.1", "999999999999999999999999999999.999999999999"]
            .into_iter()
            .map(str::to_owned)
            .chain(bounds)
            .collect();
        prop_oneof![4 => plain, 2 => ints, 1 => proptest::sample::select(edges)].boxed()
    }
}

/// Floats between range facets, when there are any: uniform in the range, and its bounds.
fn bounded_floats(f: &Facets) -> Option<BoxedStrategy<String>> {
    let bound = |s: Option<&str>| s.and_then(|s| s.trim().parse::<f64>().ok());
    let lo = bound(f.min_inclusive).or(bound(f.min_exclusive));
    let hi = bound(f.max_inclusive).or(bound(f.max_exclusive));
    let (lo, hi) = match (lo, hi) {
        (None, None) => return None,
        (Some(lo), Some(hi)) => (lo, hi),
        (Some(lo), None) => (lo, lo + 1e6),
        (None, Some(hi)) => (hi - 1e6, hi),
    };
    let edges: Vec<String> = [lo, hi].iter().map(|v| format!("{v:e}")).collect();
    Some(
        prop_oneof![
            6 => (0.0f64..=1.0).prop_map(move |t| format!("{:e}", lo + (hi - lo) * t)),
            1 => proptest::sample::select(edges),
        ]
        .boxed(),
    )
}

fn floats(special: &'static [&'static str], random: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop_oneof![
        2 => proptest::sample::select(special).prop_map(str::to_owned),
        3 => random,
        1 => (-1000i32..1000, -40i32..40).prop_map(|(m, e)| format!("{m}E{e}")),
        1 => (0u32..100_000, 0u32..1000).prop_map(|(a, b)| format!("{a}.{b}")),
    ]
    .boxed()
}

impl Lexicon for f32 {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        if let Some(s) = bounded_floats(f) {
            return s;
        }
        floats(
            &[
                "INF",
                "-INF",
                "0",
                "-0",
                "0.0",
                "-0E0",
                "1",
                "3.4028235E38",
                "-3.4028235E38",
                "1.1754944E-38",
                "1E-45",
                "1.4E-45",
                ".5",
                "5.",
            ],
            any::<u32>().prop_map(f32::from_bits).prop_filter("NaN", |v| !v.is_nan()).prop_map(|v| format!("{v:e}")).boxed(),
        )
    }
}

impl Lexicon for f64 {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        if let Some(s) = bounded_floats(f) {
            return s;
        }
        floats(
            &[
                "INF",
                "-INF",
                "0",
                "-0",
                "-0.0E0",
                "1",
                "1.7976931348623157E308",
                "-1.7976931348623157E308",
                "2.2250738585072014E-308",
                "5E-324",
                "4.9E-324",
                "0.1",
                "123456789012345678901234567890",
            ],
            any::<u64>().prop_map(f64::from_bits).prop_filter("NaN", |v| !v.is_nan()).prop_map(|v| format!("{v:e}")).boxed(),
        )
    }
}

// ---------------------------------------------------------------------------------------
// Dates, times and durations.

fn is_leap(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

fn days_in(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Years: recent ones mostly, and negative, four-digit edge and five-digit years.
fn year() -> BoxedStrategy<i64> {
    prop_oneof![
        6 => 1900i64..2100,
        2 => 1i64..=9999,
        1 => -9999i64..=-1,
        1 => proptest::sample::select(&[1i64, -1, 9999, -9999, 10000, -10000, 12345, 99999, 2000, 1900, -4, 2024][..]),
    ]
    .boxed()
}

fn format_year(y: i64) -> String {
    if y < 0 { format!("-{:04}", y.unsigned_abs()) } else { format!("{y:04}") }
}

/// Time-zone suffixes: none, `Z`, and offsets up to `±14:00`.
fn zone() -> BoxedStrategy<String> {
    prop_oneof![
        2 => Just(String::new()),
        2 => Just("Z".to_owned()),
        3 => (proptest::bool::ANY, 0u32..14, 0u32..60).prop_map(|(neg, h, m)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })),
        1 => proptest::sample::select(&["+14:00", "-14:00", "+00:00", "-00:00", "+05:30", "-09:30"][..]).prop_map(str::to_owned),
    ]
    .boxed()
}

/// Dates that exist: `(year, month, day)`, February 29 of leap years included.
fn date_parts() -> BoxedStrategy<(i64, u32, u32)> {
    prop_oneof![
        6 => (year(), 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| (y, m, d.min(days_in(y, m)))),
        1 => proptest::sample::select(&[2000i64, 2024, 1600, -4, 4][..]).prop_map(|y| (y, 2, 29)),
        1 => year().prop_map(|y| (y, 12, 31)),
    ]
    .boxed()
}

fn clock() -> BoxedStrategy<String> {
    prop_oneof![
        8 => (0u32..24, 0u32..60, 0u32..60, prop_oneof![2 => Just(String::new()), 1 => "\\.[0-9]{1,9}"])
            .prop_map(|(h, m, s, frac)| format!("{h:02}:{m:02}:{s:02}{frac}")),
        1 => Just("24:00:00".to_owned()),
        1 => Just("23:59:59.999999999".to_owned()),
    ]
    .boxed()
}

impl Lexicon for xsd::DateTime {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        (date_parts(), clock(), zone()).prop_map(|((y, m, d), t, z)| format!("{}-{m:02}-{d:02}T{t}{z}", format_year(y))).boxed()
    }
}

impl Lexicon for xsd::Date {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        (date_parts(), zone()).prop_map(|((y, m, d), z)| format!("{}-{m:02}-{d:02}{z}", format_year(y))).boxed()
    }
}

impl Lexicon for xsd::Time {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        (clock(), zone()).prop_map(|(t, z)| format!("{t}{z}")).boxed()
    }
}

impl Lexicon for xsd::GYear {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        (year(), zone()).prop_map(|(y, z)| format!("{}{z}", format_year(y))).boxed()
    }
}

impl Lexicon for xsd::GYearMonth {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        (year(), 1u32..=12, zone()).prop_map(|(y, m, z)| format!("{}-{m:02}{z}", format_year(y))).boxed()
    }
}

impl Lexicon for xsd::GMonth {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        (1u32..=12, zone()).prop_map(|(m, z)| format!("--{m:02}{z}")).boxed()
    }
}

impl Lexicon for xsd::GMonthDay {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        // Any leap year is possible, so February 29 exists.
        (1u32..=12, 1u32..=31, zone()).prop_map(|(m, d, z)| format!("--{m:02}-{:02}{z}", d.min(days_in(2000, m)))).boxed()
    }
}

impl Lexicon for xsd::GDay {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        (1u32..=31, zone()).prop_map(|(d, z)| format!("---{d:02}{z}")).boxed()
    }
}

impl Lexicon for xsd::Duration {
    fn lexical(_: &Facets) -> BoxedStrategy<String> {
        let part = || proptest::option::weighted(0.4, prop_oneof![4 => 0u64..100, 1 => 0u64..10_000_000]);
        let seconds = proptest::option::weighted(0.4, (0u64..100, prop_oneof![2 => Just(String::new()), 1 => "\\.[0-9]{1,9}"]));
        (proptest::bool::weighted(0.3), part(), part(), part(), part(), part(), seconds)
            .prop_map(|(neg, y, mo, d, h, mi, s)| {
                let mut out = String::from(if neg { "-P" } else { "P" });
                for (v, unit) in [(y, 'Y'), (mo, 'M'), (d, 'D')] {
                    if let Some(v) = v {
                        out.push_str(&format!("{v}{unit}"));
                    }
                }
                if h.is_some() || mi.is_some() || s.is_some() {
                    out.push('T');
                    for (v, unit) in [(h, 'H'), (mi, 'M')] {
                        if let Some(v) = v {
                            out.push_str(&format!("{v}{unit}"));
                        }
                    }
                    if let Some((s, frac)) = s {
                        out.push_str(&format!("{s}{frac}S"));
                    }
                }
                if out.ends_with('P') {
                    out.push_str("0D");
                }
                out
            })
            .boxed()
    }
}

// ---------------------------------------------------------------------------------------
// Binary.

fn octets(f: &Facets) -> BoxedStrategy<Vec<u8>> {
    let (lo, hi) = f.lengths(48);
    prop_oneof![
        4 => vec(any::<u8>(), lo..=hi),
        1 => (lo..=hi).prop_map(|n| vec![0xFF; n]),
    ]
    .boxed()
}

/// Standard base64 with padding (written here so that the decoder is not checked against
/// its own encoder).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Lexicon for xsd::Base64Binary {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        (octets(f), 0..4u8)
            .prop_map(|(bytes, style)| {
                let text = base64(&bytes);
                match style {
                    // Line-wrapped as MIME writes it, and spaced as XSD allows.
                    0 => text.as_bytes().chunks(8).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join("\n"),
                    1 => format!("  {text}\n"),
                    _ => text,
                }
            })
            .boxed()
    }
}

impl Lexicon for xsd::HexBinary {
    fn lexical(f: &Facets) -> BoxedStrategy<String> {
        (octets(f), proptest::bool::ANY)
            .prop_map(|(bytes, upper)| {
                bytes.iter().map(|b| if upper { format!("{b:02X}") } else { format!("{b:02x}") }).collect::<String>()
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsd::Lexical;
    use proptest::test_runner::{Config, TestRunner};

    /// Every candidate the datatype accepts formats and parses back to an equal value.
    fn round_trips<C>(name: &str)
    where
        C: Codec + Lexicon,
        C::Value: Debug + PartialEq + 'static,
    {
        let mut runner = TestRunner::new(Config { cases: 2000, failure_persistence: None, ..Config::default() });
        runner
            .run(&builtin::<C>(), |v| {
                let mut text = String::new();
                C::write(&v, &mut text, &mut Writer::new()).map_err(|e| TestCaseError::fail(format!("{name}: {v:?} not written: {e}")))?;
                let back =
                    C::parse(&text, &standalone()).map_err(|e| TestCaseError::fail(format!("{name}: '{text}' not read back: {e}")))?;
                prop_assert_eq!(&back, &v, "{} written as '{}'", name, text);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn every_builtin_round_trips() {
        round_trips::<String>("string");
        round_trips::<codecs::NormalizedString>("normalizedString");
        round_trips::<codecs::Token>("token");
        round_trips::<codecs::Language>("language");
        round_trips::<codecs::Name>("Name");
        round_trips::<codecs::NcName>("NCName");
        round_trips::<codecs::NmToken>("NMTOKEN");
        round_trips::<codecs::NmTokens>("NMTOKENS");
        round_trips::<codecs::AnyUri>("anyURI");
        round_trips::<bool>("boolean");
        round_trips::<i8>("byte");
        round_trips::<i64>("long");
        round_trips::<u64>("unsignedLong");
        round_trips::<xsd::Integer>("integer");
        round_trips::<codecs::NegativeInteger>("negativeInteger");
        round_trips::<codecs::NonNegativeInteger>("nonNegativeInteger");
        round_trips::<xsd::Decimal>("decimal");
        round_trips::<f32>("float");
        round_trips::<f64>("double");
        round_trips::<xsd::DateTime>("dateTime");
        round_trips::<xsd::Date>("date");
        round_trips::<xsd::Time>("time");
        round_trips::<xsd::GYear>("gYear");
        round_trips::<xsd::GYearMonth>("gYearMonth");
        round_trips::<xsd::GMonth>("gMonth");
        round_trips::<xsd::GMonthDay>("gMonthDay");
        round_trips::<xsd::GDay>("gDay");
        round_trips::<xsd::Duration>("duration");
        round_trips::<xsd::Base64Binary>("base64Binary");
        round_trips::<xsd::HexBinary>("hexBinary");
    }

    /// Most candidates are valid: a lexicon that mostly misses would test little.
    #[test]
    fn lexicons_mostly_hit() {
        fn hit_rate<C: Codec + Lexicon>() -> f64 {
            let mut runner = TestRunner::deterministic();
            let s = C::lexical(&Facets::NONE);
            let hits = (0..1000).filter(|_| C::parse(&s.new_tree(&mut runner).unwrap().current(), &standalone()).is_ok()).count();
            hits as f64 / 1000.0
        }
        for (name, rate) in [
            ("dateTime", hit_rate::<xsd::DateTime>()),
            ("duration", hit_rate::<xsd::Duration>()),
            ("decimal", hit_rate::<xsd::Decimal>()),
            ("double", hit_rate::<f64>()),
            ("NCName", hit_rate::<codecs::NcName>()),
            ("anyURI", hit_rate::<codecs::AnyUri>()),
            ("int", hit_rate::<i32>()),
        ] {
            assert!(rate > 0.9, "{name}: only {rate} of the candidates are valid");
        }
    }

    /// The edges XML cannot carry are refused: leap seconds, the year 0000, hours past 24:00.
    #[test]
    fn dates_past_the_edges_are_refused() {
        let mut runner = TestRunner::new(Config { cases: 500, failure_persistence: None, ..Config::default() });
        runner
            .run(&(date_parts(), 0u32..24, 0u32..60, zone()), |((y, m, d), h, mi, z)| {
                let leap = format!("{}-{m:02}-{d:02}T{h:02}:{mi:02}:60{z}", format_year(y));
                prop_assert!(xsd::DateTime::parse_lexical(&leap).is_err(), "{} accepted", leap);
                let zero = format!("0000-{m:02}-{d:02}T{h:02}:{mi:02}:00{z}");
                prop_assert!(xsd::DateTime::parse_lexical(&zero).is_err(), "{} accepted", zero);
                let late = format!("{}-{m:02}-{d:02}T24:{:02}:00{z}", format_year(y), mi.max(1));
                prop_assert!(xsd::DateTime::parse_lexical(&late).is_err(), "{} accepted", late);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        for bad in ["2023-02-29", "1900-02-29", "-0001-02-29", "2024-04-31", "2024-13-01"] {
            assert!(xsd::Date::parse_lexical(bad).is_err(), "{bad} accepted");
        }
        for good in ["2024-02-29", "2000-02-29", "-0004-02-29", "-0001-01-01", "12345-06-07"] {
            assert!(xsd::Date::parse_lexical(good).is_ok(), "{good} refused");
        }
        for bad in ["+14:01", "-14:30", "+15:00"] {
            assert!(xsd::Time::parse_lexical(&format!("12:00:00{bad}")).is_err(), "offset {bad} accepted");
        }
    }

    /// `NaN` is never generated (it is not equal to itself) but does round-trip as text.
    #[test]
    fn nan_round_trips_as_text() {
        let v = f64::parse_lexical("NaN").unwrap();
        assert!(v.is_nan());
        let mut text = String::new();
        v.write_lexical(&mut text);
        assert_eq!(text, "NaN");
    }
}
