/**
 * The packet tracer over the rooms HTTP API:
 *
 *   POST /api/rooms/<id>/trace  Bearer editor|viewer  (reads only, so viewers may trace)
 *     { "from": {"pod": "ns/name"} | {"node": "name"} | {"ip": "a.b.c.d", "node"?: "name"},
 *       "to": "name:port" | "ip:port" | "http://host/path", "protocol"?: "TCP", "seed"?: 1, "all"?: false }
 *     → 200 { revision, seed?, all, results: [{ outcome, verdict, decidedBy, probability, steps }] }
 *
 * The trace runs over one consistent snapshot of the room (every list at the same store
 * revision, answered as `revision`), with kube-proxy's tables in the configuration the room's
 * kube-proxy runs. Bad input answers a Kubernetes Status: 422 Invalid with the field errors
 * (src/lib/network/trace-request.ts), 404 for an unknown pod or node, 413 past 16 KiB.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRng } from '../../src/lib/clock/rng';
import { REFS } from '../../src/lib/controllers/refs';
import { RESOURCES } from '../../src/lib/controllers/types';
import { INGRESS_CLASSES, INGRESSES, NETWORK_POLICIES } from '../../src/lib/network/refs';
import { seededChooser, trace, traceAll, type TraceResult } from '../../src/lib/network/trace';
import { traceEnvFrom } from '../../src/lib/network/trace-env';
import { MAX_BRANCHES, parseTraceRequest } from '../../src/lib/network/trace-request';
import { tablesFrom } from '../../src/lib/proxy/tables';
import type { Config } from '../config';
import { readJson, sendJson, StatusError } from '../http/respond';
import type { RoomRegistry } from '../rooms/registry';
import type { Room } from '../rooms/room';
import { roomProxy } from './component';
import { listAt } from './lists';

/** A trace request is a few hundred bytes; refuse anything much larger before parsing it. */
const MAX_BODY = 16 * 1024;

export async function handleTraceApi(req: IncomingMessage, res: ServerResponse, url: URL, room: Room, rooms: RoomRegistry, config: Config): Promise<boolean> {
	if (req.method !== 'POST') throw new StatusError(405, 'MethodNotAllowed', `${req.method} is not supported on ${url.pathname} (POST a trace request)`);
	const parsed = parseTraceRequest(await readJson(req, Math.min(MAX_BODY, config.limits.maxMessageBytes)));
	if ('errors' in parsed) {
		const errs = parsed.errors.length === 1 ? parsed.errors[0] : `[${parsed.errors.join(', ')}]`;
		throw new StatusError(422, 'Invalid', `trace request is invalid: ${errs}`);
	}
	const proxy = roomProxy(room);
	if (!proxy) throw new StatusError(404, 'NotFound', `kube-proxy is not running in room "${room.id}" (see CONTROLLERS)`);

	const { revision, lists } = await listAt(room, rooms, config, [
		{ ref: REFS.services },
		{ ref: REFS.endpointslices },
		{ ref: REFS.nodes },
		{ ref: RESOURCES.pods },
		{ ref: RESOURCES.namespaces },
		{ ref: RESOURCES.configmaps, namespace: 'kube-system' },
		{ ref: NETWORK_POLICIES },
		{ ref: INGRESSES },
		{ ref: INGRESS_CLASSES }
	]);
	const [services, endpointSlices, nodes, pods, namespaces, configMaps, networkPolicies, ingresses, ingressClasses] = lists;
	const from = parsed.request.from;
	if ('pod' in from && !pods.some((p) => `${p.metadata.namespace}/${p.metadata.name}` === from.pod)) {
		const [ns, name] = from.pod.split('/');
		throw new StatusError(404, 'NotFound', `pods "${name}" not found in namespace "${ns}"`);
	}
	const node = 'node' in from ? from.node : undefined;
	if (node !== undefined && !nodes.some((n) => n.metadata.name === node)) throw new StatusError(404, 'NotFound', `nodes "${node}" not found`);

	// The room's kube-proxy configuration as the component runs it (it keeps a previous one over an invalid file).
	const tables = tablesFrom({ services, slices: endpointSlices, nodes, config: proxy.tables.config });
	const env = traceEnvFrom({ services, endpointSlices, nodes, pods, namespaces, configMaps, networkPolicies, ingresses, ingressClasses }, (n) => tables.nodeTable(n));
	const results: TraceResult[] = parsed.all ? traceAll(parsed.request, env, MAX_BRANCHES) : [trace(parsed.request, env, seededChooser(createRng(parsed.seed)))];
	sendJson(res, 200, { revision, mode: proxy.tables.config.mode, all: parsed.all, ...(parsed.all ? {} : { seed: parsed.seed }), results });
	return true;
}
