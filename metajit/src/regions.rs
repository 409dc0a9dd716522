//! The region policy: which compiled pieces the backend compiles again together, and when.
//!
//! A program's hot path often runs through a cycle of pieces: a loop exits through a guard
//! into its bridge, which jumps to the next loop, whose exit bridge jumps to the next, ... and
//! back to the first. Each crossing is a tail call (a few nanoseconds, many times a short
//! loop's iteration); a backend that supports [`Regions`](crate::backend::Regions) can compile
//! such a cycle into one unit where the crossings are branches.
//!
//! The policy works on the graph of live pieces: an edge from a piece to each bridge attached
//! to one of its guards, *if* that bridge is hot (the backend counts the entries of each
//! bridge's own code), and an edge from a piece to every loop it jumps to. Every strongly
//! connected component of two or more pieces is a candidate region: every member lies on a hot
//! cycle, and every member bridge's guard belongs to a member (a bridge's only way in is its
//! guard). A candidate is compiled when the crossings it would have saved so far pay for its
//! compilation (see [`Policy`]): entries of member bridges that run as their own code, against
//! the region's size in ops. Bridges inlined in a compiled region are not counted any more, so a
//! region is compiled again only when new hot bridges join its cycle and have crossed often
//! enough to pay for the recompilation. The backend dissolves a region whose member is freed
//! or replaced; the policy then sees the cycle as uncompiled and compiles it again.
//!
//! The policy runs now and then when compiled code returns to the driver (every
//! [`CHECK_EVERY`] returns, at most every [`CHECK_INTERVAL`]; it walks every live piece, some
//! microseconds for hundreds of pieces). With the eager test parameters (`trace_eagerness=1`)
//! it looks at every return and compiles a cycle as soon as its bridges have been crossed a few
//! times, so the language test suites run their programs through regions too. The time spent
//! compiling regions is bounded by a fraction of the time spent compiling pieces
//! ([`Policy::budget`]).

use crate::backend::Backend;
use crate::backend::CodeId;
use crate::ir::TargetId;
use crate::log::Category;
use crate::log::Log;
use crate::params::Params;
use crate::pieces::Piece;
use crate::pieces::PieceKind;
use crate::stats::Stats;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Returns from compiled code between two looks at the clock (`16 * trace_eagerness` when that
/// is fewer: every 16 returns with the eager parameters).
pub(crate) const CHECK_EVERY: u32 = 64;

/// The least time between two looks for hot cycles, at `trace_eagerness=200`; proportionally
/// shorter at lower eagerness (1 ms at the default 100).
pub(crate) const CHECK_INTERVAL: Duration = Duration::from_millis(2);

/// The longest wait between two looks, in units of [`CHECK_INTERVAL`].
pub(crate) const MAX_INTERVAL: u32 = 32;

/// The least wait between two looks, in units of what the last look cost: looking for cycles
/// takes at most about 1/20 of the run however eager the parameters and however many pieces
/// there are (with `trace_eagerness=1` and 800 pieces, looking every few microseconds once
/// took over 90% of Mandelbrot's time).
pub(crate) const COST_FACTOR: u32 = 20;

/// The thresholds, in units of `trace_eagerness` (so that eager test runs form regions early).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    /// A bridge entered `hot * trace_eagerness` times is a hot edge of the graph. A component
    /// that is too big or does not pay is split by raising the threshold `4x` at a time.
    pub hot: u64,
    /// A candidate is compiled when its members' counted crossings reach
    /// `payback * (trace_eagerness - 1)` per op of the region: at `trace_eagerness=200` about
    /// 6400 crossings of 2-4 ns per op, several times the ~6 µs compiling an op costs on
    /// Mandelbrot's guard-heavy traces (16, 32 and 128 were measured; 32 did best, within the
    /// noise), half that at the default 100; at `trace_eagerness=1`, as soon as the cycle is
    /// hot.
    pub payback: u64,
    /// The largest region, in ops.
    pub max_ops: usize,
    /// Time spent compiling regions stays below this fraction of the time spent compiling
    /// pieces, plus [`Policy::budget_extra`].
    pub budget: f64,
    /// See [`Policy::budget`].
    pub budget_extra: Duration,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            hot: 4,
            payback: 32,
            max_ops: 20_000,
            budget: 0.5,
            budget_extra: Duration::from_millis(10),
        }
    }
}

/// The policy's state in one JIT instance.
pub(crate) struct RegionState {
    pub policy: Policy,
    ticks: u32,
    last: Option<Instant>,
    /// What the last look cost (walking the pieces and compiling): the next look waits at
    /// least [`COST_FACTOR`] times as long, so looking takes a bounded share of the run.
    cost: Duration,
    /// The current least time between two looks, in units of the base interval: doubles (up
    /// to [`MAX_INTERVAL`]) after each look that compiled nothing, back to 1 when one did.
    backoff: u32,
    /// The backend has no regions (the parameter `regions` is the user's switch).
    off: bool,
    /// Member sets the backend refused (not tried again).
    refused: Vec<Vec<CodeId>>,
    /// Pieces looked at so far (pieces are only ever appended), and what they tell: the piece
    /// owning each guard, the loop piece of each entry label.
    scanned: usize,
    guard_owner: Vec<u32>,
    loop_at: HashMap<TargetId, usize>,
}

impl Default for RegionState {
    fn default() -> RegionState {
        RegionState {
            ticks: 0,
            last: None,
            cost: Duration::ZERO,
            backoff: 1,
            off: false,
            policy: Policy::default(),
            refused: Vec::new(),
            scanned: 0,
            guard_owner: Vec::new(),
            loop_at: HashMap::new(),
        }
    }
}

/// The piece graph of one look: edges to hot bridges (with their counts) and to loops jumped to.
struct Graph {
    /// Per piece: (successor, count); jumps have `u64::MAX`.
    edges: Vec<Vec<(usize, u64)>>,
    count: Vec<u64>,
    ops: Vec<usize>,
    /// The region the piece runs in now (named by its smallest member).
    region: Vec<Option<CodeId>>,
}

/// What a look at the pieces uses besides the policy's own state.
pub(crate) struct LookContext<'a> {
    /// The JIT's parameters.
    pub params: &'a Params,
    /// The backend (it compiles the regions).
    pub backend: &'a mut dyn Backend,
    /// Every piece compiled so far.
    pub pieces: &'a [Piece],
    /// Where the time spent goes.
    pub stats: &'a mut Stats,
    /// The log.
    pub log: &'a Log,
}

impl RegionState {
    /// Called each time compiled code returns to the driver: whether it is time to look for
    /// hot cycles (every [`CHECK_EVERY`] calls, at most every [`CHECK_INTERVAL`], and never
    /// sooner than [`COST_FACTOR`] times what the last look cost).
    pub(crate) fn due(&mut self, params: &Params) -> bool {
        self.ticks += 1;
        // Both scaled by `trace_eagerness` (default 100) so that eager runs look often.
        let eagerness = params.trace_eagerness.max(1);
        if self.off || !params.regions || self.ticks < CHECK_EVERY.min(16 * eagerness) {
            return false;
        }
        self.ticks = 0;
        let now = Instant::now();
        let interval =
            (CHECK_INTERVAL * eagerness * self.backoff / 200).max(self.cost * COST_FACTOR);
        self.last.is_none_or(|l| now.duration_since(l) >= interval)
    }

    /// Looks for hot cycles and compiles them (see the module docs), timing the look.
    pub(crate) fn look(&mut self, cx: LookContext<'_>) {
        let t0 = Instant::now();
        self.form_regions(cx);
        let now = Instant::now();
        self.cost = now.duration_since(t0);
        self.last = Some(now);
    }

    /// Compiles every candidate region that has paid for itself (see the module docs).
    fn form_regions(&mut self, cx: LookContext<'_>) {
        let policy = self.policy;
        let eagerness = u64::from(cx.params.trace_eagerness.max(1));
        let Some(regions) = cx.backend.regions() else {
            self.off = true;
            return;
        };
        let pieces = cx.pieces;
        let st = self;
        for (i, p) in pieces.iter().enumerate().skip(st.scanned) {
            if let PieceKind::Loop { entry, .. } = p.kind {
                st.loop_at.insert(entry, i);
            }
            for &g in &p.guards {
                let g = g.0 as usize;
                if st.guard_owner.len() <= g {
                    st.guard_owner.resize(g + 1, u32::MAX);
                }
                st.guard_owner[g] = i as u32;
            }
        }
        st.scanned = pieces.len();
        let live = |p: usize| pieces[p].valid && !pieces[p].freed;
        let n = pieces.len();
        let mut graph = Graph {
            edges: vec![Vec::new(); n],
            count: vec![0; n],
            ops: pieces.iter().map(|p| p.trace.ops.len()).collect(),
            region: vec![None; n],
        };
        let mut nodes = Vec::new();
        for (i, p) in pieces.iter().enumerate().filter(|&(i, _)| live(i)) {
            nodes.push(i);
            graph.region[i] = regions
                .region_of(p.code)
                .and_then(|m| m.iter().min().copied());
            if let PieceKind::Bridge { guard } = p.kind {
                graph.count[i] = regions.entry_count(p.code);
                let host = st.guard_owner.get(guard.0 as usize).copied();
                if graph.count[i] >= policy.hot * eagerness
                    && let Some(h) = host.filter(|&h| live(h as usize))
                {
                    graph.edges[h as usize].push((i, graph.count[i]));
                }
            }
            graph.edges[i].extend(
                p.jumps
                    .iter()
                    .filter_map(|t| st.loop_at.get(t))
                    .filter(|&&l| live(l))
                    .map(|&l| (l, u64::MAX)),
            );
        }
        let mut chosen = Vec::new();
        let mut compiled_any = false;
        select(
            &graph,
            &nodes,
            policy.hot * eagerness,
            &policy,
            eagerness,
            &mut chosen,
        );
        for scc in chosen {
            let allowed = cx.stats.time_compiling.mul_f64(policy.budget) + policy.budget_extra;
            if cx.stats.time_regions > allowed {
                break;
            }
            let codes: Vec<CodeId> = scc.iter().map(|&p| pieces[p].code).collect();
            let mut sorted = codes.clone();
            sorted.sort_unstable();
            let current = regions.region_of(codes[0]).map(|m| {
                let mut m = m.to_vec();
                m.sort_unstable();
                m
            });
            if current.as_ref() == Some(&sorted) || st.refused.contains(&sorted) {
                continue;
            }
            let ops: usize = scc.iter().map(|&p| graph.ops[p]).sum();
            let name = format!("of {} pieces from {}", scc.len(), pieces[scc[0]].name);
            let t0 = Instant::now();
            let compiled = regions.compile_region(&codes, &name);
            let elapsed = t0.elapsed();
            let stats = &mut *cx.stats;
            stats.time_regions += elapsed;
            match compiled {
                Ok(bytes) => {
                    compiled_any = true;
                    stats.regions += 1;
                    stats.region_members += scc.len() as u64;
                    stats.code_bytes += bytes;
                    if cx.log.enabled(Category::Bridge) {
                        cx.log.write(&format!(
                            "[metajit] region {name}: {ops} ops, compiled in {:.3} ms ({bytes} \
                             bytes)\n",
                            elapsed.as_secs_f64() * 1000.0
                        ));
                    }
                }
                Err(e) => {
                    st.refused.push(sorted);
                    if cx.log.enabled(Category::Abort) {
                        cx.log
                            .write(&format!("[metajit] region {name} not compiled: {e}\n"));
                    }
                }
            }
        }
        st.backoff = if compiled_any {
            1
        } else {
            (st.backoff * 2).min(MAX_INTERVAL)
        };
    }
}

/// Picks the regions among `nodes`: the strongly connected components of the graph of edges
/// at least as hot as `threshold`, those that fit and pay; components that do not are split
/// by looking at hotter edges only.
fn select(
    g: &Graph,
    nodes: &[usize],
    threshold: u64,
    policy: &Policy,
    eagerness: u64,
    chosen: &mut Vec<Vec<usize>>,
) {
    // The subgraph of `nodes`, numbered locally.
    let local: HashMap<usize, usize> = nodes.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|&v| {
            g.edges[v]
                .iter()
                .filter(|&&(_, c)| c >= threshold)
                .filter_map(|(w, _)| local.get(w).copied())
                .collect()
        })
        .collect();
    for scc in strongly_connected(&edges) {
        if scc.len() < 2 {
            continue;
        }
        let scc: Vec<usize> = scc.into_iter().map(|i| nodes[i]).collect();
        let ops: usize = scc.iter().map(|&p| g.ops[p]).sum();
        let gain: u64 = scc
            .iter()
            .filter(|&&p| g.region[p].is_none())
            .map(|&p| g.count[p])
            .sum();
        // Already compiled as one region: kept (not split) without new evidence.
        let settled =
            g.region[scc[0]].is_some() && scc.iter().all(|&p| g.region[p] == g.region[scc[0]]);
        // `eagerness - 1`: at `trace_eagerness=1` a hot cycle is compiled right away.
        let needed = policy.payback * (eagerness - 1) * ops as u64;
        if ops <= policy.max_ops && (settled || gain >= needed) {
            chosen.push(scc);
        } else if threshold < u64::MAX / 4 {
            select(g, &scc, threshold * 4, policy, eagerness, chosen);
        }
    }
}

/// The strongly connected components of a graph given by adjacency lists (Tarjan's algorithm,
/// iterative), each in the order its nodes were first reached.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const NONE: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut on_stack) = (vec![NONE; n], vec![0; n], vec![false; n]);
    let (mut stack, mut sccs, mut next) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != NONE || edges[root].is_empty() {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            if let Some(&w) = edges[v].get(*e) {
                *e += 1;
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut scc = Vec::new();
                loop {
                    let w = stack.pop().expect("v is on the stack");
                    on_stack[w] = false;
                    scc.push(w);
                    if w == v {
                        break;
                    }
                }
                scc.reverse();
                sccs.push(scc);
            }
        }
    }
    sccs
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components_of_cycles() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 4 -> 3 another; 5 hangs off 2.
        let edges = vec![vec![1], vec![2], vec![0, 5], vec![4], vec![3], vec![]];
        let mut sccs: Vec<Vec<usize>> = strongly_connected(&edges)
            .into_iter()
            .map(|mut s| {
                s.sort();
                s
            })
            .collect();
        sccs.sort();
        assert_eq!(sccs, vec![vec![0, 1, 2], vec![3, 4], vec![5]]);
    }
}
