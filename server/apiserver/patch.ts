/**
 * PATCH: JSON merge patch, JSON patch and strategic merge patch applied to the current object
 * (in its served form, resourceVersion included, so a patch may pin one), then decoded, checked
 * and stored like an update; on `/status` only the patched status is kept, on `/scale` the patch
 * applies to the Scale. `application/apply-patch+yaml` is server-side apply (apply.ts). Every
 * patch records its manager's managedFields entry (write.ts calls apply.ts for that).
 *
 * @module
 */
import { badRequest, rejected, requestEntityTooLarge, unsupportedMediaType } from '../../src/lib/kube/api-errors';
import { applyJsonPatch, asJsonPatch, JsonPatchError, mergePatch } from '../../src/lib/kube/json-patch';
import { prepareStatusUpdate, prepareUpdate } from '../../src/lib/kube/strategy';
import { strategicMerge, StrategicMergeError } from '../../src/lib/kube/strategic-merge';
import { parseWriteOptions, type WriteOptions } from '../../src/lib/kube/write-options';
import { apiVersionOf } from '../../src/lib/kube/kinds';
import { served, toStored, type Call } from './context';
import { decodeWrite } from './decode-body';
import { contentType, parseBody, readBody, sendObject } from './http';
import { objectBody } from './read';
import { APISERVER_LIMITS } from './limits';
import { guaranteedUpdate } from './write';
import { handleApply } from './apply';
import { applyScale, scaleOf } from './scale';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const PATCH_TYPES = [
	'application/json-patch+json',
	'application/merge-patch+json',
	'application/strategic-merge-patch+json',
	'application/apply-patch+yaml'
] as const;

/** Applies a patch document of `type` to `doc` (served JSON of the object or Scale). */
export function applyPatch(type: string, doc: Obj, patch: unknown, apiVersion: string, kind: string): Obj {
	if (type === 'application/json-patch+json') {
		let ops;
		try {
			ops = asJsonPatch(patch);
		} catch (e) {
			throw badRequest((e as Error).message);
		}
		if (ops.length > APISERVER_LIMITS.maxJsonPatchOperations)
			throw requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${APISERVER_LIMITS.maxJsonPatchOperations}, got ${ops.length}`);
		try {
			return applyJsonPatch(doc, ops) as Obj;
		} catch (e) {
			if (e instanceof JsonPatchError) throw rejected();
			throw e;
		}
	}
	if (type === 'application/strategic-merge-patch+json') {
		try {
			return strategicMerge(doc, patch, apiVersion, kind);
		} catch (e) {
			if (e instanceof StrategicMergeError) throw e.unprocessable ? rejected() : badRequest(e.message);
			throw e;
		}
	}
	const merged = mergePatch(doc, patch);
	if (!merged || typeof merged !== 'object' || Array.isArray(merged)) throw badRequest('json: cannot unmarshal non-object into Go value of type map[string]interface {}');
	return merged as Obj;
}

export async function handlePatch(call: Call): Promise<void> {
	const type = contentType(call.req);
	if (!(PATCH_TYPES as readonly string[]).includes(type)) throw unsupportedMediaType(PATCH_TYPES);
	const apply = type === 'application/apply-patch+yaml';
	const opts = parseWriteOptions(call.query, 'PatchOptions', apply);
	const text = await readBody(call.req);
	const patch = parseBody(text, apply ? 'application/yaml' : 'application/json', (msg) => msg.replace("couldn't get version/kind; json parse error: ", ''));
	if (apply) return handleApply(call, patch, opts);
	if (call.target.subresource === 'scale') return patchScale(call, type, patch, opts);
	return patchObject(call, type, patch, opts);
}

async function patchScale(call: Call, type: string, patch: unknown, opts: WriteOptions): Promise<void> {
	const t = call.target;
	const result = await guaranteedUpdate(call, opts, (cur) => applyScale(t, cur, applyPatch(type, scaleOf(t, cur), patch, 'autoscaling/v1', 'Scale')));
	sendObject(call.res, 200, scaleOf(t, result.object));
}

async function patchObject(call: Call, type: string, patch: unknown, opts: WriteOptions): Promise<void> {
	const { target: t } = call;
	const r = t.resource;
	let warnings: string[] = [];
	// Patches build new documents, decoding copies and both strategies copy again: built-in objects need no copy first.
	const transformCopies = !t.resource.custom;
	const result = await guaranteedUpdate(call, { dryRun: opts.dryRun, status: t.subresource === 'status', transformCopies }, (cur) => {
		const patched = applyPatch(type, served(t, cur), patch, apiVersionOf(r), r.kind);
		const decoded = decodeWrite(r, patched, opts.fieldValidation, true);
		warnings = decoded.warnings;
		const next = toStored(t, decoded.object);
		if (next.metadata?.name !== t.name) throw badRequest(`the name of the object (${next.metadata?.name ?? ''}) does not match the name on the URL (${t.name})`);
		return keepRV(t.subresource === 'status' ? prepareStatusUpdate(next, cur, t.stored) : prepareUpdate(t.stored, next, cur), next);
	});
	sendObject(call.res, 200, objectBody(call, result.object), { warnings, yaml: call.wanted.as === 'object' && call.wanted.yaml });
}

/** prepareUpdate keeps the request's resourceVersion (a precondition a patch may carry). */
function keepRV(obj: Obj, from: Obj): Obj {
	if (from.metadata?.resourceVersion) obj.metadata.resourceVersion = from.metadata.resourceVersion;
	return obj;
}
