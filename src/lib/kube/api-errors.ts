/**
 * Kubernetes API errors as kube-apiserver returns them (k8s.io/apimachinery/pkg/api/errors): an
 * HTTP code, a Status reason, a message worded exactly like the real server's, and details
 * (name, group, kind, causes). `toStatus()` gives the `Status` object to send.
 *
 * @module
 */
import { aggregate, errorBody, FIELD_ERROR_TYPES, formatFieldError, type FieldError } from './field-errors';

export type StatusReason =
	| 'BadRequest'
	| 'Unauthorized'
	| 'Forbidden'
	| 'NotFound'
	| 'AlreadyExists'
	| 'Conflict'
	| 'Gone'
	| 'Invalid'
	| 'ServerTimeout'
	| 'Timeout'
	| 'TooManyRequests'
	| 'MethodNotAllowed'
	| 'NotAcceptable'
	| 'RequestEntityTooLarge'
	| 'UnsupportedMediaType'
	| 'InternalError'
	| 'Expired'
	| 'ServiceUnavailable';

export interface StatusCause {
	reason?: string;
	message?: string;
	field?: string;
}

export interface StatusDetails {
	name?: string;
	group?: string;
	kind?: string;
	uid?: string;
	causes?: StatusCause[];
	retryAfterSeconds?: number;
}

/** A Kubernetes `Status` object (failure or success). */
export interface Status {
	kind: 'Status';
	apiVersion: 'v1';
	metadata: { resourceVersion?: string; continue?: string };
	status: 'Failure' | 'Success';
	message?: string;
	reason?: StatusReason;
	details?: StatusDetails;
	code: number;
}

/** A group + plural resource, printed `deployments.apps` (or `pods` for the core group). */
export interface GroupResource {
	group: string;
	resource: string;
}

export const qualifiedResource = (gr: GroupResource): string => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

/** An error the API answers with a Status. */
export class KubeError extends Error {
	override name = 'KubeError';
	/** Extra `metadata.continue` of a 410 on an expired continue token. */
	continueToken?: string;
	constructor(
		readonly code: number,
		readonly reason: StatusReason | undefined,
		message: string,
		readonly details?: StatusDetails
	) {
		super(message);
	}

	toStatus(): Status {
		const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, code: this.code };
		if (this.reason) s.reason = this.reason;
		if (this.continueToken) s.metadata.continue = this.continueToken;
		if (this.details) s.details = this.details;
		return s;
	}
}

function details(gr: GroupResource, name: string): StatusDetails {
	const d: StatusDetails = {};
	if (name) d.name = name;
	if (gr.group) d.group = gr.group;
	d.kind = gr.resource;
	return d;
}

/** 404 `deployments.apps "x" not found`. */
export function notFound(gr: GroupResource, name: string): KubeError {
	return new KubeError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, details(gr, name));
}

/** 409 `deployments.apps "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): KubeError {
	return new KubeError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, details(gr, name));
}

export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** 409 `Operation cannot be fulfilled on deployments.apps "web": <reason>`. */
export function conflict(gr: GroupResource, name: string, reason: string = OPTIMISTIC_LOCK_MESSAGE): KubeError {
	return new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${reason}`, details(gr, name));
}

/** 403 `deployments.apps "web" is forbidden: <reason>`. */
export function forbidden(gr: GroupResource, name: string, reason: string): KubeError {
	const what = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
	return new KubeError(403, 'Forbidden', `${what} is forbidden: ${reason}`, details(gr, name));
}

/** A group + kind, printed `Deployment.apps` (or `Pod`). */
export interface GroupKind {
	group: string;
	kind: string;
}

/** 422 `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: ...` with causes. */
export function invalid(gk: GroupKind, name: string, errs: FieldError[]): KubeError {
	const what = `${gk.group ? `${gk.kind}.${gk.group}` : gk.kind} "${name}" is invalid`;
	const message = errs.length ? `${what}: ${aggregate(errs.map(formatFieldError))}` : what;
	const d: StatusDetails = {};
	if (name) d.name = name;
	if (gk.group) d.group = gk.group;
	d.kind = gk.kind;
	d.causes = errs.map((e) => ({ reason: FIELD_ERROR_TYPES[e.type].cause, message: errorBody(e), field: e.field }));
	return new KubeError(422, 'Invalid', message, d);
}

export function badRequest(message: string): KubeError {
	return new KubeError(400, 'BadRequest', message);
}

export function unauthorized(): KubeError {
	return new KubeError(401, 'Unauthorized', 'Unauthorized');
}

/** 410 Expired (a too old resourceVersion or continue token). */
export function expired(message: string): KubeError {
	return new KubeError(410, 'Expired', message);
}

/** 405 `<verb> is not supported on resources of kind "<resource>"`. */
export function methodNotSupported(gr: GroupResource, verb: string): KubeError {
	const d: StatusDetails = {};
	if (gr.group) d.group = gr.group;
	d.kind = gr.resource;
	return new KubeError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedResource(gr)}"`, d);
}

/** 504 `Too large resource version: X, current: Y` (what kube-apiserver answers for a future RV). */
export function tooLargeResourceVersion(requested: number, current: number): KubeError {
	return new KubeError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
		causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
		retryAfterSeconds: 1
	});
}

export function requestEntityTooLarge(message: string): KubeError {
	return new KubeError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

export function unsupportedMediaType(accepted: readonly string[]): KubeError {
	return new KubeError(
		415,
		'UnsupportedMediaType',
		`the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`
	);
}

export function notAcceptable(accepted: readonly string[]): KubeError {
	return new KubeError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function tooManyRequests(message: string, retryAfterSeconds = 1): KubeError {
	return new KubeError(429, 'TooManyRequests', message, { retryAfterSeconds });
}

export function internalError(message: string): KubeError {
	return new KubeError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** The "the server could not find the requested resource" 404 of an unknown path. */
export function pathNotFound(): KubeError {
	return new KubeError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 422 with no kind: kube's generic "the server rejected our request" (failed JSON patch). */
export function rejected(): KubeError {
	return new KubeError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}
