/** Helpers shared by the per-kind health rules. */
import type { KubeObject } from '../../controllers/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

/** A status.conditions entry by type. */
export function condition(obj: KubeObject, type: string): Obj | undefined {
	const list = obj.status?.conditions;
	return Array.isArray(list) ? list.find((c: Obj) => c?.type === type) : undefined;
}

/** Go's zero value for a missing int field. */
export const int = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Has the controller seen the current spec? (metadata.generation ≤ status.observedGeneration) */
export const observed = (obj: KubeObject): boolean => int(obj.metadata.generation) <= int(obj.status?.observedGeneration);
