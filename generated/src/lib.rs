//! MS-OXWUMS bindings.
