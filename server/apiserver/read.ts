/**
 * GET of one object and LIST of a collection, with kube-apiserver's list semantics: resourceVersion
 * (unset/"0": now; NotOlderThan; Exact: at that revision, 410 once compacted), label and field
 * selectors, limit/continue pagination (the continue token pins the first page's revision; an
 * expired one answers 410 with a token to go on inconsistently), and the representations kubectl
 * asks for (JSON, Table, metadata only).
 *
 * Whole lists (no limit, or resourceVersion "0") are served from the resource's watch cache once it
 * has caught up with the store's current revision (kube's consistent reads from cache), or at once
 * for "0". Paging reads one store range per page (growing while selectors filter most keys out),
 * so a list costs time linear in the keys it walks.
 *
 * @module
 */
import { expired, notFound, tooLargeResourceVersion } from '../../src/lib/kube/api-errors';
import { matchesFields, objectFields, supportedFieldLabels } from '../../src/lib/kube/field-selector';
import { matchesLabels } from '../../src/lib/kube/label-selector';
import { apiVersionOf } from '../../src/lib/kube/kinds';
import { parseListOptions, parseResourceVersion, type ListOptions } from '../../src/lib/kube/list-options';
import { collectionKey, decodeContinue, encodeContinue } from '../../src/lib/kube/storage-keys';
import { buildTable, type IncludeObject, type Table } from '../../src/lib/kube/tables';
import { StoreError } from '../../src/lib/store/errors';
import { badRequest } from '../../src/lib/kube/api-errors';
import { keyOf, prefixOf, served, storeErrorToKube, type Call, type Target } from './context';
import { sendEncoded, sendObject } from './http';
import type { Stored } from './storage';
import { prefixEndKey, watchCacheFor } from './watch-cache';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MAX_PAGE = 10_000;

const INCONSISTENT_CONTINUE =
	'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Does a stored object pass the request's selectors? */
export function matcher(t: Target, opts: ListOptions): (o: Obj) => boolean {
	const apiVersion = apiVersionOf(t.stored);
	const noLabels = opts.labelSelector.requirements.length === 0;
	const noFields = opts.fieldSelector.terms.length === 0;
	return (o) =>
		(noLabels || matchesLabels(opts.labelSelector, o.metadata?.labels)) &&
		(noFields || matchesFields(opts.fieldSelector, objectFields(apiVersion, t.stored.kind, o)));
}

export function listOptionsFor(t: Target, query: URLSearchParams, forceWatch = false): ListOptions {
	return parseListOptions(query, supportedFieldLabels(apiVersionOf(t.stored), t.stored.kind), forceWatch);
}

export interface ListResult {
	items: Stored[];
	revision: number;
	continue?: string;
	remainingItemCount?: number;
}

/** Where a list starts reading: a continue token's key and revision, an exact revision, or now. */
async function listStart(call: Pick<Call, 'ctx'>, opts: ListOptions, prefix: string): Promise<{ from: string; revision: number; limit: number }> {
	const rv = opts.resourceVersion;
	if (opts.continue) {
		if (rv && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
		let token;
		try {
			token = decodeContinue(opts.continue, prefix);
		} catch (e) {
			throw badRequest(`invalid continue token: ${(e as Error).message}`);
		}
		return { from: token.fromKey, revision: token.revision === -1 ? 0 : token.revision, limit: opts.limit };
	}
	if (rv && rv !== '0') {
		const wanted = parseResourceVersion(rv);
		const current = await call.ctx.storage.revision();
		if (wanted > current) throw tooLargeResourceVersion(wanted, current);
		return { from: prefix, revision: opts.resourceVersionMatch === 'Exact' ? wanted : 0, limit: opts.limit };
	}
	// resourceVersion=0 is served "from the cache" in kube, where limit is ignored.
	return { from: prefix, revision: 0, limit: rv === '0' ? 0 : opts.limit };
}

/** Lists the target's collection per `opts` (see the module comment for the semantics). */
export async function listObjects(call: Pick<Call, 'ctx' | 'target'>, opts: ListOptions): Promise<ListResult> {
	const prefix = prefixOf(call.target);
	let { from, revision, limit } = await listStart(call, opts, prefix);
	const match = matcher(call.target, opts);
	const items: Stored[] = [];
	let batch = limit;
	let count = -1;
	let lastKey = '';
	let remaining = false;
	try {
		for (;;) {
			const page = await call.ctx.storage.page(prefix, from, revision, batch);
			revision = page.revision;
			if (count < 0) count = page.count;
			let i = 0;
			for (; i < page.items.length && !(limit && items.length === limit); i++) {
				lastKey = page.items[i].key;
				if (match(page.items[i].object)) items.push(page.items[i]);
			}
			if (limit && items.length === limit) {
				remaining = i < page.items.length || page.more;
				break;
			}
			if (!page.more || page.items.length === 0) break;
			from = page.items[page.items.length - 1].key + '\0';
			batch = Math.min(batch * 2, MAX_PAGE);
		}
	} catch (e) {
		throw listError(e, opts, from, prefix);
	}
	const out: ListResult = { items, revision };
	if (remaining) {
		out.continue = encodeContinue(lastKey + '\0', prefix, revision);
		const filtered = opts.labelSelector.requirements.length > 0 || opts.fieldSelector.terms.length > 0;
		if (!filtered && count >= 0) out.remainingItemCount = count - items.length;
	}
	return out;
}

/**
 * A whole list from the watch cache, when kube would serve it from there: no continue token, not
 * an Exact resourceVersion, no limit (or "0", where limit is ignored). Undefined otherwise, or
 * when the cache cannot catch up with the store (the caller reads the store).
 */
export async function listFromCache(call: Pick<Call, 'ctx' | 'target'>, opts: ListOptions): Promise<ListResult | undefined> {
	const rv = opts.resourceVersion;
	const any = rv === '0';
	if (opts.continue || opts.resourceVersionMatch === 'Exact' || (opts.limit && !any)) return undefined;
	let wanted = 0;
	if (!any) {
		const current = await call.ctx.storage.revision();
		if (rv) {
			wanted = parseResourceVersion(rv);
			if (wanted > current) throw tooLargeResourceVersion(wanted, current);
		}
		wanted = Math.max(wanted, current);
	}
	const cache = await watchCacheFor(call.ctx.storage, collectionKey(call.target.stored.storagePrefix));
	if (!cache || !(await cache.syncTo(wanted)) || !cache.alive) return undefined;
	const prefix = prefixOf(call.target);
	const match = matcher(call.target, opts);
	return { items: cache.snapshot(prefix, prefixEndKey(prefix)).filter((s) => match(s.object)), revision: cache.revision };
}

/** A compacted continue token answers 410 with a token that goes on at the latest revision. */
function listError(e: unknown, opts: ListOptions, from: string, prefix: string): unknown {
	if (opts.continue && e instanceof StoreError && e.message.includes('compacted')) {
		const err = expired(INCONSISTENT_CONTINUE);
		err.continueToken = encodeContinue(from, prefix, -1);
		return err;
	}
	return storeErrorToKube(e);
}

function includeOf(query: URLSearchParams): IncludeObject {
	const v = query.get('includeObject');
	return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** A list's ListMeta. */
function listMeta(r: ListResult): Obj {
	const meta: Obj = { resourceVersion: String(r.revision) };
	if (r.continue) meta.continue = r.continue;
	if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
	return meta;
}

/** `{kind: "PodList", ...}` or a Table / metadata list, per what the client wants. */
export function listBody(call: Call, r: ListResult): unknown {
	const { target: t, wanted, ctx, query } = call;
	const meta = listMeta(r);
	const objects = r.items.map((s) => served(t, s.object));
	if (wanted.as === 'table') {
		const printable = t.resource.storedAs ? (_o: Obj, i: number) => r.items[i].object : undefined;
		return buildTable(t.resource, objects, meta, { include: includeOf(query), now: ctx.clock.now(), printable });
	}
	if (wanted.as === 'partial')
		return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: objects.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })) };
	const items = objects.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
	return { kind: t.resource.listKind, apiVersion: apiVersionOf(t.resource), metadata: meta, items };
}

/** The JSON of a list item (no apiVersion and kind), kept per stored object: cached objects are shared and never change. */
const itemJson = new WeakMap<Obj, Buffer>();
const COMMA = Buffer.from(',');

/**
 * A plain JSON list as the parts to send: each item's kept JSON bytes (what `listBody` gives,
 * without encoding unchanged objects again); undefined for other representations.
 */
function listJson(call: Call, r: ListResult): Buffer[] | undefined {
	const { target: t, wanted } = call;
	if (wanted.as !== 'object' || wanted.yaml || t.resource.storedAs) return undefined;
	const head = `{"kind":${JSON.stringify(t.resource.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(t.resource))},"metadata":${JSON.stringify(listMeta(r))},"items":[`;
	const parts: Buffer[] = [Buffer.from(head)];
	for (const { object } of r.items) {
		let json = itemJson.get(object);
		if (json === undefined) {
			const { apiVersion: _a, kind: _k, ...rest } = object;
			itemJson.set(object, (json = Buffer.from(JSON.stringify(rest))));
		}
		if (parts.length > 1) parts.push(COMMA);
		parts.push(json);
	}
	parts.push(Buffer.from(']}'));
	return parts;
}

/** The JSON of a Table row's object (metadata or whole), kept per stored object like `itemJson`. */
const rowObjectJson: Record<'Metadata' | 'Object', WeakMap<Obj, string>> = { Metadata: new WeakMap(), Object: new WeakMap() };

/**
 * A Table list as JSON text: `listBody`'s Table with each row's object encoded once per stored
 * object (the cells, AGE among them, are encoded every time). Built-in kinds served as stored only.
 */
function tableJson(call: Call, r: ListResult): string | undefined {
	const { target: t, wanted } = call;
	if (wanted.as !== 'table' || t.resource.custom || t.resource.storedAs) return undefined;
	const { rows, ...rest } = listBody(call, r) as Table;
	const include = includeOf(call.query);
	const memo = include === 'None' ? undefined : rowObjectJson[include];
	// `rows` is the Table's last member, `object` a row's.
	let out = JSON.stringify(rest).slice(0, -1) + ',"rows":[';
	rows.forEach((row, i) => {
		if (i > 0) out += ',';
		const { object, ...cells } = row;
		if (!memo || object === undefined) return void (out += JSON.stringify(row));
		const stored = r.items[i].object;
		let json = memo.get(stored);
		if (json === undefined) memo.set(stored, (json = JSON.stringify(object)));
		out += JSON.stringify(cells).slice(0, -1) + ',"object":' + json + '}';
	});
	return out + ']}';
}

/** One object in the representation the client wants. */
export function objectBody(call: Call, stored: Obj): unknown {
	const { target: t, wanted, ctx, query } = call;
	const obj = served(t, stored);
	if (wanted.as === 'table')
		return buildTable(t.resource, [obj], { resourceVersion: obj.metadata?.resourceVersion }, { include: includeOf(query), now: ctx.clock.now(), printable: t.resource.storedAs ? () => stored : undefined });
	if (wanted.as === 'partial') return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
	return obj;
}

/** Reads the target object or throws 404. */
export async function getStored(call: Pick<Call, 'ctx' | 'target'>): Promise<Stored> {
	const s = await call.ctx.storage.get(keyOf(call.target));
	if (!s) throw notFound(call.target.gr, call.target.name ?? '');
	return s;
}

export async function handleGet(call: Call): Promise<void> {
	const s = await getStored(call);
	sendObject(call.res, 200, objectBody(call, s.object), { yaml: call.wanted.as === 'object' && call.wanted.yaml });
}

export async function handleList(call: Call): Promise<void> {
	const opts = listOptionsFor(call.target, call.query);
	const r = (await listFromCache(call, opts)) ?? (await listObjects(call, opts));
	const json = listJson(call, r);
	if (json !== undefined) return sendEncoded(call.res, 200, json);
	const contentType = call.wanted.as === 'table' ? `application/json;as=Table;v=${call.wanted.version};g=meta.k8s.io` : undefined;
	const table = tableJson(call, r);
	if (table !== undefined) return sendEncoded(call.res, 200, table, { contentType });
	const body = listBody(call, r);
	sendObject(call.res, 200, body, { yaml: call.wanted.as === 'object' && call.wanted.yaml, contentType });
}
