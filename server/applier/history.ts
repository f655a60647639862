/**
 * History of applied versions: per object, the last `HISTORY_LIMIT` desired manifests the
 * applier applied, with sync time, resourceVersion and author. Kept in the room's store outside
 * `/registry` (one key per object, `/converge/applier/history/<objectKey>`), so it is as durable
 * as the cluster, goes away with the room, and etcdctl can read it.
 *
 * @module
 */
import type { KV } from '../../src/lib/store/backend';
import type { HistoryEntry } from './types';

export const HISTORY_LIMIT = 20;
const PREFIX = '/converge/applier/history/';
const enc = new TextEncoder();
const dec = new TextDecoder();

export class ApplyHistory {
	/** Last manifest per key (JSON), so unchanged re-applies are not recorded twice. */
	private last = new Map<string, string>();

	constructor(private readonly kv: KV) {}

	async list(key: string): Promise<HistoryEntry[]> {
		const res = await this.kv.range({ key: enc.encode(PREFIX + key) });
		const kv = res.kvs[0];
		return kv ? (JSON.parse(dec.decode(kv.value)) as HistoryEntry[]) : [];
	}

	/** Appends `entry` unless its manifest equals the latest recorded one. */
	async record(key: string, entry: HistoryEntry): Promise<void> {
		const json = JSON.stringify(entry.manifest);
		if (this.last.get(key) === json) return;
		const entries = await this.list(key);
		const latest = entries[entries.length - 1];
		this.last.set(key, json);
		if (latest && JSON.stringify(latest.manifest) === json && latest.path === entry.path) return;
		const next = [...entries, entry].slice(-HISTORY_LIMIT);
		await this.kv.put({ key: enc.encode(PREFIX + key), value: enc.encode(JSON.stringify(next)) });
	}
}
