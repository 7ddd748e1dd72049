//! Cycle-breaking pass: a type that contains itself by value (through required or optional
//! members, directly or through other types) cannot be a Rust struct. A depth-first walk in
//! type-id order boxes exactly the members on its back edges, which breaks every cycle;
//! repeated members live in a `Vec` and need no box.

use crate::ir::*;

/// Marks the members that must be boxed.
pub fn break_cycles(ir: &mut Ir) {
    let n = ir.types.len();
    let mut state = vec![State::New; n];
    let mut to_box: Vec<(TypeId, usize)> = Vec::new();
    for root in 0..n {
        if state[root] == State::New {
            visit(ir, root, &mut state, &mut to_box);
        }
    }
    for (t, i) in to_box {
        if let Some(g) = group_mut(&mut ir.types[t].kind) {
            g.members[i].boxed = true;
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    OnStack,
    Done,
}

fn group(kind: &TypeKind) -> Option<&Group> {
    match kind {
        TypeKind::Complex(ComplexDef { content: Content::Elements(g), .. }) | TypeKind::Sequence(g) | TypeKind::Choice(g) => Some(g),
        _ => None,
    }
}

fn group_mut(kind: &mut TypeKind) -> Option<&mut Group> {
    match kind {
        TypeKind::Complex(ComplexDef { content: Content::Elements(g), .. }) | TypeKind::Sequence(g) | TypeKind::Choice(g) => Some(g),
        _ => None,
    }
}

/// Iterative DFS (schemas can nest deeply).
fn visit(ir: &Ir, root: TypeId, state: &mut [State], to_box: &mut Vec<(TypeId, usize)>) {
    // Stack of (type, next member index).
    let mut stack: Vec<(TypeId, usize)> = vec![(root, 0)];
    state[root] = State::OnStack;
    while let Some(&mut (t, ref mut i)) = stack.last_mut() {
        let members = group(&ir.types[t].kind).map_or(&[][..], |g| g.members.as_slice());
        if *i >= members.len() {
            state[t] = State::Done;
            stack.pop();
            continue;
        }
        let idx = *i;
        *i += 1;
        let m = &members[idx];
        if m.occurs.shape() == Shape::Many {
            continue;
        }
        let target = match &m.term {
            MemberTerm::Element(e) => e.ty,
            MemberTerm::Group(g) => *g,
            MemberTerm::Any(_) => continue,
        };
        if group(&ir.types[target].kind).is_none() {
            continue;
        }
        match state[target] {
            State::OnStack => to_box.push((t, idx)),
            State::New => {
                state[target] = State::OnStack;
                stack.push((target, 0));
            }
            State::Done => {}
        }
    }
}
