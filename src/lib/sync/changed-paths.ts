/**
 * The leaf paths where two versions of an object differ (`spec.replicas`,
 * `spec.template.spec.containers[0].image`), ignoring status and the server-set metadata that
 * changes on every write: what a sync would change (the preview of a dry-run apply against
 * live), or what changed between two applied revisions.
 *
 * @module
 */

/** Server-set fields that change on every write; not what a user changes. */
const VOLATILE = new Set(['resourceVersion', 'generation', 'managedFields', 'creationTimestamp', 'uid']);

export function changedPaths(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
	if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
		if (Array.isArray(a)) {
			const bb = b as unknown[];
			for (let i = 0; i < Math.max(a.length, bb.length); i++) changedPaths(a[i], bb[i], `${path}[${i}]`, out);
			return out;
		}
		const ao = a as Record<string, unknown>;
		const bo = b as Record<string, unknown>;
		for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
			if (path === 'metadata' && VOLATILE.has(k)) continue;
			if (path === '' && k === 'status') continue;
			changedPaths(ao[k], bo[k], path ? `${path}.${k}` : k, out);
		}
		return out;
	}
	if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path);
	return out;
}
