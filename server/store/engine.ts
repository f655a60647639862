/**
 * Which MVCC engine a room's store runs on. One place to choose, so the server, tests and
 * benchmarks agree.
 *
 * @module
 */
import { ModelEngine } from '../../src/lib/store/model';
import type { MvccEngine } from '../../src/lib/store/types';

/** A fresh, empty engine for one room. */
export function createEngine(): MvccEngine {
	return new ModelEngine();
}
