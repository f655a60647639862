/**
 * Options of write requests (CreateOptions, UpdateOptions, PatchOptions, DeleteOptions) from the
 * query and body, validated with kube-apiserver's messages (`CreateOptions.meta.k8s.io "" is
 * invalid: fieldValidation: Unsupported value: "x": supported values: "", "Ignore", "Strict", "Warn"`).
 *
 * @module
 */
import { invalid as invalidError, type KubeError } from './api-errors';
import { GoValue, invalid, notSupported, required, tooLong, type FieldError } from './field-errors';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';
export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

export interface WriteOptions {
	dryRun: boolean;
	fieldValidation: FieldValidation;
	fieldManager?: string;
	force: boolean;
}

const optionsError = (kind: OptionsKind, errs: FieldError[]): KubeError => invalidError({ group: 'meta.k8s.io', kind }, '', errs);

function dryRunErrors(values: string[]): FieldError[] {
	if (values.every((v) => v === 'All')) return [];
	return [notSupported('dryRun', new GoValue(`[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`), ['All'])];
}

/** Parses dryRun, fieldValidation, fieldManager and force; `apply` requires a field manager. */
export function parseWriteOptions(q: URLSearchParams, kind: OptionsKind, apply = false): WriteOptions {
	const errs: FieldError[] = [];
	const dryRun = q.getAll('dryRun');
	errs.push(...dryRunErrors(dryRun));
	const fv = q.get('fieldValidation') ?? '';
	if (!['', 'Ignore', 'Warn', 'Strict'].includes(fv)) errs.push(notSupported('fieldValidation', fv, ['', 'Ignore', 'Strict', 'Warn']));
	const fieldManager = q.get('fieldManager') ?? undefined;
	if (fieldManager !== undefined) {
		if (fieldManager.length > 128) errs.push(tooLong('fieldManager', 128));
		if (/[^\x20-\x7e]/.test(fieldManager)) errs.push(invalid('fieldManager', fieldManager, 'must only contain printable characters'));
	}
	if (apply && !fieldManager) errs.push(required('fieldManager', 'is required for apply patch'));
	const force = q.get('force');
	if (force !== null && !apply && force === 'true') errs.push(invalid('force', true, 'may not be specified for non-apply patch'));
	if (errs.length) throw optionsError(kind, errs);
	return { dryRun: dryRun.length > 0, fieldValidation: (fv || 'Warn') as FieldValidation, fieldManager, force: force === 'true' };
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
	dryRun: boolean;
	gracePeriodSeconds?: number;
	propagationPolicy?: PropagationPolicy;
	orphanDependents?: boolean;
	preconditions?: { uid?: string; resourceVersion?: string };
}

/** Merges a DeleteOptions body with the query (the body wins, as in kube) and validates it. */
export function parseDeleteOptions(q: URLSearchParams, body: Record<string, unknown> | undefined): DeleteOptions {
	const b = body ?? {};
	const errs: FieldError[] = [];
	const dryRun = Array.isArray(b.dryRun) ? (b.dryRun as string[]) : q.getAll('dryRun');
	errs.push(...dryRunErrors(dryRun));
	const graceText = q.get('gracePeriodSeconds');
	const grace = typeof b.gracePeriodSeconds === 'number' ? b.gracePeriodSeconds : graceText !== null && graceText !== '' ? Number(graceText) : undefined;
	if (grace !== undefined && !Number.isInteger(grace)) errs.push(invalid('gracePeriodSeconds', String(graceText), 'must be an integer'));
	const policy = (b.propagationPolicy as string | undefined) ?? q.get('propagationPolicy') ?? undefined;
	const orphanText = q.get('orphanDependents');
	const orphan = typeof b.orphanDependents === 'boolean' ? b.orphanDependents : orphanText !== null ? orphanText === 'true' : undefined;
	if (orphan !== undefined && policy !== undefined) errs.push(invalid('propagationPolicy', policy, 'orphanDependents and deletionPropagation cannot be both set'));
	if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(policy))
		errs.push(notSupported('propagationPolicy', policy, ['Foreground', 'Background', 'Orphan', 'nil']));
	if (errs.length) throw optionsError('DeleteOptions', errs);
	const pre = (b.preconditions ?? undefined) as DeleteOptions['preconditions'];
	return { dryRun: dryRun.length > 0, gracePeriodSeconds: grace, propagationPolicy: policy as PropagationPolicy | undefined, orphanDependents: orphan, preconditions: pre };
}
