/**
 * Validation of a CustomResourceDefinition (apiextensions.k8s.io/v1) on create and update, the
 * checks of apiextensions' ValidateCustomResourceDefinition that matter here, with its messages:
 * the name must be `<plural>.<group>`, the group a domain with a dot, names DNS labels, scope
 * Cluster/Namespaced, exactly one storage version, schemas required and structural, scale
 * paths under `.spec`/`.status`, printer column types; on update, the group and scope stay and
 * stored versions stay declared.
 *
 * @module
 */
import { forbidden, GoValue, invalid, notSupported, required, type FieldError } from '../field-errors';
import { validateName } from '../names';
import { structuralErrors } from './structural';
import type { JSONSchemaProps } from './types';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
/** How Go prints the versions slice in these messages (abbreviated). */
const VERSIONS = new GoValue('[]apiextensions.CustomResourceDefinitionVersion{...}');

function validateNames(names: Obj, path: string): FieldError[] {
	const errs: FieldError[] = [];
	const label = (f: string, v: unknown, mixedCase = false) => {
		if (typeof v !== 'string' || !v) return;
		const ms = validateName(mixedCase ? v.toLowerCase() : v, 'dns1035');
		if (ms.length) errs.push(invalid(`${path}.${f}`, v, (mixedCase ? 'may have mixed case, but should otherwise match: ' : '') + ms.join(',')));
	};
	for (const f of ['plural', 'singular', 'kind', 'listKind']) if (!names[f]) errs.push(required(`${path}.${f}`));
	label('plural', names.plural);
	label('singular', names.singular);
	label('kind', names.kind, true);
	label('listKind', names.listKind, true);
	if (names.kind && names.kind === names.listKind) errs.push(invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
	(names.shortNames ?? []).forEach((s: string, i: number) => label(`shortNames[${i}]`, s));
	(names.categories ?? []).forEach((c: string, i: number) => label(`categories[${i}]`, c));
	return errs;
}

function validateVersion(v: Obj, i: number): FieldError[] {
	const path = `spec.versions[${i}]`;
	const errs: FieldError[] = [];
	if (!v.name) errs.push(required(`${path}.name`));
	else for (const m of validateName(v.name, 'dns1035')) errs.push(invalid(`${path}.name`, v.name, m));
	const schema: JSONSchemaProps | undefined = v.schema?.openAPIV3Schema;
	if (!schema) errs.push(required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
	else errs.push(...structuralErrors(schema, `${path}.schema.openAPIV3Schema`));
	const scale = v.subresources?.scale;
	if (scale) {
		const sp = `${path}.subresources.scale`;
		if (!scale.specReplicasPath) errs.push(required(`${sp}.specReplicasPath`));
		else if (!String(scale.specReplicasPath).startsWith('.spec.')) errs.push(invalid(`${sp}.specReplicasPath`, scale.specReplicasPath, 'should be a json path under .spec'));
		if (!scale.statusReplicasPath) errs.push(required(`${sp}.statusReplicasPath`));
		else if (!String(scale.statusReplicasPath).startsWith('.status.'))
			errs.push(invalid(`${sp}.statusReplicasPath`, scale.statusReplicasPath, 'should be a json path under .status'));
		if (scale.labelSelectorPath && !/^\.(spec|status)\./.test(scale.labelSelectorPath))
			errs.push(invalid(`${sp}.labelSelectorPath`, scale.labelSelectorPath, 'should be a json path under either .spec or .status'));
	}
	(v.additionalPrinterColumns ?? []).forEach((c: Obj, j: number) => {
		const cp = `${path}.additionalPrinterColumns[${j}]`;
		const oneOf = (list: string[]) => `must be one of ${list.join(',')}`;
		if (!c.name) errs.push(required(`${cp}.name`));
		if (!c.type) errs.push(required(`${cp}.type`, oneOf(COLUMN_TYPES)));
		else if (!COLUMN_TYPES.includes(c.type)) errs.push(invalid(`${cp}.type`, c.type, oneOf(COLUMN_TYPES)));
		if (c.format && !COLUMN_FORMATS.includes(c.format)) errs.push(invalid(`${cp}.format`, c.format, oneOf(COLUMN_FORMATS)));
		if (!c.jsonPath) errs.push(required(`${cp}.JSONPath`));
	});
	return errs;
}

/** Errors of a CRD about to be stored (after defaulting). */
export function validateCrd(crd: Obj): FieldError[] {
	const errs: FieldError[] = [];
	const spec: Obj = crd.spec ?? {};
	const names: Obj = spec.names ?? {};
	const name = crd.metadata?.name ?? '';
	if (name && name !== `${names.plural}.${spec.group}`) errs.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
	if (!spec.group) errs.push(required('spec.group'));
	else {
		for (const m of validateName(spec.group, 'subdomain')) errs.push(invalid('spec.group', spec.group, m));
		if (!String(spec.group).includes('.')) errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
	}
	if (!spec.scope) errs.push(required('spec.scope'));
	else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
	errs.push(...validateNames(names, 'spec.names'));
	const versions: Obj[] = Array.isArray(spec.versions) ? spec.versions : [];
	versions.forEach((v, i) => errs.push(...validateVersion(v, i)));
	if (new Set(versions.map((v) => v.name)).size !== versions.length) errs.push(invalid('spec.versions', VERSIONS, 'must contain unique version names'));
	if (versions.filter((v) => v.storage === true).length !== 1) errs.push(invalid('spec.versions', VERSIONS, 'must have exactly one version marked as storage version'));
	if (spec.preserveUnknownFields === true)
		errs.push(invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
	const strategy = spec.conversion?.strategy;
	if (strategy !== undefined && strategy !== 'None' && strategy !== 'Webhook') errs.push(notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
	if (strategy === 'Webhook') errs.push(forbidden('spec.conversion.strategy', 'conversion webhooks are not supported by converge'));
	return errs;
}

/** Errors of an update of `old` to `crd` (both whole objects). */
export function validateCrdUpdate(crd: Obj, old: Obj): FieldError[] {
	const errs = validateCrd(crd);
	const immutable = (path: string, now: unknown, was: unknown) => {
		if (was !== undefined && now !== was) errs.push(invalid(path, now ?? '', 'field is immutable'));
	};
	immutable('spec.group', crd.spec?.group, old.spec?.group);
	immutable('spec.names.plural', crd.spec?.names?.plural, old.spec?.names?.plural);
	if (((old.status?.conditions ?? []) as Obj[]).some((c) => c.type === 'Established' && c.status === 'True')) {
		immutable('spec.scope', crd.spec?.scope, old.spec?.scope);
		immutable('spec.names.kind', crd.spec?.names?.kind, old.spec?.names?.kind);
	}
	const declared = new Set(((crd.spec?.versions ?? []) as Obj[]).map((v) => v.name));
	((crd.status?.storedVersions ?? []) as string[]).forEach((v, i) => {
		if (!declared.has(v))
			errs.push(
				invalid(
					`status.storedVersions[${i}]`,
					v,
					`missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`
				)
			);
	});
	return errs;
}

/** kube's v1 defaults of a CRD: conversion None, singular and listKind from the kind. */
export function defaultCrd(crd: Obj): void {
	crd.spec ??= {};
	const spec = crd.spec;
	spec.conversion ??= { strategy: 'None' };
	if (spec.names && typeof spec.names === 'object') {
		if (!spec.names.singular && spec.names.kind) spec.names.singular = String(spec.names.kind).toLowerCase();
		if (!spec.names.listKind && spec.names.kind) spec.names.listKind = `${spec.names.kind}List`;
	}
}
