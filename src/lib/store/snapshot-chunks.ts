/**
 * Snapshots in chunks, for any `MvccEngine`: the engine's own lazy chunks when it has them (the
 * WASM engine), else its whole snapshot as one chunk (the TypeScript model).
 *
 * @module
 */
import type { MvccEngine } from './types';

/** A compaction or restore came between two chunks: the snapshot must be started again. */
export class SnapshotInvalidated extends Error {
	constructor() {
		super('store: snapshot overtaken by a compaction or restore');
	}
}

/** The engine's state at its current revision, chunk by chunk (see `MvccEngine.snapshotChunks`). */
export function snapshotChunksOf(engine: MvccEngine, chunkBytes?: number): Iterator<Uint8Array> {
	return engine.snapshotChunks?.(chunkBytes) ?? [engine.snapshot()][Symbol.iterator]();
}

/** Restores what `snapshotChunksOf` gave. */
export function restoreFromChunks(engine: MvccEngine, chunks: Uint8Array[]): void {
	if (engine.restoreChunks) return engine.restoreChunks(chunks);
	if (chunks.length !== 1) throw new Error(`store: a snapshot of ${chunks.length} chunks for an engine that makes one`);
	engine.restore(chunks[0]);
}
