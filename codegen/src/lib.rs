//! soapkit code generator.
