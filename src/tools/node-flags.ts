/**
 * The V8 flags a Garrison server or sentinel process runs with. One: semi-spaces of 8 MB instead
 * of Node's 16 MB on 64-bit hosts. V8's young generation is the largest share of a small dataset's
 * memory; at 8 MB, 100,000 sorted sets of 10 members take 1.69x Redis's resident memory instead of
 * 2.14x (hashes 1.35x instead of 1.71x) for about 1.5% of throughput (docs/benchmarks.md, Memory).
 * V8 reads them at start only (`v8.setFlagsFromString` later has no effect), so every way Garrison
 * starts a process passes them: the bin scripts' shebangs, `npm start`, `garrison up`, and the
 * benchmarks. A test keeps those in step with this list.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
