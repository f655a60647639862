/**
 * Lists of the room's objects at one store revision, read from its kube API over the loopback
 * (as any client would), for what the rules and trace APIs compute from a snapshot.
 *
 * @module
 */
import { RESOURCES, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import { PROXY_CONFIG_NAME, PROXY_CONFIG_NAMESPACE } from '../../src/lib/proxy/config';
import type { Config } from '../config';
import { acquireLoopback } from '../controllers/runtime/loopback';
import { resourcePath } from '../controllers/runtime/http-client';
import { StatusError, type StatusReason } from '../http/respond';
import type { RoomRegistry } from '../rooms/registry';
import type { Room } from '../rooms/room';

export interface ListSpec {
	ref: ResourceRef;
	namespace?: string;
	/** Extra query, e.g. `&fieldSelector=…`. */
	query?: string;
}

/**
 * Lists `specs` at revision `rv` (exact), or — without one — the first at the latest revision and
 * the rest at that same revision, so they form one consistent snapshot. Returns the revision.
 */
export async function listAt(room: Room, rooms: RoomRegistry, config: Config, specs: ListSpec[], rv?: string): Promise<{ revision: string; lists: KubeObject[][] }> {
	const loop = acquireLoopback(rooms, config);
	try {
		const origin = await loop.origin;
		const list = async (s: ListSpec, at: string | undefined): Promise<{ items: KubeObject[]; rv: string }> => {
			const q = at === undefined ? '' : `?resourceVersion=${at}&resourceVersionMatch=Exact`;
			const res = await fetch(`${origin}/rooms/${room.id}/k8s${resourcePath(s.ref, s.namespace)}${q}${s.query ? (q ? s.query : `?${s.query.slice(1)}`) : ''}`, {
				headers: { authorization: `Bearer ${room.meta.tokens.editor}`, accept: 'application/json' }
			});
			const body = (await res.json()) as { items?: KubeObject[]; metadata?: { resourceVersion?: string }; message?: string; reason?: string };
			if (!res.ok) throw new StatusError(res.status, (body.reason ?? 'InternalError') as StatusReason, body.message ?? `listing ${s.ref.resource} at revision ${at} failed`);
			return { items: body.items ?? [], rv: body.metadata?.resourceVersion ?? '' };
		};
		const first = await list(specs[0], rv);
		const revision = rv ?? first.rv;
		const rest = await Promise.all(specs.slice(1).map(async (s) => (await list(s, revision)).items));
		return { revision, lists: [first.items, ...rest] };
	} finally {
		loop.release();
	}
}

/** Only the kube-proxy ConfigMap. */
export const PROXY_CONFIG_LIST: ListSpec = { ref: RESOURCES.configmaps, namespace: PROXY_CONFIG_NAMESPACE, query: `&fieldSelector=metadata.name%3D${PROXY_CONFIG_NAME}` };
