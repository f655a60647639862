/**
 * The room's kube API as it was at one revision, answered from the replica: a `KubeClient` whose
 * get and list read the replica at `revision` (with label and field selectors, like the API
 * server), whose writes are refused (the past is read-only), and whose watches deliver nothing
 * while the revision stays put. Moving the revision ends every watch with 410 Gone, so each
 * informer relists at the new revision and tells its handlers exactly what differs: the views
 * update like they do for live changes.
 *
 * `ReplicaKubeLive` is a `KubeLive` over this client, handed to the views in place of the live one
 * while the room is scrubbed.
 *
 * @module
 */
import { ApiError, type KubeObject, type ListOptions, type ResourceRef, type WatchEvent, type WatchOptions } from '../controllers/types';
import { matchesFields, objectFields, parseFieldSelector } from '../kube/field-selector';
import { matchesLabels, parseLabelSelector } from '../kube/label-selector';
import { collectionKey, objectKey } from '../kube/storage-keys';
import { FetchKubeClient } from '../kube-client/fetch-client';
import { KubeLive } from '../kube-client/live.svelte';
import { ObjectDecoder, prefixOfResource } from './decode';
import type { Replica } from './replica';

interface OpenWatch {
	onEnd: (err?: Error) => void;
}

const refuse: typeof fetch = () => Promise.reject(new Error('the replica client makes no requests'));

export class ReplicaKubeClient extends FetchKubeClient {
	private watches = new Set<OpenWatch>();
	private shown: number;

	constructor(
		readonly replica: Replica,
		revision: number,
		readonly decoder = new ObjectDecoder()
	) {
		super({ roomId: 'replica', token: '', fetch: refuse });
		this.shown = revision;
	}

	/** The revision this client shows. */
	get revision(): number {
		return this.shown;
	}

	/** Shows another revision: every open watch ends with 410 Gone, so informers relist. */
	setRevision(rev: number): void {
		if (rev === this.shown) return;
		this.shown = rev;
		const open = [...this.watches];
		this.watches.clear();
		for (const w of open) w.onEnd(new ApiError(410, 'Expired', `the room is shown at revision ${rev} now`));
	}

	override as(): FetchKubeClient {
		return this;
	}

	override async get(r: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObject> {
		const kv = this.replica.get(objectKey(prefixOfResource(r), r.namespaced ? namespace : undefined, name), this.shown);
		const obj = kv && this.decoder.decode(kv);
		if (!obj) throw new ApiError(404, 'NotFound', `${r.resource}${r.group ? '.' + r.group : ''} "${name}" not found`);
		return obj;
	}

	override async list(r: ResourceRef, opts: ListOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
		const labels = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : undefined;
		const fields = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector) : undefined;
		const items: KubeObject[] = [];
		for (const kv of this.replica.range(collectionKey(prefixOfResource(r), r.namespaced ? opts.namespace : undefined), this.shown)) {
			const obj = this.decoder.decode(kv);
			if (!obj) continue;
			if (labels && !matchesLabels(labels, obj.metadata.labels)) continue;
			if (fields && !matchesFields(fields, objectFields(obj.apiVersion ?? '', obj.kind ?? r.kind, obj))) continue;
			items.push(obj);
		}
		return { items, resourceVersion: String(this.shown) };
	}

	override watch(_r: ResourceRef, _opts: WatchOptions, _onEvent: (e: WatchEvent) => void, onEnd: (err?: Error) => void): { stop(): void } {
		const w: OpenWatch = { onEnd };
		this.watches.add(w);
		return { stop: () => void this.watches.delete(w) };
	}

	protected override async call<T>(method: string, path: string): Promise<T> {
		throw new ApiError(
			405,
			'MethodNotAllowed',
			`${method} ${path}: the room is shown as it was at revision ${this.shown}, which is read-only; go back to live to change the cluster`
		);
	}
}

/** A `KubeLive` whose informers read the replica at the client's revision. */
export class ReplicaKubeLive extends KubeLive {
	constructor(readonly replicaClient: ReplicaKubeClient) {
		super({ roomId: 'replica', token: '' });
		// The informers are made from `client` on first use, after this constructor.
		(this as { client: FetchKubeClient }).client = replicaClient;
	}

	get revision(): number {
		return this.replicaClient.revision;
	}

	setRevision(rev: number): void {
		this.replicaClient.setRevision(rev);
	}
}
