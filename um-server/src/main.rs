//! `um-server`: the reference MS-OXWUMS server (command line in a following change).

fn main() {}
