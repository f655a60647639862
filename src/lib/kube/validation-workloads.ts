/**
 * Validation of workload kinds (pkg/apis/apps/validation, pkg/apis/batch/validation): replicas,
 * selectors and template labels, strategies, job counts, cron schedules, and what updates may
 * not change (`spec.selector: Invalid value: ...: field is immutable`).
 *
 * @module
 */
import { forbidden, GoValue, invalid, notSupported, required, type FieldError } from './field-errors';
import { matchesLabels, selectorFromObject, type LabelSelectorObject } from './label-selector';
import { deepEqual } from './json-patch';
import { qualifiedNameErrors, labelValueErrors } from './qualified-names';
import { validatePodSpec } from './validation-pod';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const goStrings = (v: string[] | undefined) => (v ? `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}` : '[]string(nil)');
const goStringMap = (m: Record<string, string> | undefined) =>
	m
		? `map[string]string{${Object.keys(m)
				.sort()
				.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
				.join(', ')}}`
		: 'map[string]string(nil)';

/** `%#v` of a metav1.LabelSelector, as field errors print it. */
export function goLabelSelector(sel: LabelSelectorObject | undefined): GoValue {
	const exprs = sel?.matchExpressions
		? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
				.map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:${goStrings(e.values)}}`)
				.join(', ')}}`
		: '[]v1.LabelSelectorRequirement(nil)';
	return new GoValue(`v1.LabelSelector{MatchLabels:${goStringMap(sel?.matchLabels)}, MatchExpressions:${exprs}}`);
}

const nonNegative = (v: unknown, field: string): FieldError[] =>
	typeof v === 'number' && v < 0 ? [invalid(field, v, 'must be greater than or equal to 0')] : [];

/** ValidateLabelSelector: keys, operators and values of a structured selector. */
function validateLabelSelector(sel: LabelSelectorObject, fld: string): FieldError[] {
	const errs: FieldError[] = [];
	for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
		for (const m of qualifiedNameErrors(k)) errs.push(invalid(`${fld}.matchLabels`, k, m));
		for (const m of labelValueErrors(v)) errs.push(invalid(`${fld}.matchLabels`, v, m));
	}
	(sel.matchExpressions ?? []).forEach((e, i) => {
		const ef = `${fld}.matchExpressions[${i}]`;
		const ops = ['DoesNotExist', 'Exists', 'In', 'NotIn'];
		if (!ops.includes(e.operator)) errs.push(notSupported(`${ef}.operator`, e.operator, ops));
		else if ((e.operator === 'In' || e.operator === 'NotIn') && !(e.values ?? []).length)
			errs.push(required(`${ef}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
		else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && (e.values ?? []).length)
			errs.push(forbidden(`${ef}.values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
		for (const m of qualifiedNameErrors(e.key ?? '')) errs.push(invalid(`${ef}.key`, e.key ?? '', m));
	});
	return errs;
}

/** Selector + template of Deployments, ReplicaSets, DaemonSets and StatefulSets. */
function validateSelectorAndTemplate(spec: Obj, kindWord: string, restart: string[] | undefined, errs: FieldError[]): void {
	const sel = spec.selector as LabelSelectorObject | undefined;
	if (!sel) errs.push(required('spec.selector'));
	else {
		errs.push(...validateLabelSelector(sel, 'spec.selector'));
		if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0)
			errs.push(invalid('spec.selector', goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
	}
	const template = spec.template;
	if (!template) {
		errs.push(required('spec.template'));
		return;
	}
	if (sel) {
		let selector;
		try {
			selector = selectorFromObject(sel);
		} catch {
			errs.push(invalid('spec.selector', goLabelSelector(sel), 'invalid label selector'));
		}
		if (selector && selector.requirements.length && !matchesLabels(selector, template.metadata?.labels))
			errs.push(invalid('spec.template.metadata.labels', new GoValue(goStringMap(template.metadata?.labels)), '`selector` does not match template `labels`'));
	}
	errs.push(...validatePodSpec(template.spec, 'spec.template.spec', restart));
}

function validateDeployment(d: Obj): FieldError[] {
	const spec = d.spec ?? {};
	const errs = nonNegative(spec.replicas, 'spec.replicas');
	validateSelectorAndTemplate(spec, 'deployment', ['Always'], errs);
	const strategy = spec.strategy ?? {};
	const types = ['Recreate', 'RollingUpdate'];
	if (strategy.type !== undefined && !types.includes(strategy.type)) errs.push(notSupported('spec.strategy.type', strategy.type, types));
	if (strategy.type === 'Recreate' && strategy.rollingUpdate)
		errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
	const ru = strategy.rollingUpdate;
	if (ru && strategy.type === 'RollingUpdate') {
		const zero = (v: unknown) => v === 0 || v === '0%';
		for (const f of ['maxUnavailable', 'maxSurge']) {
			const v = ru[f];
			if (typeof v === 'number' && v < 0) errs.push(invalid(`spec.strategy.rollingUpdate.${f}`, v, 'must be greater than or equal to 0'));
			if (typeof v === 'string' && !/^\d+%$/.test(v)) errs.push(invalid(`spec.strategy.rollingUpdate.${f}`, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
		}
		if (zero(ru.maxUnavailable) && zero(ru.maxSurge))
			errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
		if (typeof ru.maxUnavailable === 'string' && parseInt(ru.maxUnavailable, 10) > 100)
			errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'must not be greater than 100%'));
	}
	errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
	if (typeof spec.progressDeadlineSeconds === 'number' && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0))
		errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
	return errs;
}

function validateReplicaSet(rs: Obj): FieldError[] {
	const spec = rs.spec ?? {};
	const errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
	validateSelectorAndTemplate(spec, 'deployment', ['Always'], errs);
	return errs;
}

function validateDaemonSet(ds: Obj): FieldError[] {
	const errs: FieldError[] = [];
	validateSelectorAndTemplate(ds.spec ?? {}, 'daemonset', ['Always'], errs);
	return errs;
}

function validateStatefulSet(sts: Obj): FieldError[] {
	const spec = sts.spec ?? {};
	const errs = nonNegative(spec.replicas, 'spec.replicas');
	const policies = ['OrderedReady', 'Parallel'];
	if (spec.podManagementPolicy !== undefined && !policies.includes(spec.podManagementPolicy))
		errs.push(notSupported('spec.podManagementPolicy', spec.podManagementPolicy, policies));
	validateSelectorAndTemplate(spec, 'statefulset', ['Always'], errs);
	return errs;
}

function validateJobSpec(spec: Obj, fld: string): FieldError[] {
	const errs: FieldError[] = [];
	for (const f of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished'])
		errs.push(...nonNegative(spec[f], `${fld}.${f}`));
	const modes = ['Indexed', 'NonIndexed'];
	if (spec.completionMode !== undefined && !modes.includes(spec.completionMode)) errs.push(notSupported(`${fld}.completionMode`, spec.completionMode, modes));
	if (!spec.template) errs.push(required(`${fld}.template`));
	else {
		const rp = spec.template.spec?.restartPolicy;
		if (rp === 'Always' || rp === undefined) errs.push(notSupported(`${fld}.template.spec.restartPolicy`, rp ?? '', ['OnFailure', 'Never']));
		errs.push(...validatePodSpec(spec.template.spec, `${fld}.template.spec`).filter((e) => !e.field.endsWith('.restartPolicy')));
	}
	return errs;
}

const CRON = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|@every \S+|(\S+\s+){4}\S+)$/;

function validateCronJob(cj: Obj): FieldError[] {
	const spec = cj.spec ?? {};
	const errs: FieldError[] = [];
	if (!spec.schedule) errs.push(required('spec.schedule'));
	else if (!CRON.test(String(spec.schedule).replace(/^(CRON_)?TZ=\S+\s+/, '').trim()))
		errs.push(invalid('spec.schedule', spec.schedule, `unparseable cron schedule: ${spec.schedule}`));
	const policies = ['Allow', 'Forbid', 'Replace'];
	if (spec.concurrencyPolicy !== undefined && !policies.includes(spec.concurrencyPolicy)) errs.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, policies));
	errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
	errs.push(...validateJobSpec(spec.jobTemplate?.spec ?? {}, 'spec.jobTemplate.spec'));
	return errs;
}

/** Create-time validation of workload kinds, by `apiVersion/kind`. */
export const WORKLOAD_VALIDATORS: Record<string, (o: Obj) => FieldError[]> = {
	'apps/v1/Deployment': validateDeployment,
	'apps/v1/ReplicaSet': validateReplicaSet,
	'apps/v1/DaemonSet': validateDaemonSet,
	'apps/v1/StatefulSet': validateStatefulSet,
	'batch/v1/Job': (j) => validateJobSpec(j.spec ?? {}, 'spec'),
	'batch/v1/CronJob': validateCronJob,
	'v1/Pod': (p) => validatePodSpec(p.spec, 'spec')
};

const immutableSelector = (o: Obj, old: Obj): FieldError[] =>
	deepEqual(o.spec?.selector, old.spec?.selector) ? [] : [invalid('spec.selector', goLabelSelector(o.spec?.selector), 'field is immutable')];

const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** What updates of workload kinds may not change. */
export const WORKLOAD_UPDATE_VALIDATORS: Record<string, (o: Obj, old: Obj) => FieldError[]> = {
	'apps/v1/Deployment': immutableSelector,
	'apps/v1/ReplicaSet': immutableSelector,
	'apps/v1/DaemonSet': immutableSelector,
	'apps/v1/StatefulSet': (o, old) => {
		const strip = (s: Obj) => Object.fromEntries(Object.entries(s ?? {}).filter(([k]) => !STS_MUTABLE.includes(k)));
		if (deepEqual(strip(o.spec), strip(old.spec))) return [];
		return [
			forbidden(
				'spec',
				"updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
			)
		];
	},
	'batch/v1/Job': (o, old) => {
		const errs = immutableSelector(o, old);
		if (!deepEqual(o.spec?.completions, old.spec?.completions)) errs.push(invalid('spec.completions', o.spec?.completions ?? null, 'field is immutable'));
		if (!deepEqual(o.spec?.template, old.spec?.template) && !(old.spec?.suspend && o.spec?.suspend !== false))
			errs.push(invalid('spec.template', new GoValue(`core.PodTemplateSpec${JSON.stringify(o.spec?.template ?? {})}`), 'field is immutable'));
		return errs;
	},
	'v1/Pod': (o, old) => {
		if (deepEqual(o.spec, old.spec)) return [];
		const mutable = (spec: Obj) => {
			const s = structuredClone(spec ?? {});
			for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])]) delete c.image;
			delete s.activeDeadlineSeconds;
			delete s.tolerations;
			delete s.terminationGracePeriodSeconds;
			return s;
		};
		if (deepEqual(mutable(o.spec), mutable(old.spec))) return [];
		return [
			forbidden(
				'spec',
				'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'
			)
		];
	}
};
