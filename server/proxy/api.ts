/**
 * The rules API of the rooms HTTP API (README "Rooms API"):
 *
 *   GET /api/rooms/<id>/nodes/<node>/rules?format=iptables|ipvs|nft|json  Bearer editor|viewer
 *       → the node's rules as text/plain (`iptables-save`, `ipvsadm -Ln`, `nft list table ip kube-proxy`)
 *         or its table as JSON; default format = the room's proxy mode.
 *       &revision=N  the rules as they were at store revision N (recomputed from lists at N)
 *       &diff=N      the changes from revision N to now (or to `revision`), as `+`/`-` lines
 *       &table=nat|filter  one iptables table only
 *
 *   POST /api/rooms/<id>/trace  Bearer editor|viewer   the packet tracer (server/proxy/trace.ts)
 *
 * @module
 */
import { REFS } from '../../src/lib/controllers/refs';
import { diffText } from '../../src/lib/proxy/diff';
import { proxyConfigFromText, proxyConfigText } from '../../src/lib/proxy/config';
import { formatForMode, renderRules, RULES_FORMATS, tableJson, type RulesFormat } from '../../src/lib/proxy/render';
import { tablesFrom, type ProxyTables } from '../../src/lib/proxy/tables';
import type { Config } from '../config';
import { sendJson, StatusError } from '../http/respond';
import type { RoomRegistry } from '../rooms/registry';
import type { Room } from '../rooms/room';
import { roomProxy } from './component';
import { listAt, PROXY_CONFIG_LIST } from './lists';
import { serviceCIDROf } from '../rooms/meta';
import { handleTraceApi } from './trace';
import type { RoomRequest } from '../rooms/room-request';

export async function handleProxyApi({ req, res, url, parts, room, rooms, config }: RoomRequest): Promise<boolean> {
	if (parts.length === 4 && parts[3] === 'trace') return handleTraceApi(req, res, url, room, rooms, config);
	if (parts[3] !== 'nodes' || parts.length !== 6 || parts[5] !== 'rules') return false;
	if ((req.method ?? 'GET') !== 'GET') throw new StatusError(405, 'MethodNotAllowed', `${req.method} is not supported on ${url.pathname}`);
	const proxy = roomProxy(room);
	if (!proxy) throw new StatusError(404, 'NotFound', `kube-proxy is not running in room "${room.id}" (see CONTROLLERS)`);
	const nodeName = decodeURIComponent(parts[4]);
	const q = url.searchParams;
	const format = (q.get('format') ?? formatForMode(proxy.tables.config.mode)) as RulesFormat;
	if (!RULES_FORMATS.includes(format)) throw new StatusError(400, 'BadRequest', `format must be one of: ${RULES_FORMATS.join(', ')}`);
	const table = q.get('table');
	if (table !== null && table !== 'nat' && table !== 'filter') throw new StatusError(400, 'BadRequest', 'table must be nat or filter');
	const revision = revisionParam(q.get('revision'), 'revision');
	const diffFrom = revisionParam(q.get('diff'), 'diff');
	if (diffFrom !== undefined && format === 'json') throw new StatusError(400, 'BadRequest', 'diff needs a text format (iptables, ipvs or nft)');

	const at = async (rv: string | undefined) => (rv === undefined ? proxy.tables : tablesAt(room, rooms, config, rv));
	const tables = await at(revision);
	const t = tables.nodeTable(nodeName);
	if (!t) throw new StatusError(404, 'NotFound', `nodes "${nodeName}" not found`);
	if (format === 'json') return sendJson(res, 200, tableJson(t)), true;
	const opts = { tables: table ? [table as 'nat' | 'filter'] : undefined, serviceCIDRs: [serviceCIDROf(room.meta)] };
	let text = renderRules(t, format, opts);
	if (diffFrom !== undefined) {
		const before = (await at(diffFrom)).nodeTable(nodeName);
		text = diffText(before ? renderRules(before, format, opts) : '', text);
		text = text ? text + '\n' : '';
	}
	res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
	res.end(text);
	return true;
}

function revisionParam(v: string | null, name: string): string | undefined {
	if (v === null) return undefined;
	if (!/^[1-9][0-9]*$/.test(v)) throw new StatusError(400, 'BadRequest', `${name} must be a store revision (a positive integer)`);
	return v;
}

/** The tables as they were at a store revision, from exact-revision lists of the room's kube API. */
async function tablesAt(room: Room, rooms: RoomRegistry, config: Config, rv: string): Promise<ProxyTables> {
	const { lists } = await listAt(room, rooms, config, [{ ref: REFS.services }, { ref: REFS.endpointslices }, { ref: REFS.nodes }, PROXY_CONFIG_LIST], rv);
	const [services, slices, nodes, cms] = lists;
	// An invalid file at that revision: kube-proxy would have kept its defaults.
	const cfg = proxyConfigFromText(proxyConfigText(cms[0])).config;
	return tablesFrom({ services, slices, nodes, config: cfg });
}
