/**
 * Turns a write request's body into an object of the target kind the way kube-apiserver's
 * decoder does: the endpoint's kind fills in a missing apiVersion/kind, another kind is refused
 * with kube's conversion message, type errors and unknown fields are reported per
 * fieldValidation (Strict: 400, Warn: `Warning` headers, Ignore: silently dropped).
 *
 * @module
 */
import { badRequest } from '../../src/lib/kube/api-errors';
import { decodeObject, DecodeError } from '../../src/lib/kube/decode';
import { decodeCustomObject } from '../../src/lib/kube/crd';
import { apiVersionOf, BUILTIN_KINDS } from '../../src/lib/kube/kinds';
import type { ResourceInfo } from '../../src/lib/kube/resources';
import type { FieldValidation } from '../../src/lib/kube/write-options';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The internal package of a group, as kube's conversion errors name types (`core.Pod`). */
function internalPackage(r: ResourceInfo): string {
	if (r.group === '' || r.group === 'events.k8s.io') return 'core';
	return r.group.split('.')[0];
}

const versionOf = (apiVersion: string) => apiVersion.slice(apiVersion.lastIndexOf('/') + 1);

/** kube's "<Kind> in version "<v>" cannot be handled as a <Kind>: <reason>". */
export function cannotHandle(r: ResourceInfo, kind: string, apiVersion: string, reason: string): string {
	return `${kind} in version "${versionOf(apiVersion)}" cannot be handled as a ${r.kind}: ${reason}`;
}

export interface DecodedWrite {
	object: Obj;
	warnings: string[];
}

/**
 * Decodes `body` as the resource's kind. `patched` bodies (the result of applying a patch) report
 * unknown fields without the "cannot be handled" prefix, as kube's patch handler does.
 */
export function decodeWrite(r: ResourceInfo, body: unknown, fieldValidation: FieldValidation, patched = false): DecodedWrite {
	const served = apiVersionOf(r);
	let kind = r.kind;
	let apiVersion = served;
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const b = body as Obj;
		if (typeof b.kind === 'string' && b.kind) kind = b.kind;
		if (typeof b.apiVersion === 'string' && b.apiVersion) apiVersion = b.apiVersion;
	}
	// Another served version of a custom resource converts by rewriting apiVersion (conversion None).
	const sameCustom = !!r.custom && kind === r.kind && r.custom.servedVersions.some((v) => `${r.group}/${v}` === apiVersion);
	if (!sameCustom && (kind !== r.kind || apiVersion !== served)) {
		const known = BUILTIN_KINDS.some((k) => apiVersionOf(k) === apiVersion && k.kind === kind);
		const reason = known
			? `converting (${versionOf(apiVersion)}.${kind}) to (${internalPackage(r)}.${r.kind}): unknown conversion`
			: `no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`;
		throw badRequest(cannotHandle(r, kind, apiVersion, reason));
	}
	let decoded;
	try {
		decoded = r.custom ? decodeCustomObject(r, body) : decodeObject(body, served, r.kind);
	} catch (e) {
		if (e instanceof DecodeError) throw badRequest(patched ? e.message : cannotHandle(r, kind, apiVersion, e.message));
		throw e;
	}
	const warnings: string[] = [];
	if (decoded.unknownFields.length && fieldValidation === 'Strict') {
		const msg = `strict decoding error: ${decoded.unknownFields.join(', ')}`;
		throw badRequest(patched ? msg : cannotHandle(r, kind, apiVersion, msg));
	}
	if (fieldValidation === 'Warn') warnings.push(...decoded.unknownFields);
	const object = decoded.object;
	object.apiVersion = served;
	object.kind = r.kind;
	return { object, warnings };
}
