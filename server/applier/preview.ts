/**
 * The preview of a manual sync: a dry-run server-side apply per object, compared with the live
 * object: would create, would update (which fields), unchanged, or the API's error.
 *
 * @module
 */
import { ApiError, isNotFound, type KubeClient, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import type { ApplyStep } from '../../src/lib/sync/apply-plan';
import { changedPaths } from '../../src/lib/sync/changed-paths';
import type { PreviewItem } from './types';

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
