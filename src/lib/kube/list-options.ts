/**
 * The query of list and watch requests (metav1.ListOptions) parsed and validated like
 * kube-apiserver: label and field selectors (400 with the parser's message), resourceVersion
 * and resourceVersionMatch rules (422 `ListOptions.meta.k8s.io "" is invalid: ...`), limit,
 * continue, bookmarks, timeouts and sendInitialEvents.
 *
 * @module
 */
import { badRequest, invalid as invalidError } from './api-errors';
import { forbidden, invalid, notSupported, type FieldError } from './field-errors';
import { checkFieldLabels, parseFieldSelector, type FieldSelector } from './field-selector';
import { EVERYTHING, parseLabelSelector, type LabelSelector } from './label-selector';
import { isTrue } from './request-info';

export interface ListOptions {
	labelSelector: LabelSelector;
	fieldSelector: FieldSelector;
	/** Raw selectors, for messages. */
	labelSelectorText: string;
	fieldSelectorText: string;
	watch: boolean;
	allowWatchBookmarks: boolean;
	/** Undefined when not given ("" and "0" have their own meanings). */
	resourceVersion?: string;
	resourceVersionMatch?: string;
	timeoutSeconds?: number;
	limit: number;
	continue?: string;
	sendInitialEvents?: boolean;
}

/** Parses a resourceVersion; throws 400 with kube's message when it is not a number. */
export function parseResourceVersion(rv: string): number {
	if (!/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
	return Number(rv);
}

const boolParam = (q: URLSearchParams, name: string): boolean | undefined => (q.has(name) ? isTrue(q.get(name)) : undefined);

/** Parses and validates list options; `fieldLabels` are the kind's selectable fields. */
export function parseListOptions(q: URLSearchParams, fieldLabels: ReadonlySet<string>, forceWatch = false): ListOptions {
	const labelSelectorText = q.get('labelSelector') ?? '';
	const fieldSelectorText = q.get('fieldSelector') ?? '';
	let labelSelector = EVERYTHING;
	let fieldSelector: FieldSelector = { terms: [] };
	try {
		if (labelSelectorText) labelSelector = parseLabelSelector(labelSelectorText);
		if (fieldSelectorText) {
			fieldSelector = parseFieldSelector(fieldSelectorText);
			checkFieldLabels(fieldSelector, fieldLabels);
		}
	} catch (e) {
		throw badRequest((e as Error).message);
	}
	const limitText = q.get('limit');
	let limit = 0;
	if (limitText !== null && limitText !== '') {
		if (!/^-?\d+$/.test(limitText)) throw badRequest(`limit: Invalid value: ${JSON.stringify(limitText)}: strconv.ParseInt: parsing ${JSON.stringify(limitText)}: invalid syntax`);
		limit = Math.max(0, Number(limitText));
	}
	const timeoutText = q.get('timeoutSeconds');
	let timeoutSeconds: number | undefined;
	if (timeoutText !== null && timeoutText !== '') {
		if (!/^-?\d+$/.test(timeoutText))
			throw badRequest(`timeoutSeconds: Invalid value: ${JSON.stringify(timeoutText)}: strconv.ParseInt: parsing ${JSON.stringify(timeoutText)}: invalid syntax`);
		timeoutSeconds = Number(timeoutText);
	}
	const opts: ListOptions = {
		labelSelector,
		fieldSelector,
		labelSelectorText,
		fieldSelectorText,
		watch: forceWatch || isTrue(q.get('watch')),
		allowWatchBookmarks: isTrue(q.get('allowWatchBookmarks')),
		resourceVersion: q.has('resourceVersion') ? (q.get('resourceVersion') ?? '') : undefined,
		resourceVersionMatch: q.get('resourceVersionMatch') || undefined,
		timeoutSeconds,
		limit,
		continue: q.get('continue') || undefined,
		sendInitialEvents: boolParam(q, 'sendInitialEvents')
	};
	const errs = opts.watch ? validateWatch(opts) : validateList(opts);
	if (errs.length) throw invalidError({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', errs);
	if (opts.resourceVersion) parseResourceVersion(opts.resourceVersion);
	return opts;
}

function validateList(o: ListOptions): FieldError[] {
	const errs: FieldError[] = [];
	const match = o.resourceVersionMatch;
	if (match) {
		if (!o.resourceVersion) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
		if (o.continue) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
		if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
		if (match === 'Exact' && o.resourceVersion === '0') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
	}
	if (o.sendInitialEvents !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
	return errs;
}

function validateWatch(o: ListOptions): FieldError[] {
	const errs: FieldError[] = [];
	const match = o.resourceVersionMatch;
	if (o.sendInitialEvents !== undefined && match !== 'NotOlderThan')
		errs.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
	if (match) {
		if (o.sendInitialEvents === undefined) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
		if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
		if (o.continue) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
	}
	if (o.timeoutSeconds !== undefined && o.timeoutSeconds < 0) errs.push(invalid('timeoutSeconds', o.timeoutSeconds, 'must be greater than or equal to 0'));
	return errs;
}
