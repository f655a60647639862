/**
 * The self reviews every user may create, answered and never stored, as kube-apiserver does:
 * `authorization.k8s.io/v1` SelfSubjectAccessReview (`kubectl auth can-i`) and
 * SelfSubjectRulesReview (`kubectl auth can-i --list`), and `authentication.k8s.io/v1`
 * SelfSubjectReview (`kubectl auth whoami`). The answers come from the same rules that authorize
 * every request (src/lib/kube/authorizer.ts). Also here: reading the body of such create-only
 * endpoints (JSON, YAML or protobuf) as one of the kinds they accept.
 *
 * @module
 */
import { badRequest, invalid, KubeError } from '../../src/lib/kube/api-errors';
import { authorize, rulesOf } from '../../src/lib/kube/authorizer';
import { invalid as invalidField } from '../../src/lib/kube/field-errors';
import { decodeKubeProtobuf, isKubeProtobuf, ProtobufError } from '../../src/lib/kube/protobuf';
import { summarizeBody } from '../../src/lib/kube/json-syntax';
import { unsupportedMediaType } from '../../src/lib/kube/api-errors';
import { apiVersionOf } from '../../src/lib/kube/kinds';
import type { ResourceInfo } from '../../src/lib/kube/resources';
import type { Call } from './context';
import { contentType, parseBody, readBodyBytes, sendObject } from './http';
import { WRITE_MEDIA_TYPES } from './write';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Reads a create body that must be one of `accepted` (`apiVersion/Kind`); a missing
 * apiVersion/kind takes the first. Another kind is a 400 like kube's decoder answers.
 */
export async function readKindBody(call: Pick<Call, 'req'>, accepted: readonly string[]): Promise<Obj> {
	const bytes = await readBodyBytes(call.req);
	const type = contentType(call.req);
	const [first] = accepted;
	const kindOf = (s: string) => s.slice(s.lastIndexOf('/') + 1);
	const unrecognized = (msg: string, summary: string) => `the object provided is unrecognized (must be of type ${kindOf(first)}): ${msg} (${summary})`;
	let body: unknown;
	if (type === 'application/vnd.kubernetes.protobuf' || (!type && isKubeProtobuf(bytes))) {
		try {
			body = decodeKubeProtobuf(bytes);
		} catch (e) {
			if (e instanceof ProtobufError) throw badRequest(unrecognized(e.message, summarizeBody(bytes.subarray(0, 30).toString('latin1'))));
			throw e;
		}
	} else {
		if (type && type !== 'application/json' && !type.includes('yaml')) throw unsupportedMediaType(WRITE_MEDIA_TYPES);
		const text = bytes.toString('utf8');
		body = parseBody(text, type, (msg) => unrecognized(msg, summarizeBody(text)));
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest(unrecognized('expected an object', ''));
	const obj = body as Obj;
	const gvk = `${obj.apiVersion || first.slice(0, first.lastIndexOf('/'))}/${obj.kind || kindOf(first)}`;
	if (!accepted.includes(gvk)) {
		const v = (obj.apiVersion ?? '').slice((obj.apiVersion ?? '').lastIndexOf('/') + 1);
		throw badRequest(`${obj.kind} in version "${v}" cannot be handled as a ${kindOf(first)}: no kind "${obj.kind}" is registered for version "${obj.apiVersion}"`);
	}
	obj.apiVersion = gvk.slice(0, gvk.lastIndexOf('/'));
	obj.kind = kindOf(gvk);
	return obj;
}

/** The object a review answers with: the request's spec, an empty ObjectMeta, and the status. */
function answer(req: Obj, status: Obj): Obj {
	const metadata = { ...(req.metadata ?? {}), creationTimestamp: null };
	return { kind: req.kind, apiVersion: req.apiVersion, metadata, spec: req.spec ?? {}, status };
}

function accessReview(user: string, req: Obj): Obj {
	const spec = req.spec ?? {};
	const ra = spec.resourceAttributes;
	const nra = spec.nonResourceAttributes;
	if (!!ra === !!nra) {
		const err = ra
			? invalidField('spec.nonResourceAttributes', nra, 'cannot be specified in combination with resourceAttributes')
			: invalidField('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
		throw invalid({ group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview' }, '', [err]);
	}
	const decision = ra
		? authorize(user, { verb: ra.verb ?? '', group: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource || undefined, namespace: ra.namespace, name: ra.name })
		: authorize(user, { verb: nra.verb ?? '', path: nra.path ?? '' });
	const status: Obj = { allowed: decision.allowed };
	if (decision.reason) status.reason = decision.reason;
	return answer(req, status);
}

const REVIEWS: Record<string, (user: string, req: Obj) => Obj> = {
	'authorization.k8s.io/v1/SelfSubjectAccessReview': accessReview,
	'authorization.k8s.io/v1/SelfSubjectRulesReview': (user, req) => answer(req, { ...rulesOf(user), incomplete: false }),
	'authentication.k8s.io/v1/SelfSubjectReview': (user, req) => {
		const { spec: _spec, ...rest } = answer(req, { userInfo: { username: user, groups: ['system:authenticated'] } });
		return rest;
	}
};

/** `POST` of a self review (any other method is 405, like kube's create-only REST). */
export async function handleReview(call: Call, resource: ResourceInfo, method: string, named: boolean): Promise<void> {
	if (method !== 'POST' || named) throw new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
	const gvk = `${apiVersionOf(resource)}/${resource.kind}`;
	const req = await readKindBody(call, [gvk]);
	sendObject(call.res, 201, REVIEWS[gvk](call.ctx.user, req));
}
