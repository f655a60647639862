/**
 * kube-apiserver's etcd key layout, so a room's `etcdctl get /registry --prefix --keys-only`
 * lists what a real cluster's would:
 *
 *   /registry/pods/default/web-5d8f7-abcde       namespaced: /registry/<prefix>/<namespace>/<name>
 *   /registry/minions/node-1                     cluster-scoped: /registry/<prefix>/<name>
 *   /registry/services/specs/default/web         services and endpoints share services/
 *   /registry/services/endpoints/default/web
 *   /registry/ingress/default/web                (networking.k8s.io ingresses)
 *   /registry/apiextensions.k8s.io/customresourcedefinitions/foos.example.com
 *
 * The prefix is the plural resource name (without the group), except kube's special prefixes
 * (SpecialDefaultResourcePrefixes in pkg/kubeapiserver/default_storage_factory_builder.go) and
 * the apiextensions and apiregistration groups, which store under `<group>/<resource>` (and so do
 * custom resources). Both `events` resources (core and events.k8s.io) share `/registry/events/`.
 *
 * Also here: the continue token of paginated lists, encoded exactly like kube's
 * (`storage.EncodeContinue`: base64url JSON `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>"}`).
 *
 * @module
 */

export const REGISTRY = '/registry/';

const SPECIAL_PREFIXES: Record<string, string> = {
	'/replicationcontrollers': 'controllers',
	'/endpoints': 'services/endpoints',
	'/nodes': 'minions',
	'/services': 'services/specs',
	'extensions/ingresses': 'ingress',
	'networking.k8s.io/ingresses': 'ingress'
};

/** Groups whose objects are stored under `<group>/<resource>` (kube's specialDefaultMediaTypes). */
const GROUP_PREFIXED = new Set(['apiextensions.k8s.io', 'apiregistration.k8s.io']);

/** The key prefix of a resource below `/registry/` (`minions`, `deployments`, `apiextensions.k8s.io/customresourcedefinitions`). */
export function resourcePrefix(group: string, resource: string, custom = false): string {
	const special = SPECIAL_PREFIXES[`${group}/${resource}`];
	if (special) return special;
	if (custom || GROUP_PREFIXED.has(group)) return `${group}/${resource}`;
	return resource;
}

/** The key of one object: `/registry/<prefix>/<namespace>/<name>` or `/registry/<prefix>/<name>`. */
export function objectKey(prefix: string, namespace: string | undefined, name: string): string {
	return namespace ? `${REGISTRY}${prefix}/${namespace}/${name}` : `${REGISTRY}${prefix}/${name}`;
}

/** The key prefix of a collection (ends with `/`): every object, or a namespace's objects. */
export function collectionKey(prefix: string, namespace?: string): string {
	return namespace ? `${REGISTRY}${prefix}/${namespace}/` : `${REGISTRY}${prefix}/`;
}

/** Namespace and name of a key inside `collectionKey(prefix)` (namespaced: `ns/name`). */
export function parseObjectKey(prefix: string, key: string, namespaced: boolean): { namespace?: string; name: string } | undefined {
	const base = collectionKey(prefix);
	if (!key.startsWith(base)) return undefined;
	const rest = key.slice(base.length);
	if (!namespaced) return rest && !rest.includes('/') ? { name: rest } : undefined;
	const slash = rest.indexOf('/');
	if (slash <= 0 || slash === rest.length - 1 || rest.indexOf('/', slash + 1) >= 0) return undefined;
	return { namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

// — continue tokens —

interface ContinueToken {
	v: string;
	rv: number;
	start: string;
}

const base64url = {
	encode(s: string): string {
		const bytes = new TextEncoder().encode(s);
		let bin = '';
		for (const b of bytes) bin += String.fromCharCode(b);
		return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
	},
	/** Strict RawURLEncoding decode; throws Go's message on bad input. */
	decode(s: string): string {
		const bad = /[^A-Za-z0-9_-]/.exec(s);
		if (bad) throw new Error(`illegal base64 data at input byte ${bad.index}`);
		if (s.length % 4 === 1) throw new Error(`illegal base64 data at input byte ${s.length - 1}`);
		const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
		return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
	}
};

/** The continue token for a list that read at `revision` and goes on at `nextKey` (inside `keyPrefix`). */
export function encodeContinue(nextKey: string, keyPrefix: string, revision: number): string {
	if (!nextKey.startsWith(keyPrefix)) throw new Error('unable to encode next field: the key and key prefix do not match');
	const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: revision, start: nextKey.slice(keyPrefix.length) };
	return base64url.encode(JSON.stringify(token));
}

/** Posix `path.Clean` for absolute paths (what kube uses to refuse `..` in a start key). */
function cleanPath(p: string): string {
	const out: string[] = [];
	for (const part of p.split('/')) {
		if (part === '' || part === '.') continue;
		if (part === '..') out.pop();
		else out.push(part);
	}
	return '/' + out.join('/');
}

/**
 * Decodes a continue token against the list's key prefix: the key to start from and the
 * revision of the first page. Throws with kube's message (`continue key is not valid: ...`).
 */
export function decodeContinue(token: string, keyPrefix: string): { fromKey: string; revision: number } {
	let data: string;
	try {
		data = base64url.decode(token);
	} catch (e) {
		throw new Error(`continue key is not valid: ${(e as Error).message}`);
	}
	let c: Partial<ContinueToken>;
	try {
		c = JSON.parse(data) as Partial<ContinueToken>;
	} catch {
		throw new Error('continue key is not valid: invalid character in continue token');
	}
	if (!c || typeof c !== 'object' || c.v !== 'meta.k8s.io/v1')
		throw new Error(`continue key is not valid: server does not recognize this encoded version "${c?.v ?? ''}"`);
	if (!c.rv || typeof c.rv !== 'number') throw new Error('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
	if (!c.start || typeof c.start !== 'string') throw new Error('continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
	const key = c.start.startsWith('/') ? c.start : '/' + c.start;
	const cleaned = cleanPath(key);
	if (cleaned !== key) throw new Error(`continue key is not valid: ${c.start}`);
	return { fromKey: keyPrefix + cleaned.slice(1), revision: c.rv };
}
