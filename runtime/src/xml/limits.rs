//! Limits on what one document may make the reader do.
//!
//! Every request a server receives and every response a client gets is untrusted. The size
//! of the whole document is bounded by the transport (a server's
//! [`body_limit`](crate::http::server::SoapRouter::body_limit), a client's
//! [`max_response_size`](crate::http::HttpTransportBuilder::max_response_size)); these bound
//! what is inside it. Each exceeded limit is a [`DecodeErrorKind::LimitExceeded`] error at the
//! place where the document went past it, found while reading (nothing beyond that place is
//! read, nothing decoded is kept): a server answers it with the fault its policy gives for a
//! malformed request, a client returns it as [`ClientError::Decode`](crate::client::ClientError).
//!
//! The defaults are far above what real SOAP traffic needs and low enough that no document
//! within them costs more than time linear in its size.
//!
//! [`DecodeErrorKind::LimitExceeded`]: super::DecodeErrorKind::LimitExceeded

/// The limits a [`Reader`](super::Reader) enforces. Build one from [`Limits::default`] and
/// lower (or raise) what you need:
///
/// ```
/// use soapkit::xml::Limits;
/// let strict = Limits::default().with_depth(32).with_elements(10_000).with_text_bytes(64 * 1024);
/// assert_eq!(strict.depth(), 32);
/// assert_eq!(strict.attributes(), Limits::default().attributes());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    depth: u32,
    attributes: u32,
    name_bytes: u32,
    text_bytes: usize,
    attribute_bytes: usize,
    elements: u64,
}

/// The deepest element nesting a reader can be allowed, whatever its [`Limits`]: decoding
/// recurses once per level (generated types, captured `xs:any` content), so a deeper
/// document could exhaust a thread's stack. Real SOAP messages stay far below it.
pub const MAX_DEPTH: u32 = 256;

impl Limits {
    /// The defaults: nesting [`MAX_DEPTH`] deep, 256 attributes per element (namespace
    /// declarations included), names of 1 KiB, text of 16 MiB per element, attribute values
    /// of 64 KiB, 250 000 elements (a 4 MiB request of empty elements is refused in tens of
    /// milliseconds, and captured `xs:any` content stays within tens of megabytes).
    pub const DEFAULT: Limits = Limits {
        depth: MAX_DEPTH,
        attributes: 256,
        name_bytes: 1024,
        text_bytes: 16 * 1024 * 1024,
        attribute_bytes: 64 * 1024,
        elements: 250_000,
    };

    /// The deepest element nesting (the root element is at depth 1). Values above
    /// [`MAX_DEPTH`] are taken as [`MAX_DEPTH`].
    #[must_use]
    pub const fn with_depth(mut self, depth: u32) -> Self {
        self.depth = if depth > MAX_DEPTH { MAX_DEPTH } else { depth };
        self
    }

    /// The most attributes on one start tag, namespace declarations included.
    #[must_use]
    pub const fn with_attributes(mut self, attributes: u32) -> Self {
        self.attributes = attributes;
        self
    }

    /// The longest element or attribute name, prefix included, in bytes.
    #[must_use]
    pub const fn with_name_bytes(mut self, bytes: u32) -> Self {
        self.name_bytes = bytes;
        self
    }

    /// The longest character content of one element, in bytes after entity and character
    /// references are resolved (all its text, CDATA sections and references together).
    #[must_use]
    pub const fn with_text_bytes(mut self, bytes: usize) -> Self {
        self.text_bytes = bytes;
        self
    }

    /// The longest attribute value (namespace declarations included), in bytes as written,
    /// between its quotes.
    #[must_use]
    pub const fn with_attribute_bytes(mut self, bytes: usize) -> Self {
        self.attribute_bytes = bytes;
        self
    }

    /// The most elements in one document.
    #[must_use]
    pub const fn with_elements(mut self, elements: u64) -> Self {
        self.elements = elements;
        self
    }

    /// See [`Limits::with_depth`].
    pub const fn depth(&self) -> u32 {
        self.depth
    }

    /// See [`Limits::with_attributes`].
    pub const fn attributes(&self) -> u32 {
        self.attributes
    }

    /// See [`Limits::with_name_bytes`].
    pub const fn name_bytes(&self) -> u32 {
        self.name_bytes
    }

    /// See [`Limits::with_text_bytes`].
    pub const fn text_bytes(&self) -> usize {
        self.text_bytes
    }

    /// See [`Limits::with_attribute_bytes`].
    pub const fn attribute_bytes(&self) -> usize {
        self.attribute_bytes
    }

    /// See [`Limits::with_elements`].
    pub const fn elements(&self) -> u64 {
        self.elements
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
