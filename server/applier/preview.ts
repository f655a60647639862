/**
 * The preview of a manual sync: a dry-run server-side apply per object, compared with the live
 * object: would create, would update (which fields), unchanged, or the API's error.
 *
 * @module
 */
import { ApiError, isNotFound, type KubeClient, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import type { ApplyStep } from '../../src/lib/sync/apply-plan';
import type { PreviewItem } from './types';

/** Server-set fields that change on every write; not what a user changes. */
const VOLATILE = new Set(['resourceVersion', 'generation', 'managedFields', 'creationTimestamp', 'uid']);

/** Leaf paths where `a` and `b` differ (`spec.replicas`, `spec.template.spec.containers[0].image`). */
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

export async function previewStep(client: KubeClient, r: ResourceRef | undefined, s: ApplyStep): Promise<PreviewItem> {
	const { ref } = s;
	const item = { key: ref.key, kind: ref.kind, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}), name: ref.name, path: ref.path };
	if (!r || !client.apply) return { ...item, action: 'error', message: `no matches for kind "${ref.kind}" in version "${ref.apiVersion}"` };
	let live: KubeObject | undefined;
	try {
		live = await client.get(r, ref.namespace, ref.name);
	} catch (e) {
		if (!isNotFound(e)) throw e;
	}
	try {
		const result = await client.apply(r, s.manifest as KubeObject, { fieldManager: s.manager, force: s.force, dryRun: true });
		if (!live) return { ...item, action: 'create' };
		const fields = changedPaths(live, result);
		return fields.length ? { ...item, action: 'update', fields } : { ...item, action: 'unchanged' };
	} catch (e) {
		if (!(e instanceof ApiError)) throw e;
		return { ...item, action: 'error', message: e.message };
	}
}
