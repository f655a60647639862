/**
 * Parsing faults: one fault (from the rooms API or a schedule entry) and whole FaultSchedule
 * documents, with errors that name the field (`spec.faults[0].node: Required value`), like the
 * API server's strict decoding.
 *
 * @module
 */
import { fnv1a32 } from '../clock/rng';
import { parseLabelSelector } from '../kube/label-selector';
import { FAULT_KINDS, FAULT_SCHEDULE_API_VERSION, FAULT_SCHEDULE_KIND, NODE_RESOURCES, type FaultKind, type FaultSchedule, type FaultSpec, type ScheduledFault } from './types';

/** A problem at a path inside the parsed value (`['spec', 'faults', 0, 'node']`). */
export interface FaultError {
	path: Array<string | number>;
	message: string;
}

const FIELDS: Record<FaultKind, string[]> = {
	NodeFailure: ['node'],
	NetworkPartition: ['node'],
	NodeFull: ['node', 'resource'],
	ImageUnavailable: ['image'],
	PodCrashRate: ['namespace', 'selector', 'rate', 'crashAfter']
};
const COMMON = ['fault', 'recoverAfter', 'for'];

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration: seconds as a number, or Go's form (`30s`, `1m30s`, `1.5h`, `500ms`); undefined if not one. */
export function parseDurationMs(v: unknown): number | undefined {
	if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : undefined;
	if (typeof v !== 'string' || !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v.trim())) return v === '0' ? 0 : undefined;
	let ms = 0;
	for (const m of v.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * UNITS[m[2]];
	return Math.round(ms);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A fault from its fields; errors are relative to the fault (prefix them with `at`). */
export function parseFault(raw: unknown, at: Array<string | number> = [], extra: string[] = []): { fault?: FaultSpec; errors: FaultError[] } {
	const errors: FaultError[] = [];
	const err = (field: string, message: string) => errors.push({ path: [...at, field], message: `${[...at, field].map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('')}: ${message}` });
	if (!isMap(raw)) return { errors: [{ path: at, message: `${at.join('.') || 'fault'}: must be a mapping` }] };
	const kind = raw.fault;
	if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
		err('fault', kind === undefined ? 'Required value' : `Unsupported value: ${JSON.stringify(kind)}: supported values: ${FAULT_KINDS.map((k) => `"${k}"`).join(', ')}`);
		return { errors };
	}
	const fault: FaultSpec = { fault: kind as FaultKind };
	const allowed = new Set([...COMMON, ...FIELDS[fault.fault], ...extra]);
	for (const k of Object.keys(raw)) if (!allowed.has(k)) err(k, `unknown field "${k}" for ${kind}`);
	const str = (k: string) => {
		const v = raw[k];
		if (v === undefined) return undefined;
		if (typeof v !== 'string' || !v.trim()) return void err(k, `Invalid value: ${JSON.stringify(v)}: must be a non-empty string`);
		return v.trim();
	};
	const dur = (k: string) => {
		if (raw[k] === undefined) return undefined;
		const ms = parseDurationMs(raw[k]);
		if (ms === undefined) err(k, `Invalid value: ${JSON.stringify(raw[k])}: must be a duration such as 30s, 1m30s or a number of seconds`);
		return ms;
	};
	if (raw.recoverAfter !== undefined && raw.for !== undefined) err('for', 'Forbidden: give recoverAfter or for, not both');
	const recover = dur('recoverAfter') ?? dur('for');
	if (recover !== undefined) fault.recoverAfterMs = recover;
	switch (fault.fault) {
		case 'NodeFull':
		case 'NodeFailure':
		case 'NetworkPartition':
			fault.node = str('node');
			if (raw.node === undefined) err('node', 'Required value');
			if (fault.fault !== 'NodeFull') break;
			if (!(NODE_RESOURCES as readonly unknown[]).includes(raw.resource ?? 'disk')) err('resource', `Unsupported value: ${JSON.stringify(raw.resource)}: supported values: "disk", "memory", "pids"`);
			else fault.resource = (raw.resource ?? 'disk') as FaultSpec['resource'];
			break;
		case 'ImageUnavailable':
			fault.image = str('image');
			if (raw.image === undefined) err('image', 'Required value');
			break;
		case 'PodCrashRate': {
			fault.namespace = str('namespace') ?? 'default';
			const sel = raw.selector;
			const text = isMap(sel) ? Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',') : sel;
			if (text !== undefined) {
				if (typeof text !== 'string') err('selector', 'Invalid value: must be a label selector string (app=web) or a map of labels');
				else
					try {
						parseLabelSelector(text);
						fault.selector = text;
					} catch (e) {
						err('selector', `Invalid value: ${JSON.stringify(text)}: ${(e as Error).message}`);
					}
			}
			const rate = raw.rate ?? 1;
			if (typeof rate !== 'number' || !(rate > 0 && rate <= 1)) err('rate', `Invalid value: ${JSON.stringify(rate)}: must be a number in (0, 1]`);
			else fault.rate = rate;
			const after = dur('crashAfter');
			if (after !== undefined) fault.crashAfterSeconds = after / 1000;
			break;
		}
	}
	return errors.length ? { errors } : { fault, errors };
}

/** A FaultSchedule document's entries (`spec.faults`), each with its `at`. */
export function parseSchedule(object: Record<string, unknown>, path: string): { schedule?: FaultSchedule; errors: FaultError[] } {
	const errors: FaultError[] = [];
	const name = isMap(object.metadata) ? object.metadata.name : undefined;
	if (object.apiVersion !== FAULT_SCHEDULE_API_VERSION || object.kind !== FAULT_SCHEDULE_KIND)
		return { errors: [{ path: ['kind'], message: `no matches for kind "${String(object.kind)}" in version "${String(object.apiVersion)}" (converge.dev/v1alpha1 has FaultSchedule)` }] };
	if (typeof name !== 'string' || !name) errors.push({ path: ['metadata', 'name'], message: 'metadata.name: Required value' });
	const spec = object.spec;
	const list = isMap(spec) ? spec.faults : undefined;
	if (!Array.isArray(list)) {
		errors.push({ path: ['spec', 'faults'], message: 'spec.faults: Required value: a list of faults, each with at and fault' });
		return { errors };
	}
	const faults: ScheduledFault[] = [];
	list.forEach((raw, i) => {
		const at = ['spec', 'faults', i];
		const r = parseFault(raw, at, ['at']);
		errors.push(...r.errors);
		const atMs = isMap(raw) ? parseDurationMs(raw.at) : undefined;
		if (isMap(raw) && atMs === undefined)
			errors.push({ path: [...at, 'at'], message: `spec.faults[${i}].at: ${raw.at === undefined ? 'Required value' : `Invalid value: ${JSON.stringify(raw.at)}: must be a duration such as 30s`} (time after the schedule is applied)` });
		if (r.fault && atMs !== undefined) faults.push({ ...r.fault, atMs });
	});
	if (errors.length) return { errors };
	return { schedule: { name: name as string, path, faults, hash: fnv1a32(JSON.stringify(faults)).toString(16) }, errors };
}

/** Whether an apiVersion is the room's own configuration (`converge.dev/...`), never applied. */
export function isRoomConfig(apiVersion: unknown): boolean {
	return typeof apiVersion === 'string' && apiVersion.startsWith('converge.dev/');
}
