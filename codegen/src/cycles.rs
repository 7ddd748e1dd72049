//! Cycle-breaking pass: a type that contains itself by value (through required or optional
//! members, directly or through other types) cannot be a Rust struct. A depth-first walk in
//! type-id order boxes exactly the members on its back edges, which breaks every cycle;
//! repeated members live in a `Vec` and need no box. A polymorphic type holds its variants by
//! value, so the same applies to them.

use crate::ir::*;

/// Marks the members (and polymorphic variants) that must be boxed.
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
        match &mut ir.types[t].kind {
            TypeKind::Complex(ComplexDef { content: Content::Elements(g), .. }) | TypeKind::Sequence(g) | TypeKind::Choice(g) => {
                g.members[i].boxed = true;
            }
            TypeKind::Polymorphic(p) => p.variants[i].boxed = true,
            _ => {}
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    OnStack,
    Done,
}

/// A type held by value, and the index of the member or variant holding it.
type Edge = (TypeId, usize);

/// The types `t` holds by value: what a cycle of boxes must break.
fn edges(ir: &Ir, t: TypeId) -> Vec<Edge> {
    match &ir.types[t].kind {
        TypeKind::Complex(ComplexDef { content: Content::Elements(g), .. }) | TypeKind::Sequence(g) | TypeKind::Choice(g) => g
            .members
            .iter()
            .enumerate()
            // Repeated members live in a `Vec` already.
            .filter(|(_, m)| m.occurs.shape() != Shape::Many)
            .filter_map(|(i, m)| match &m.term {
                MemberTerm::Element(e) => Some((e.ty, i)),
                MemberTerm::Group(g) => Some((*g, i)),
                MemberTerm::Any(_) => None,
            })
            .collect(),
        TypeKind::Polymorphic(p) => p.variants.iter().enumerate().map(|(i, v)| (v.ty, i)).collect(),
        _ => Vec::new(),
    }
}

/// Iterative DFS (schemas can nest deeply).
fn visit(ir: &Ir, root: TypeId, state: &mut [State], to_box: &mut Vec<Edge>) {
    // Stack of (type, its edges, next edge index).
    let mut stack: Vec<(TypeId, Vec<Edge>, usize)> = vec![(root, edges(ir, root), 0)];
    state[root] = State::OnStack;
    while let Some((t, out, i)) = stack.last_mut() {
        let Some(&(target, slot)) = out.get(*i) else {
            state[*t] = State::Done;
            stack.pop();
            continue;
        };
        *i += 1;
        let t = *t;
        match state[target] {
            State::OnStack => to_box.push((t, slot)),
            State::New => {
                state[target] = State::OnStack;
                stack.push((target, edges(ir, target), 0));
            }
            State::Done => {}
        }
    }
}
