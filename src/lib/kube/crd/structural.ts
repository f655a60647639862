/**
 * Is a CRD version's openAPIV3Schema structural? apiextensions' rules, with its messages
 * (paths below `spec.versions[i].schema.openAPIV3Schema`):
 *
 *   type: Required value: must not be empty at the root
 *   properties[spec].type: Required value: must not be empty for specified object fields
 *   items.type: Required value: must not be empty for specified array items
 *   type: Invalid value: "string": must be object at the root
 *   properties[spec].items: Required value: must be specified
 *   additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive
 *   properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified
 *   properties[replicas].default: Invalid value: "string": in body must be of type integer: "string"
 *
 * @module
 */
import { forbidden, invalid, required, type FieldError } from '../field-errors';
import type { JSONSchemaProps } from './types';
import { validateDefault } from './validate';

type Level = 'root' | 'field' | 'item';

const EMPTY_TYPE: Record<Level, string> = {
	root: 'must not be empty at the root',
	field: 'must not be empty for specified object fields',
	item: 'must not be empty for specified array items'
};

function check(s: JSONSchemaProps, lvl: Level, path: string, errs: FieldError[]): void {
	const at = (k: string) => `${path}.${k}`;
	const embedded = s['x-kubernetes-embedded-resource'] === true;
	if (embedded && s.type !== 'object') {
		if (!s.type) errs.push(required(at('type'), 'must be object if x-kubernetes-embedded-resource is true'));
		else errs.push(invalid(at('type'), s.type, 'must be object if x-kubernetes-embedded-resource is true'));
	} else if (!s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) errs.push(required(at('type'), EMPTY_TYPE[lvl]));
	if (lvl === 'root' && s.type && s.type !== 'object') errs.push(invalid(at('type'), s.type, 'must be object at the root'));
	if (s.$ref !== undefined) errs.push(forbidden(at('$ref'), '$ref is not supported'));
	if (s.uniqueItems === true) errs.push(forbidden(at('uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
	if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(invalid(at('x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
	if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false)
		errs.push(forbidden(at('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
	if (s.type === 'array' && !s.items) errs.push(required(at('items'), 'must be specified'));
	errs.push(...validateDefault(s, path));
	if ((lvl === 'root' || embedded) && s.properties?.metadata) {
		const meta = s.properties.metadata;
		const extra = Object.keys(meta.properties ?? {}).filter((k) => k !== 'name' && k !== 'generateName');
		if (meta.type !== 'object' && meta.type !== undefined) errs.push(invalid(`${path}.properties[metadata].type`, meta.type, 'must be object'));
		if (extra.length || meta.required?.length || meta.additionalProperties !== undefined)
			errs.push(forbidden(`${path}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
	}
	for (const [k, p] of Object.entries(s.properties ?? {})) check(p, 'field', `${path}.properties[${k}]`, errs);
	if (s.items) check(s.items, 'item', at('items'), errs);
	if (s.additionalProperties && typeof s.additionalProperties === 'object') check(s.additionalProperties, 'field', at('additionalProperties'), errs);
}

/** The structural-schema errors of `schema`, reported below `path`. */
export function structuralErrors(schema: JSONSchemaProps, path: string): FieldError[] {
	const errs: FieldError[] = [];
	check(schema, 'root', path, errs);
	return errs;
}
