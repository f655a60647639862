/**
 * URLs of the kube REST API, as client-go's REST client builds them.
 *
 * @module
 */
import type { ResourceRef } from '../controllers/types';

/** The path of a collection or an object (`/apis/apps/v1/namespaces/default/deployments/web`). */
export function resourcePath(r: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
	let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
	if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
	p += `/${r.resource}`;
	if (name !== undefined) p += `/${encodeURIComponent(name)}`;
	if (subresource) p += `/${subresource}`;
	return p;
}

/** `?a=1&b=2` from the defined, non-empty values; `''` when there are none. */
export function query(params: Record<string, string | undefined>): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
	const s = q.toString();
	return s ? `?${s}` : '';
}
