//! Root causes. One defect usually breaks many elements after it: an exclusive join that
//! lets two concurrent tokens through one by one makes every element after it carry two
//! tokens, and a join that deadlocks leaves every activity after it dead. The search finds
//! each of those separately; this module traces them back to the element at fault, so that
//! a defect is reported once, at its cause, with the elements it breaks attached.
//!
//! - Lack of synchronisation: the witness run is replayed with a history per token (the
//!   elements it passed). The two tokens that end up on one flow parted at a split (the
//!   last element their histories share) and met again at the *root*: the first element
//!   both passed after parting. Findings with the same root become one.
//! - Improper completion whose two tokens met at such a root is part of that root's
//!   finding too.
//! - Dead activities: an activity that only the element at fault leads to (a deadlocked
//!   join that never fires, or another dead activity) is reported with that element.

use std::collections::HashMap;

use super::explore::{Problem, RawFinding};
use super::net::{Net, PlaceKind};
use crate::model::{ElementId, Model};

/// The elements a token passed, oldest first.
type History = Vec<ElementId>;

fn is_token(kind: PlaceKind) -> bool {
    matches!(
        kind,
        PlaceKind::Flow | PlaceKind::Start | PlaceKind::Running | PlaceKind::EventGateway
    )
}

/// Replays `run`, tracking a history per token. Returns the final tokens and, when the
/// last firing puts a token on a place that holds one, the histories of both.
fn replay(net: &Net, run: &[u32]) -> (Vec<Option<History>>, Option<(History, History)>) {
    let mut marks: Vec<Option<History>> = vec![None; net.places.len()];
    let mut conflict = None;
    for (k, &t) in run.iter().enumerate() {
        let Some(tr) = net.transitions.get(t as usize) else {
            break;
        };
        let joined: &[u32] = tr
            .or_join
            .and_then(|j| net.or_joins.get(j as usize))
            .map_or(&[], |j| &j.ins[..]);
        // The token that goes on: the first flow token consumed (messages only carry the
        // sender's history when nothing else is consumed).
        let mut token: Option<History> = None;
        let mut other: Option<History> = None;
        for &p in tr.pre.iter().chain(joined) {
            if let Some(h) = marks[p as usize].take() {
                if is_token(net.places[p as usize].kind) {
                    token.get_or_insert(h);
                } else {
                    other.get_or_insert(h);
                }
            }
        }
        for &p in &tr.clear {
            marks[p as usize] = None;
        }
        let mut h = token.or(other).unwrap_or_default();
        if h.last() != Some(&tr.node) {
            h.push(tr.node);
        }
        let last = k + 1 == run.len();
        for &p in &tr.post {
            if last && is_token(net.places[p as usize].kind) {
                if let Some(old) = &marks[p as usize] {
                    conflict = Some((old.clone(), h.clone()));
                }
            }
            marks[p as usize] = Some(h.clone());
        }
    }
    (marks, conflict)
}

/// The firings of `run` that the last one depends on: those that produced a token it
/// consumes or the token already on the flow it fills, and so on back. When the reduced
/// search interleaved unrelated branches into the witness, this leaves them out; the
/// result is used only if it replays from an initial marking and still ends in the
/// unsafe firing.
fn causal_core(net: &Net, run: &[u32]) -> Option<Vec<u32>> {
    let n = run.len();
    if n == 0 {
        return None;
    }
    let mut producer: Vec<Option<usize>> = vec![None; net.places.len()];
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, &t) in run.iter().enumerate() {
        let tr = net.transitions.get(t as usize)?;
        let joined: &[u32] = tr
            .or_join
            .and_then(|j| net.or_joins.get(j as usize))
            .map_or(&[], |j| &j.ins[..]);
        for &p in tr.pre.iter().chain(joined) {
            if let Some(e) = producer[p as usize].take() {
                deps[k].push(e);
            }
        }
        if k + 1 == n {
            deps[k].extend(tr.post.iter().filter_map(|&p| producer[p as usize]));
        }
        for &p in &tr.clear {
            producer[p as usize] = None;
        }
        for &p in &tr.post {
            producer[p as usize] = Some(k);
        }
    }
    let mut needed = vec![false; n];
    needed[n - 1] = true;
    for k in (0..n).rev() {
        if needed[k] {
            for &e in &deps[k] {
                needed[e] = true;
            }
        }
    }
    let core: Vec<u32> = run
        .iter()
        .zip(&needed)
        .filter(|(_, keep)| **keep)
        .map(|(&t, _)| t)
        .collect();
    if core.len() == n {
        return None;
    }
    // Replay it with the real rules from each initial marking.
    let words = net.words();
    let mut next = Vec::with_capacity(words);
    'alt: for alt in &net.initial {
        let mut m = vec![0u64; words];
        for &p in alt {
            super::explore::set(&mut m, p);
        }
        for (k, &t) in core.iter().enumerate() {
            let t = t as usize;
            if !super::explore::enabled(net, t, &m) {
                continue 'alt;
            }
            let ok = super::explore::fire(net, t, &m, &mut next).is_ok();
            if ok == (k + 1 == core.len()) {
                continue 'alt;
            }
            std::mem::swap(&mut m, &mut next);
        }
        return Some(core);
    }
    None
}

/// Where two token histories parted (the last element they share from the start) and
/// where they met again (the first element both passed after parting).
fn meet(a: &[ElementId], b: &[ElementId]) -> (Option<ElementId>, Option<ElementId>) {
    let k = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let split = k.checked_sub(1).map(|i| a[i]);
    let (ra, rb) = (&a[k..], &b[k..]);
    let mut first_in_b: HashMap<ElementId, usize> = HashMap::new();
    for (j, &y) in rb.iter().enumerate() {
        first_in_b.entry(y).or_insert(j);
    }
    let root = ra
        .iter()
        .enumerate()
        .filter_map(|(i, x)| first_in_b.get(x).map(|&j| (i + j, i, *x)))
        .min()
        .map(|(_, _, x)| x);
    (split, root)
}

/// Merges lack-of-synchronisation findings that share a root into one finding at the
/// root (with the shortest witness that reaches it), and attaches improper completions
/// caused by the same root.
pub(crate) fn group_lack_of_sync(net: &Net, findings: &mut Vec<RawFinding>) {
    if !findings.iter().any(|f| f.problem == Problem::LackOfSync) {
        return;
    }
    // Root and split of every lack of synchronisation.
    let mut cause: HashMap<usize, (ElementId, Option<ElementId>)> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.problem != Problem::LackOfSync {
            continue;
        }
        let (_, conflict) = replay(net, &f.run);
        let (split, root) = conflict.map_or((None, None), |(a, b)| meet(&a, &b));
        cause.insert(i, (root.unwrap_or(f.element), split));
    }
    let roots: Vec<ElementId> = {
        let mut v: Vec<ElementId> = Vec::new();
        for i in 0..findings.len() {
            if let Some(&(r, _)) = cause.get(&i) {
                if !v.contains(&r) {
                    v.push(r);
                }
            }
        }
        v
    };
    // Improper completions whose two tokens met at one of the roots.
    let mut folded_ends: HashMap<usize, ElementId> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.problem != Problem::ImproperCompletion {
            continue;
        }
        let Some((_, ins)) = net.end_checks.iter().find(|(e, _)| *e == f.element) else {
            continue;
        };
        let (marks, _) = replay(net, &f.run);
        let mut held = ins.iter().filter_map(|&p| marks[p as usize].as_ref());
        if let (Some(a), Some(b)) = (held.next(), held.next()) {
            if let (_, Some(r)) = meet(a, b) {
                if r != f.element && roots.contains(&r) {
                    folded_ends.insert(i, r);
                }
            }
        }
    }
    let old = std::mem::take(findings);
    let mut groups: HashMap<ElementId, usize> = HashMap::new();
    let mut out: Vec<RawFinding> = Vec::new();
    // Members of each root, in the order found (shortest witnesses first: BFS order).
    let mut members: HashMap<ElementId, Vec<usize>> = HashMap::new();
    for (i, _) in old.iter().enumerate() {
        if let Some(&(r, _)) = cause.get(&i) {
            members.entry(r).or_default().push(i);
        }
    }
    for (i, f) in old.iter().enumerate() {
        if folded_ends.contains_key(&i) {
            continue;
        }
        let Some(&(root, _)) = cause.get(&i) else {
            out.push(f.clone());
            continue;
        };
        if groups.contains_key(&root) {
            continue;
        }
        let group = &members[&root];
        let rep = group
            .iter()
            .copied()
            .filter(|&m| old[m].element == root)
            .min_by_key(|&m| old[m].trace.len())
            .or_else(|| group.iter().copied().min_by_key(|&m| old[m].trace.len()))
            .unwrap_or(i);
        let (mut trace, run) = match causal_core(net, &old[rep].run) {
            Some(core) => (
                core.iter()
                    .map(|&t| net.transitions[t as usize].node)
                    .collect::<Vec<_>>(),
                core,
            ),
            None => (old[rep].trace.clone(), old[rep].run.clone()),
        };
        if old[rep].element != root {
            // End the witness where the tokens met the second time.
            if let Some(k) = trace.iter().rposition(|&e| e == root) {
                trace.truncate(k + 1);
            } else {
                trace.push(root);
            }
        }
        let mut affected: Vec<(Problem, ElementId)> = Vec::new();
        for &m in group {
            let e = old[m].element;
            if e != root && !affected.iter().any(|&(_, x)| x == e) {
                affected.push((Problem::LackOfSync, e));
            }
        }
        for (&k, &r) in &folded_ends {
            if r == root {
                affected.push((Problem::ImproperCompletion, old[k].element));
            }
        }
        affected.sort_by_key(|&(p, _)| p);
        groups.insert(root, out.len());
        out.push(RawFinding {
            problem: Problem::LackOfSync,
            element: root,
            // A split is named when the tokens parted before the root (not when the
            // root itself sends tokens round a loop back to itself).
            related: cause[&rep].1.filter(|&s| s != root).into_iter().collect(),
            trace,
            run,
            affected,
        });
    }
    *findings = out;
}

/// Over-approximated reachability: a transition fires when any place it consumes is
/// reached. Transitions of `force` fire unconditionally; transitions of `exclude` (its
/// own, and those consuming a place it waits at) never fire. Returns the activities
/// started.
fn reach(
    net: &Net,
    consumers: &[Vec<u32>],
    seeds: &[u32],
    force: Option<ElementId>,
    exclude: Option<ElementId>,
) -> Vec<bool> {
    let excluded = |t: usize| {
        let tr = &net.transitions[t];
        exclude.is_some_and(|x| {
            tr.node == x
                || tr
                    .pre
                    .iter()
                    .any(|&p| net.places[p as usize].waiter == Some(x))
        })
    };
    let mut marked = vec![false; net.places.len()];
    let mut done = vec![false; net.transitions.len()];
    let mut queue: Vec<u32> = Vec::new();
    let mut fire = |t: usize, marked: &mut Vec<bool>, queue: &mut Vec<u32>| {
        if done[t] || excluded(t) {
            return;
        }
        done[t] = true;
        for &p in &net.transitions[t].post {
            if !marked[p as usize] {
                marked[p as usize] = true;
                queue.push(p);
            }
        }
    };
    for &p in seeds {
        if !marked[p as usize] {
            marked[p as usize] = true;
            queue.push(p);
        }
    }
    for (t, tr) in net.transitions.iter().enumerate() {
        if (tr.pre.is_empty() && tr.or_join.is_none()) || force == Some(tr.node) {
            fire(t, &mut marked, &mut queue);
        }
    }
    while let Some(p) = queue.pop() {
        for &t in &consumers[p as usize] {
            fire(t as usize, &mut marked, &mut queue);
        }
    }
    net.transitions
        .iter()
        .zip(done)
        .map(|(tr, d)| d && tr.activity.is_some())
        .collect()
}

/// Attaches dead activities to the element that keeps them from running: a deadlocked
/// element that never fires, or another dead activity, when every way to them leads
/// through it.
pub(crate) fn fold_dead_activities(
    model: &Model,
    net: &Net,
    findings: &mut Vec<RawFinding>,
    fired: &[bool],
) {
    let dead: Vec<usize> = (0..findings.len())
        .filter(|&i| findings[i].problem == Problem::DeadActivity)
        .collect();
    if dead.is_empty() {
        return;
    }
    let mut fired_nodes = std::collections::HashSet::new();
    for (t, f) in fired.iter().enumerate() {
        if *f {
            fired_nodes.insert(net.transitions[t].node);
        }
    }
    let mut consumers: Vec<Vec<u32>> = vec![Vec::new(); net.places.len()];
    for (t, tr) in net.transitions.iter().enumerate() {
        let t = u32::try_from(t).unwrap_or(u32::MAX);
        let joined: &[u32] = tr
            .or_join
            .and_then(|j| net.or_joins.get(j as usize))
            .map_or(&[], |j| &j.ins[..]);
        for &p in tr.pre.iter().chain(joined) {
            consumers[p as usize].push(t);
        }
    }
    let initial: Vec<u32> = net.initial.iter().flatten().copied().collect();
    let mut candidates: Vec<usize> = (0..findings.len())
        .filter(|&i| {
            findings[i].problem == Problem::Deadlock && !fired_nodes.contains(&findings[i].element)
        })
        .collect();
    candidates.extend(&dead);
    let mut folded = vec![false; findings.len()];
    for &x in &candidates {
        if folded[x] {
            continue;
        }
        let el = findings[x].element;
        let mut seeds = initial.clone();
        seeds.extend(
            (0..net.places.len())
                .filter(|&p| {
                    net.places[p].waiter == Some(el)
                        && matches!(net.places[p].kind, PlaceKind::Flow | PlaceKind::Start)
                })
                .filter_map(|p| u32::try_from(p).ok()),
        );
        let without = reach(net, &consumers, &seeds, None, Some(el));
        // As if the element ran: its outgoing flows are reached too (an activity without
        // incoming flows has no transition to force).
        let outgoing = &model.el(el).links.outgoing;
        seeds.extend(
            (0..net.places.len())
                .filter(|&p| {
                    net.places[p].kind == PlaceKind::Flow && outgoing.contains(&net.places[p].el)
                })
                .filter_map(|p| u32::try_from(p).ok()),
        );
        let with = reach(net, &consumers, &seeds, Some(el), None);
        let runs = |started: &[bool], a: ElementId| {
            net.transitions
                .iter()
                .enumerate()
                .any(|(t, tr)| started[t] && tr.activity == Some(a))
        };
        for &y in &dead {
            if y == x || folded[y] {
                continue;
            }
            let a = findings[y].element;
            if runs(&with, a) && !runs(&without, a) {
                folded[y] = true;
                let mut moved = vec![(Problem::DeadActivity, a)];
                moved.append(&mut findings[y].affected);
                findings[x].affected.extend(moved);
            }
        }
    }
    let mut i = 0;
    findings.retain(|_| {
        i += 1;
        !folded[i - 1]
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_meet_after_parting() {
        let e = ElementId;
        // s -> split -> a -> join -> x  and  s -> split -> b -> join -> x
        let a = [e(1), e(2), e(3), e(5), e(6)];
        let b = [e(1), e(2), e(4), e(5), e(6)];
        assert_eq!(meet(&a, &b), (Some(e(2)), Some(e(5))));
        // After the join the tokens take different branches and meet again later: the
        // root is still the first meeting.
        let a = [e(1), e(2), e(3), e(5), e(7), e(9)];
        let b = [e(1), e(2), e(4), e(5), e(8), e(9)];
        assert_eq!(meet(&a, &b), (Some(e(2)), Some(e(5))));
        // Tokens from two initial places never shared anything.
        assert_eq!(meet(&[e(3), e(5)], &[e(4), e(5)]), (None, Some(e(5))));
    }
}
