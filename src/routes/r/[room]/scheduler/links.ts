/**
 * Links into the Scheduler view with one pod selected: `#…&view=scheduler&pod=<ns>/<name>` (the
 * room page's hash, token kept), so a pod's scheduling decision is one click away from wherever
 * the pod is shown, and the link can be shared.
 *
 * @module
 */

/** The room page hash that opens the Scheduler view on `namespace/name`. */
export function decisionHash(hash: string, namespace: string, name: string): string {
	const params = new URLSearchParams(hash.replace(/^#/, ''));
	params.set('view', 'scheduler');
	params.set('pod', `${namespace}/${name}`);
	return `#${params}`;
}

/** The pod a hash selects in the Scheduler view (`ns/name`), if any. */
export function podFromHash(hash: string): string | undefined {
	return new URLSearchParams(hash.replace(/^#/, '')).get('pod') ?? undefined;
}
