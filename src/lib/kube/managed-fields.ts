/**
 * `metadata.managedFields` the way kube-apiserver 1.32's field manager keeps them
 * (k8s.io/apimachinery/pkg/util/managedfields/internal): entries decoded into per-manager field
 * sets keyed by a manager identifier (manager, operation, Update's apiVersion, subresource),
 * changed by a write (`recordUpdate`) or an apply (`recordApply`), and encoded back sorted like
 * kube sorts them (Apply before Update, then by time, manager, apiVersion, subresource). Update
 * entries of one manager merge; past ten Update entries the oldest fold into `ancient-changes`.
 * apiVersion, kind and the server-owned metadata are never owned. Conflicts become kube's 409.
 *
 * @module
 */
import { KubeError, type StatusCause } from './api-errors';
import { applyFields, ApplyConflicts, compareObjects, toFieldSet, updateFields, type Conflict, type ManagedFields, type WriteContext } from './apply';
import { rfc3339 } from './duration';
import { canonicalJson, FieldSet, FieldSetError, pathString, type Path } from './field-set';
import { deepEqual } from './json-patch';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const FIELD_MANAGER_MAX_LENGTH = 128;
const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';

/** Managers' field sets and the time of each one's last change. */
export interface Managed {
	fields: ManagedFields;
	times: Map<string, string>;
}

export const emptyManaged = (): Managed => ({ fields: new Map(), times: new Map() });

interface EntryId {
	manager: string;
	operation: 'Apply' | 'Update';
	apiVersion?: string;
	subresource?: string;
}

/** kube's BuildManagerIdentifier: the entry's JSON without fields and time (and apiVersion for appliers). */
export function managerIdentifier(e: EntryId): string {
	const id: Obj = { manager: e.manager, operation: e.operation };
	if (e.operation === 'Update' && e.apiVersion) id.apiVersion = e.apiVersion;
	if (e.subresource) id.subresource = e.subresource;
	return JSON.stringify(id);
}

const parseId = (id: string): EntryId => JSON.parse(id) as EntryId;

/** Managers by User-Agent: a room sees a handful of clients, each sending one on every write. */
const AGENT_MANAGERS = new Map<string, string>();
const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;
const ENCODER = new TextEncoder();

/** The manager kube derives from a User-Agent: what precedes the first `/`, printable, ≤128 bytes. */
export function managerFromUserAgent(userAgent: string | undefined): string {
	const ua = userAgent ?? '';
	const known = AGENT_MANAGERS.get(ua);
	if (known !== undefined) return known;
	let out = '';
	let bytes = 0;
	for (const ch of ua.split('/')[0]) {
		if (!PRINTABLE.test(ch)) continue;
		const n = ENCODER.encode(ch).length;
		if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
		bytes += n;
		out += ch;
	}
	if (AGENT_MANAGERS.size >= 256) AGENT_MANAGERS.clear();
	AGENT_MANAGERS.set(ua, out);
	return out;
}

/** A request's `managedFields` that asks for a reset: `[]` or `[{}]`. */
export function isResetManagedFields(v: unknown): boolean {
	if (!Array.isArray(v)) return false;
	if (!v.length) return true;
	return v.length === 1 && !!v[0] && typeof v[0] === 'object' && !Object.keys(v[0]).length;
}

/** Decodes `managedFields` entries; throws on anything kube would not decode. */
export function decodeManagedFields(entries: unknown): Managed {
	const out = emptyManaged();
	if (entries === undefined || entries === null) return out;
	if (!Array.isArray(entries)) throw new FieldSetError('managedFields must be a list');
	entries.forEach((e: Obj, i) => {
		if (!e || typeof e !== 'object') throw new FieldSetError(`invalid managed fields entry ${i}`);
		if (e.operation !== 'Apply' && e.operation !== 'Update') throw new FieldSetError('operation must be `Apply` or `Update`');
		if (!e.apiVersion) throw new FieldSetError('apiVersion must not be empty');
		if (e.fieldsType !== 'FieldsV1') throw new FieldSetError(e.fieldsType ? `invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}` : `missing fieldsType in managed fields entry ${i}`);
		const id = managerIdentifier({ manager: String(e.manager ?? ''), operation: e.operation, apiVersion: e.apiVersion, subresource: e.subresource });
		out.fields.set(id, { set: setOf(e.fieldsV1 ?? {}), apiVersion: String(e.apiVersion), applied: e.operation === 'Apply' });
		if (typeof e.time === 'string') out.times.set(id, e.time);
	});
	return out;
}

/**
 * Field sets by their fieldsV1 text, and fieldsV1 by field set: every write decodes the object's
 * entries and encodes them again, mostly unchanged. Sets never change once built (field-set.ts),
 * and the fieldsV1 kept are frozen (objects carry them; the store keeps copies).
 */
const SETS = new Map<string, FieldSet>();
const FIELDS_V1 = new WeakMap<FieldSet, Obj>();

function setOf(fieldsV1: unknown): FieldSet {
	const text = JSON.stringify(fieldsV1);
	let set = SETS.get(text);
	if (!set) {
		set = FieldSet.fromFieldsV1(fieldsV1);
		if (SETS.size >= 1024) SETS.clear();
		SETS.set(text, set);
		FIELDS_V1.set(set, deepFreeze(set.toFieldsV1()));
	}
	return set;
}

function fieldsV1Of(set: FieldSet): Obj {
	let json = FIELDS_V1.get(set);
	if (!json) FIELDS_V1.set(set, (json = deepFreeze(set.toFieldsV1())));
	return json;
}

const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/** The entries of `managed`, sorted like kube's; undefined when nobody owns anything. */
export function encodeManagedFields(managed: Managed): Obj[] | undefined {
	if (!managed.fields.size) return undefined;
	const entries: Obj[] = [];
	for (const [id, vs] of managed.fields) {
		const e = parseId(id);
		const entry: Obj = { manager: e.manager, operation: vs.applied ? 'Apply' : 'Update', apiVersion: vs.apiVersion };
		const time = managed.times.get(id);
		if (time) entry.time = time;
		entry.fieldsType = 'FieldsV1';
		entry.fieldsV1 = fieldsV1Of(vs.set);
		if (e.subresource) entry.subresource = e.subresource;
		entries.push(entry);
	}
	const by = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
	return entries.sort(
		(p, q) =>
			by(p.operation, q.operation) ||
			seconds(p.time) - seconds(q.time) ||
			by(p.manager, q.manager) ||
			by(p.apiVersion, q.apiVersion) ||
			by(p.subresource ?? '', q.subresource ?? '')
	);
}

/** apiVersion, kind and the metadata the server owns: never anyone's (kube's stripMeta). */
const STRIPPED = FieldSet.of(
	...[['apiVersion'], ['kind'], ['metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['metadata', f])].map(
		(p) => p.map((field) => ({ field }))
	)
);

/** Folds the oldest Update entries into `ancient-changes` past ten (kube's capManagers). */
function capUpdateManagers(managed: Managed): void {
	const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
	if (updaters.length <= MAX_UPDATE_MANAGERS) return;
	updaters.sort((a, b) => seconds(managed.times.get(a)) - seconds(managed.times.get(b)) || (a < b ? -1 : a > b ? 1 : 0));
	const firstOfVersion = new Map<string, string>();
	let length = updaters.length;
	for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
		const id = updaters[i];
		const vs = managed.fields.get(id)!;
		const bucket = managerIdentifier({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: vs.apiVersion });
		const first = firstOfVersion.get(vs.apiVersion);
		if (first === undefined) {
			firstOfVersion.set(vs.apiVersion, id);
			continue;
		}
		if (!managed.fields.has(bucket)) {
			managed.fields.set(bucket, managed.fields.get(first)!);
			managed.fields.delete(first);
		}
		managed.fields.set(bucket, { ...vs, set: vs.set.union(managed.fields.get(bucket)!.set) });
		managed.fields.delete(id);
		length--;
		const time = managed.times.get(id);
		if (time) managed.times.set(bucket, time);
		else managed.times.delete(bucket);
	}
}

export interface FieldManagerWrite extends WriteContext {
	manager: string;
	subresource?: string;
	now: number;
}

const stripped = (m: ManagedFields, id: string): void => {
	const vs = m.get(id);
	if (!vs) return;
	const set = vs.set.difference(STRIPPED);
	if (set.empty()) m.delete(id);
	else m.set(id, { ...vs, set });
};

/** The managed state a non-apply write starts from (kube's decodeManagedFields for updates). */
export function managedForUpdate(live: Obj | undefined, requested: unknown, subresource?: string): Managed {
	const fromLive = () => {
		try {
			return decodeManagedFields(live?.metadata?.managedFields);
		} catch {
			return emptyManaged();
		}
	};
	// Subresources never take managedFields from the request.
	if (subresource) return fromLive();
	if (isResetManagedFields(requested)) return emptyManaged();
	try {
		const m = decodeManagedFields(requested);
		if (m.fields.size) return m;
	} catch {
		// unreadable managedFields in a request: keep the live ones
	}
	return fromLive();
}

const withoutManagedFields = (o: Obj): Obj => {
	if (!o.metadata?.managedFields) return o;
	const { managedFields: _drop, ...metadata } = o.metadata;
	return { ...o, metadata };
};

/**
 * The managedFields after a create, update or patch by `w.manager` that turned `live` into
 * `next` (for a create, `live` is the kind's zero object).
 */
export function recordUpdate(w: FieldManagerWrite, managed: Managed, live: Obj, next: Obj): Obj[] | undefined {
	const id = managerIdentifier({ manager: w.manager || 'unknown', operation: 'Update', apiVersion: w.apiVersion, subresource: w.subresource });
	const op = 'current-operation';
	const fields = updateFields(w, withoutManagedFields(live), withoutManagedFields(next), managed.fields, op);
	stripped(fields, op);
	const times = new Map(managed.times);
	const mine = fields.get(op);
	if (mine) {
		fields.delete(op);
		const prev = fields.get(id);
		// A manager that owned it all already keeps its very set (its encoding is kept by set).
		const set = prev ? prev.set.union(mine.set) : mine.set;
		const before = managed.fields.get(id)?.set;
		fields.set(id, { ...mine, set: before?.equals(set) ? before : set });
		times.set(id, rfc3339(w.now));
	}
	const out = { fields, times };
	capUpdateManagers(out);
	return encodeManagedFields(out);
}

/**
 * A value's structure as far as a create's field set can tell: keys and the types of values, and
 * whole list items (their keys and set values are path elements). Values outside lists are not
 * part of a field set, and a zero object holds only nulls and empty maps to compare them with.
 */
function structureKey(v: unknown): string {
	if (v === null) return 'n';
	if (Array.isArray(v)) return JSON.stringify(v);
	if (typeof v !== 'object') return typeof v === 'string' ? 's' : typeof v === 'number' ? 'd' : typeof v === 'boolean' ? 'b' : 'u';
	let out = '{';
	for (const k in v as Obj) out += JSON.stringify(k) + ':' + structureKey((v as Obj)[k]) + ',';
	return out + '}';
}

function deepFreeze<T>(v: T): T {
	if (v && typeof v === 'object') {
		for (const k in v) deepFreeze((v as Obj)[k]);
		Object.freeze(v);
	}
	return v;
}

const CREATES = new WeakMap<object, Map<string, Obj[] | undefined>>();
const CREATES_PER_TYPE = 1024;

/**
 * What a create of `obj` without managedFields records: `recordUpdate` from the kind's zero
 * object, remembered by structure (most creates of a kind differ in names and values only).
 * `scope` names what the result depends on besides `w` (its filter); the entries' fieldsV1 are
 * shared and frozen: callers store copies.
 */
export function recordCreate(w: FieldManagerWrite, scope: string, obj: Obj): Obj[] | undefined {
	let memo = CREATES.get(w.type);
	if (!memo) CREATES.set(w.type, (memo = new Map()));
	const key = `${scope}\0${w.manager}\0${w.apiVersion}\0${w.subresource ?? ''}\0${structureKey(obj)}`;
	let entries = memo.get(key);
	if (entries === undefined && !memo.has(key)) {
		entries = recordUpdate(w, emptyManaged(), w.type.zero(), obj);
		if (memo.size >= CREATES_PER_TYPE) memo.clear();
		memo.set(key, deepFreeze(entries));
	}
	// Every entry is this write's own (there were no managers before): all carry its time.
	const time = rfc3339(w.now);
	return entries?.map((e) => ({ ...e, time }));
}

export interface ApplyOutcome {
	/** The merged object, or undefined when the apply changes nothing. */
	object?: Obj;
	managedFields?: Obj[];
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The applier kube upgrades from client-side apply (any other manager opts out). */
const KUBECTL = 'kubectl';

/**
 * The fields a client-side apply's annotation still vouches for: those whose live value is
 * the last-applied one (kube's lastAppliedManager lets `kubectl` take them without --force).
 */
function lastAppliedFields(type: FieldManagerWrite['type'], live: Obj): FieldSet | undefined {
	const text = live.metadata?.annotations?.[LAST_APPLIED];
	if (typeof text !== 'string' || !text) return undefined;
	try {
		const last = JSON.parse(text);
		const c = compareObjects(last, live, type);
		return toFieldSet(last, type).difference(c.modified).difference(c.added).difference(c.removed);
	} catch {
		return undefined;
	}
}

/** The config as kubectl's last-applied annotation (kube's lastAppliedUpdater), its own annotation left out. */
function withLastApplied(obj: Obj, config: Obj): Obj {
	const copy = structuredClone(config);
	if (copy.metadata?.annotations) delete copy.metadata.annotations[LAST_APPLIED];
	const out = structuredClone(obj);
	out.metadata.annotations = { ...(out.metadata.annotations ?? {}), [LAST_APPLIED]: canonicalJson(copy) };
	return out;
}

/** An apply by `w.manager` (409 with kube's message on conflicts unless forced). */
export function recordApply(w: FieldManagerWrite, live: Obj, config: Obj, force: boolean): ApplyOutcome {
	let managed: Managed;
	try {
		managed = decodeManagedFields(live.metadata?.managedFields);
	} catch (e) {
		throw new KubeError(500, undefined, `failed to decode managed fields: ${(e as Error).message}`);
	}
	const id = managerIdentifier({ manager: w.manager, operation: 'Apply', subresource: w.subresource });
	const bare = withoutManagedFields(live);
	let result;
	try {
		result = applyFields(w, bare, config, managed.fields, id, force);
	} catch (e) {
		if (!(e instanceof ApplyConflicts)) throw e;
		const allowed = w.manager === KUBECTL ? lastAppliedFields(w.type, bare) : undefined;
		const left = allowed ? e.conflicts.filter((c) => !allowed.has(c.path)) : e.conflicts;
		if (left.length) throw conflictError(left);
		result = applyFields(w, bare, config, managed.fields, id, true);
	}
	stripped(result.managers, id);
	const times = new Map(managed.times);
	if (result.object) times.set(id, rfc3339(w.now));
	let object = result.object;
	if (w.manager === KUBECTL && bare.metadata?.annotations?.[LAST_APPLIED]) {
		const synced = withLastApplied(object ?? bare, config);
		if (!deepEqual(synced, bare)) object = synced;
	}
	return { object, managedFields: encodeManagedFields({ fields: result.managers, times }) };
}

/** How a conflict names a manager: `"kubectl" with subresource "scale" using apps/v1`. */
function printManager(id: string): string {
	let e: EntryId;
	try {
		e = parseId(id);
	} catch {
		return JSON.stringify(id);
	}
	let s = JSON.stringify(e.manager);
	if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
	return e.operation === 'Update' ? `${s} using ${e.apiVersion}` : s;
}

/** kube's apply conflict: 409 Conflict with a FieldManagerConflict cause per field. */
export function conflictError(conflicts: Conflict[]): KubeError {
	const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
	let message: string;
	if (conflicts.length === 1) message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
	else {
		const byManager = new Map<string, Path[]>();
		for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
		const lines: string[] = [];
		for (const m of [...byManager.keys()].sort()) {
			lines.push(`conflicts with ${printManager(m)}:`);
			for (const p of byManager.get(m)!) lines.push(`- ${pathString(p)}`);
		}
		message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
	}
	return new KubeError(409, 'Conflict', message, { causes });
}
