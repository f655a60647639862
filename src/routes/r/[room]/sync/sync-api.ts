/**
 * The applier's rooms HTTP API from the browser (server/applier/api.ts): state, settings, a sync
 * or its dry-run preview, and an object's applied revisions.
 *
 * @module
 */
import type { SyncEvent, SyncSettings } from '$lib/collab/protocol';
import type { HistoryEntry, PreviewItem, SyncPreview } from '$lib/sync/types';

export type { HistoryEntry, PreviewItem, SyncPreview };

export class SyncApi {
	constructor(
		private readonly roomId: string,
		private readonly token: string
	) {}

	private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
		const res = await fetch(`/api/rooms/${encodeURIComponent(this.roomId)}/sync${path}`, {
			...init,
			headers: { authorization: `Bearer ${this.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) }
		});
		const body = await res.json().catch(() => ({}));
		if (!res.ok) throw new Error(body?.message ?? `${res.status} ${res.statusText}`);
		return body as T;
	}

	state(): Promise<SyncEvent> {
		return this.call('');
	}

	settings(patch: Partial<SyncSettings>): Promise<SyncEvent> {
		return this.call('/settings', { method: 'PUT', body: JSON.stringify(patch) });
	}

	sync(req: { objects?: string[]; prune?: boolean }): Promise<SyncEvent> {
		return this.call('', { method: 'POST', body: JSON.stringify(req) });
	}

	preview(req: { objects?: string[]; prune?: boolean }): Promise<SyncPreview> {
		return this.call('', { method: 'POST', body: JSON.stringify({ ...req, dryRun: true }) });
	}

	async history(key: string): Promise<HistoryEntry[]> {
		return (await this.call<{ items: HistoryEntry[] }>(`/history?object=${encodeURIComponent(key)}`)).items ?? [];
	}
}
