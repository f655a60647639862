/**
 * The room page's views and how the selected one lives in the link: a `view=` parameter in the
 * hash, next to `token=` (`#token=…&view=cluster`), so a shared link opens the same view and the
 * token never reaches the server's logs.
 *
 * @module
 */

export const VIEWS = [
	{ id: 'editor', label: 'Editor' },
	{ id: 'sync', label: 'Sync' },
	{ id: 'cluster', label: 'Cluster' },
	{ id: 'scheduler', label: 'Scheduler' },
	{ id: 'network', label: 'Network' },
	{ id: 'events', label: 'Events' },
	{ id: 'store', label: 'Store' },
	{ id: 'controlplane', label: 'Control plane' },
	{ id: 'lesson', label: 'Lesson' }
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

const isView = (v: string | null): v is ViewId => VIEWS.some((x) => x.id === v);

/** The view a hash selects; `editor` when it names none (or an unknown one). */
export function viewFromHash(hash: string): ViewId {
	const v = new URLSearchParams(hash.replace(/^#/, '')).get('view');
	return isView(v) ? v : 'editor';
}

/** The hash with `view` set (dropped for the editor, the default), other parameters kept in order. */
export function hashWithView(hash: string, view: ViewId): string {
	const params = new URLSearchParams(hash.replace(/^#/, ''));
	if (view === 'editor') params.delete('view');
	else params.set('view', view);
	const s = params.toString();
	return s ? `#${s}` : '';
}
