/**
 * Decoding a custom object from a request body: any JSON object is accepted (typed checks are
 * the schema validation's, answered 422), then pruned to the schema; the pruned paths come back
 * as `unknown field "spec.foo"` for fieldValidation Strict (400) and Warn (warnings).
 *
 * @module
 */
import { DecodeError } from '../decode';
import type { ResourceInfo } from '../resources';
import { pruneUnknown } from './default';
import { cloneJson } from '../clone-json';

type Obj = Record<string, unknown>;

export function decodeCustomObject(r: ResourceInfo, body: unknown): { object: Obj; unknownFields: string[] } {
	if (!body || typeof body !== 'object' || Array.isArray(body)) throw new DecodeError('Object is not a map[string]interface{}');
	const object = cloneJson(body) as Obj;
	if (object.metadata !== undefined && (typeof object.metadata !== 'object' || object.metadata === null || Array.isArray(object.metadata)))
		throw new DecodeError('unable to decode metadata: expected map');
	const pruned = pruneUnknown(r.custom?.schema, object);
	return { object, unknownFields: pruned.map((p) => `unknown field "${p}"`) };
}
