//! Streaming XML: a zero-copy pull reader and a namespace-aware writer, with owned capture of
//! wildcard content. No DOM is built for schema-typed content.

pub mod any;
pub mod error;
pub mod limits;
pub mod ns;
pub mod reader;
mod word;
pub mod writer;

pub use any::{AnyAttribute, AnyElement, AnyNode, Wildcard};
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use limits::{Limits, MAX_DEPTH};
pub use ns::{NsId, NsTable};
pub use reader::{Attr, Node, Reader, Start};
pub use writer::Writer;
