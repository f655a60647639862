/**
 * The CRD status the apiextensions controllers maintain: the naming controller accepts the
 * spec's names unless another CRD of the group already uses one (`NamesAccepted` False,
 * reason `PluralConflict`, message `"crontabs" is already in use`), the establishing controller
 * marks accepted CRDs `Established`, storedVersions gains the storage version, and deletion
 * walks the `Terminating` condition through kube's reasons.
 *
 * @module
 */
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CrdCondition {
	type: string;
	status: 'True' | 'False';
	lastTransitionTime: string;
	reason: string;
	message: string;
}

/** Sets (or replaces) a condition; the transition time changes only with the status. */
export function setCondition(status: Obj, c: Omit<CrdCondition, 'lastTransitionTime'>, now: string): void {
	const list: CrdCondition[] = (status.conditions ??= []);
	const i = list.findIndex((x) => x.type === c.type);
	const time = i >= 0 && list[i].status === c.status ? list[i].lastTransitionTime : now;
	const next = { type: c.type, status: c.status, lastTransitionTime: time, reason: c.reason, message: c.message };
	if (i >= 0) list[i] = next;
	else list.push(next);
}

/** The first name of `crd` another accepted CRD of its group already uses, as [reason, message]. */
function conflict(crd: Obj, others: Obj[]): [string, string] | undefined {
	const names: Obj = crd.spec?.names ?? {};
	const group = crd.spec?.group;
	const peers = others.filter((o) => o.metadata?.name !== crd.metadata?.name && o.spec?.group === group).map((o) => (o.status?.acceptedNames ?? {}) as Obj);
	const used = (f: string, v: unknown) => !!v && peers.some((p) => p[f] === v);
	const inUse = (v: string) => `"${v}" is already in use`;
	if (used('plural', names.plural)) return ['PluralConflict', inUse(names.plural)];
	if (used('singular', names.singular)) return ['SingularConflict', inUse(names.singular)];
	for (const s of (names.shortNames ?? []) as string[]) if (peers.some((p) => (p.shortNames ?? []).includes(s))) return ['ShortNamesConflict', inUse(s)];
	if (used('kind', names.kind)) return ['KindConflict', inUse(names.kind)];
	if (used('listKind', names.listKind)) return ['ListKindConflict', inUse(names.listKind)];
	return undefined;
}

/** The accepted names as the status shows them (kube's field order). */
function acceptedNames(names: Obj): Obj {
	const out: Obj = { plural: names.plural ?? '' };
	if (names.singular) out.singular = names.singular;
	if (names.shortNames?.length) out.shortNames = [...names.shortNames];
	out.kind = names.kind ?? '';
	if (names.listKind) out.listKind = names.listKind;
	if (names.categories?.length) out.categories = [...names.categories];
	return out;
}

/** The status the naming and establishing controllers give `crd` (a new object). */
export function namedStatus(crd: Obj, others: Obj[], now: string): Obj {
	const status: Obj = structuredClone(crd.status ?? {});
	const clash = conflict(crd, others);
	if (clash) {
		setCondition(status, { type: 'NamesAccepted', status: 'False', reason: clash[0], message: clash[1] }, now);
		status.acceptedNames ??= { plural: '', kind: '' };
		if (!(status.conditions as CrdCondition[]).some((c) => c.type === 'Established' && c.status === 'True'))
			setCondition(status, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }, now);
	} else {
		status.acceptedNames = acceptedNames(crd.spec?.names ?? {});
		setCondition(status, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }, now);
		setCondition(status, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
	}
	const storage = ((crd.spec?.versions ?? []) as Obj[]).find((v) => v.storage)?.name;
	status.storedVersions ??= [];
	if (storage && !status.storedVersions.includes(storage)) status.storedVersions.push(storage);
	return status;
}

/** kube's Terminating condition at each step of the cleanup. */
export const TERMINATING = {
	pending: { type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending', message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon' },
	inProgress: { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' },
	completed: { type: 'Terminating', status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' }
} as const;
