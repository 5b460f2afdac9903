//! Grouping mail into threads: Jamie Zawinski's threading algorithm
//! (<https://www.jwz.org/doc/threading.html>), as mail readers and list archives use it.
//!
//! A message names its ancestors in `References` (oldest first, its parent last) and its
//! parent in `In-Reply-To`. Every Message-ID gets a *container*, whether or not the file
//! holds that message: a reply whose parent is missing still hangs under the parent's
//! empty container, so two replies to the same missing message stay one thread.
//!
//! 1. For each message, link the containers its references name, each a child of the one
//!    before, never adding a link that would close a loop (`References` can lie, and mail
//!    that references itself or its descendants exists); then make the message a child of
//!    its last reference, replacing a parent presumed from another message's references.
//! 2. The threads are the trees under the containers without a parent.
//! 3. Empty containers are pruned: a message's parent is its nearest ancestor that holds a
//!    message, and an empty root stays only to hold two or more children together.
//! 4. Only as a fallback, a thread whose root has no `References` or `In-Reply-To` at all
//!    but whose subject says it is a reply (`Re: ...`) joins the thread with the same
//!    normalised subject, as a guessed reply to its root. Messages that keep their headers
//!    are never regrouped by subject: two different threads may well share one.
//!
//! The algorithm here works on the tree without rebuilding it: pruning only changes which
//! ancestor counts as the parent, so it is computed per message, iteratively (reply chains
//! can be thousands deep).

use std::collections::HashMap;

use jiff::Timestamp;

/// What threading needs to know of one message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Envelope {
    /// The Message-ID, without angle brackets.
    pub id: Option<String>,
    /// The messages this one follows up, oldest first: `References`, then the parent from
    /// `In-Reply-To` if `References` did not end with it.
    pub references: Vec<String>,
    /// The normalised subject, compared case-insensitively.
    pub subject: String,
    /// The subject had a reply prefix (`Re:`, `AW:`, ...).
    pub reply_subject: bool,
    pub date: Option<Timestamp>,
}

/// One message's place in its thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// The message's index in the input.
    pub message: usize,
    /// The index of the message it answers, when that message is in the same thread.
    pub parent: Option<usize>,
    /// The parent was guessed from the subject, not stated by headers.
    pub guessed: bool,
}

/// A thread: its messages, parents before children, siblings in date order (then input
/// order). Threads come in the order of their first message's date (then input order).
pub type Thread = Vec<Member>;

struct Container {
    message: Option<usize>,
    parent: Option<usize>,
}

/// Threads the messages. Every message is in exactly one thread.
pub fn thread(messages: &[Envelope]) -> Vec<Thread> {
    let mut containers: Vec<Container> = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut own: Vec<usize> = Vec::with_capacity(messages.len());

    fn container_for<'a>(id: &'a str, containers: &mut Vec<Container>, by_id: &mut HashMap<&'a str, usize>) -> usize {
        *by_id.entry(id).or_insert_with(|| {
            containers.push(Container { message: None, parent: None });
            containers.len() - 1
        })
    }

    // Step 1: containers and the links references state.
    for (i, message) in messages.iter().enumerate() {
        let this = match message.id.as_deref() {
            Some(id) => {
                let c = container_for(id, &mut containers, &mut by_id);
                if containers[c].message.is_none() {
                    c
                } else {
                    // A duplicate Message-ID: keep both messages, the second in a container
                    // of its own rather than overwriting the first.
                    containers.push(Container { message: None, parent: None });
                    containers.len() - 1
                }
            }
            None => {
                containers.push(Container { message: None, parent: None });
                containers.len() - 1
            }
        };
        containers[this].message = Some(i);
        own.push(this);

        let refs: Vec<usize> = message
            .references
            .iter()
            .filter(|r| Some(r.as_str()) != message.id.as_deref())
            .map(|r| container_for(r, &mut containers, &mut by_id))
            .collect();
        for pair in refs.windows(2) {
            let (parent, child) = (pair[0], pair[1]);
            if containers[child].parent.is_none() && !would_loop(&containers, parent, child) {
                containers[child].parent = Some(parent);
            }
        }
        // The message's own references are the best word on its parent. A message without
        // any keeps a parent presumed from others' references: its headers may have been
        // stripped (digests, pipermail) while its replies still name its ancestors.
        if let Some(&parent) = refs.last() {
            let old = containers[this].parent.take();
            if !would_loop(&containers, parent, this) {
                containers[this].parent = Some(parent);
            } else {
                containers[this].parent = old;
            }
        }
    }

    // Steps 2 and 3: every container's root and nearest ancestor holding a message.
    let (root, real_parent) = roots_and_parents(&containers);

    // Step 4: headerless replies join the thread of their subject.
    // The first message of each tree: dated ones by date, the input order breaking ties
    // and placing undated ones.
    let sort_key = |i: usize| (messages[i].date.is_none(), messages[i].date, i);
    let mut first: HashMap<usize, usize> = HashMap::new();
    for (i, &c) in own.iter().enumerate() {
        let best = first.entry(root[c]).or_insert(i);
        if sort_key(i) < sort_key(*best) {
            *best = i;
        }
    }
    let orphan_reply = |r: usize| {
        containers[r].message.is_some_and(|m| messages[m].references.is_empty() && messages[m].reply_subject)
    };
    let mut by_subject: HashMap<String, Vec<usize>> = HashMap::new();
    for (&r, &f) in &first {
        let subject = &messages[containers[r].message.unwrap_or(f)].subject;
        if !subject.is_empty() {
            by_subject.entry(subject.to_lowercase()).or_default().push(r);
        }
    }
    let mut host_of_root: HashMap<usize, usize> = HashMap::new();
    for roots in by_subject.values() {
        let by_first = |r: &&usize| sort_key(first[*r]);
        let host = roots
            .iter()
            .filter(|&&r| !orphan_reply(r))
            .min_by_key(by_first)
            .or_else(|| roots.iter().min_by_key(by_first));
        if let Some(&host) = host {
            for &r in roots.iter().filter(|&&r| r != host && orphan_reply(r)) {
                host_of_root.insert(r, host);
            }
        }
    }

    // Gather members per thread.
    let mut threads: HashMap<usize, Vec<Member>> = HashMap::new();
    for (i, &c) in own.iter().enumerate() {
        let r = root[c];
        let stated = real_parent[c].and_then(|p| containers[p].message);
        let (thread_root, parent, guessed) = match host_of_root.get(&r) {
            Some(&host) if r == c => {
                let parent = containers[host].message;
                (host, parent, parent.is_some())
            }
            Some(&host) => (host, stated, false),
            None => (r, stated, false),
        };
        threads.entry(thread_root).or_default().push(Member { message: i, parent, guessed });
    }
    let mut out: Vec<Thread> = threads.into_values().map(|members| order(members, messages)).collect();
    out.sort_by_key(|t| t.iter().map(|m| sort_key(m.message)).min());
    out
}

/// Whether making `parent` the parent of `child` would close a loop: `child` is `parent`
/// or one of its ancestors.
fn would_loop(containers: &[Container], parent: usize, child: usize) -> bool {
    let mut at = Some(parent);
    // Links never form a loop, so the walk ends; the bound is a second guard.
    for _ in 0..=containers.len() {
        match at {
            Some(c) if c == child => return true,
            Some(c) => at = containers[c].parent,
            None => return false,
        }
    }
    true
}

/// For every container: the root of its tree, and its nearest ancestor that holds a
/// message. Each chain is walked once: values found are remembered for the containers
/// passed on the way.
fn roots_and_parents(containers: &[Container]) -> (Vec<usize>, Vec<Option<usize>>) {
    const UNKNOWN: usize = usize::MAX;
    let mut root = vec![UNKNOWN; containers.len()];
    let mut real: Vec<Option<usize>> = vec![None; containers.len()];
    let mut done = vec![false; containers.len()];
    for start in 0..containers.len() {
        let mut path = Vec::new();
        let mut at = start;
        while !done[at] {
            path.push(at);
            match containers[at].parent {
                Some(p) => at = p,
                None => {
                    root[at] = at;
                    real[at] = None;
                    done[at] = true;
                    path.pop();
                    break;
                }
            }
        }
        // Fill in from the top down: each container's parent is already known.
        for &c in path.iter().rev() {
            let Some(p) = containers[c].parent else { continue };
            root[c] = root[p];
            real[c] = if containers[p].message.is_some() { Some(p) } else { real[p] };
            done[c] = true;
        }
    }
    (root, real)
}

/// Orders a thread's members depth-first: parents before children, siblings by date (then
/// input order).
fn order(mut members: Vec<Member>, messages: &[Envelope]) -> Thread {
    let key = |m: &Member| (messages[m.message].date.is_none(), messages[m.message].date, m.message);
    members.sort_by_key(key);
    let mut children: HashMap<Option<usize>, Vec<Member>> = HashMap::new();
    for m in &members {
        children.entry(m.parent).or_default().push(*m);
    }
    let mut out = Vec::with_capacity(members.len());
    let mut stack: Vec<Member> = children.remove(&None).unwrap_or_default().into_iter().rev().collect();
    while let Some(m) = stack.pop() {
        out.push(m);
        if let Some(kids) = children.remove(&Some(m.message)) {
            stack.extend(kids.into_iter().rev());
        }
    }
    // Members whose parent is not in the thread (cannot happen with the links above, but
    // never drop a message): keep them at the end.
    let mut rest: Vec<Member> = children.into_values().flatten().collect();
    rest.sort_by_key(key);
    out.extend(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: &str, refs: &[&str], subject: &str) -> Envelope {
        let (subject, reply_subject) = match subject.strip_prefix("Re: ") {
            Some(s) => (s, true),
            None => (subject, false),
        };
        Envelope {
            id: (!id.is_empty()).then(|| id.to_owned()),
            references: refs.iter().map(|s| (*s).to_owned()).collect(),
            subject: subject.to_owned(),
            reply_subject,
            date: None,
        }
    }

    /// Threads as lists of (message, parent, guessed) for short assertions.
    fn shape(threads: &[Thread]) -> Vec<Vec<(usize, Option<usize>, bool)>> {
        threads.iter().map(|t| t.iter().map(|m| (m.message, m.parent, m.guessed)).collect()).collect()
    }

    type Case = (&'static str, Vec<Envelope>, Vec<Vec<(usize, Option<usize>, bool)>>);

    #[test]
    fn table() {
        let cases: Vec<Case> = vec![
            (
                "replies by References and In-Reply-To",
                vec![
                    msg("a", &[], "Q"),
                    msg("b", &["a"], "Re: Q"),
                    msg("c", &["a", "b"], "Re: Q"),
                    msg("d", &[], "Other"),
                ],
                vec![vec![(0, None, false), (1, Some(0), false), (2, Some(1), false)], vec![(3, None, false)]],
            ),
            (
                "a missing parent keeps its replies together",
                vec![msg("b", &["gone"], "Re: Q"), msg("c", &["gone"], "Re: Q"), msg("x", &[], "Q")],
                vec![vec![(0, None, false), (1, None, false)], vec![(2, None, false)]],
            ),
            (
                "a missing middle message: the grandparent is the parent",
                vec![msg("a", &[], "Q"), msg("c", &["a", "gone"], "Re: Q")],
                vec![vec![(0, None, false), (1, Some(0), false)]],
            ),
            (
                "a lone reply to a missing message is a thread of its own",
                vec![msg("b", &["gone"], "Re: Q")],
                vec![vec![(0, None, false)]],
            ),
            (
                "References that loop are not followed round",
                vec![msg("a", &["b"], "Q"), msg("b", &["a"], "Re: Q"), msg("c", &["c"], "Self")],
                vec![vec![(1, None, false), (0, Some(1), false)], vec![(2, None, false)]],
            ),
            (
                "a longer cycle through three messages",
                vec![msg("a", &["c", "b"], "Q"), msg("b", &["a", "c"], "Q"), msg("c", &["b", "a"], "Q")],
                vec![vec![(2, None, false), (1, Some(2), false), (0, Some(1), false)]],
            ),
            (
                "duplicate Message-IDs keep both messages",
                vec![msg("a", &[], "Q"), msg("a", &[], "Q again"), msg("b", &["a"], "Re: Q")],
                vec![vec![(0, None, false), (2, Some(0), false)], vec![(1, None, false)]],
            ),
            (
                "headerless replies join the thread of their subject",
                vec![msg("", &[], "Q"), msg("", &[], "Re: Q"), msg("", &[], "Re: q"), msg("", &[], "Re: Other")],
                vec![vec![(0, None, false), (1, Some(0), true), (2, Some(0), true)], vec![(3, None, false)]],
            ),
            (
                "a reply with headers is never moved by subject",
                vec![msg("a", &[], "Q"), msg("b", &["elsewhere"], "Re: Q")],
                vec![vec![(0, None, false)], vec![(1, None, false)]],
            ),
            (
                "two new threads with one subject stay apart",
                vec![msg("a", &[], "Help"), msg("b", &[], "Help")],
                vec![vec![(0, None, false)], vec![(1, None, false)]],
            ),
            (
                "a message without headers keeps the parent its replies name",
                vec![msg("root", &[], "Q"), msg("b", &["root", "p"], "Re: Q"), msg("p", &[], "Re: Q")],
                vec![vec![(0, None, false), (2, Some(0), false), (1, Some(2), false)]],
            ),
            (
                "a headerless reply to a thread whose root is missing joins it unparented",
                vec![msg("b", &["gone"], "Re: Q"), msg("c", &["gone"], "Re: Q"), msg("", &[], "Re: Q")],
                vec![vec![(0, None, false), (1, None, false), (2, None, false)]],
            ),
        ];
        for (name, messages, want) in cases {
            assert_eq!(shape(&thread(&messages)), want, "{name}");
        }
    }

    #[test]
    fn dates_order_threads_and_siblings() {
        let at = |s: &str| Some(s.parse::<Timestamp>().unwrap());
        let mut messages =
            vec![msg("a", &[], "Q"), msg("b", &["a"], "Re: Q"), msg("c", &["a"], "Re: Q"), msg("z", &[], "Z")];
        messages[0].date = at("2020-01-02T00:00:00Z");
        messages[1].date = at("2020-01-04T00:00:00Z");
        messages[2].date = at("2020-01-03T00:00:00Z");
        messages[3].date = at("2020-01-01T00:00:00Z");
        let threads = thread(&messages);
        assert_eq!(
            shape(&threads),
            vec![vec![(3, None, false)], vec![(0, None, false), (2, Some(0), false), (1, Some(0), false)]]
        );
    }

    #[test]
    fn deep_chains_do_not_overflow() {
        let n = 20_000;
        let messages: Vec<Envelope> = (0..n)
            .map(|i| {
                let refs: Vec<String> = if i == 0 { vec![] } else { vec![format!("m{}", i - 1)] };
                Envelope { id: Some(format!("m{i}")), references: refs, ..Envelope::default() }
            })
            .collect();
        let threads = thread(&messages);
        assert_eq!(threads.len(), 1);
        assert_eq!(threads[0].len(), n);
        assert_eq!(threads[0][n - 1].parent, Some(n - 2));
    }
}
