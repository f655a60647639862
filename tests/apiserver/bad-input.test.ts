/**
 * Malformed and hostile requests to a room's kube API: each gets the status code and message
 * kube-apiserver answers, and nothing stored changes (every key under /registry and the store
 * revision are compared before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixEnd, utf8, fromUtf8 } from '../../src/lib/store/bytes';
import type { Backend } from '../../src/lib/store/backend';
import { startKubeRoomWithManifests, type KubeRoom } from '../kubectl/harness';

let room: KubeRoom;
let store: Backend;
let k8s: string;

async function snapshot(): Promise<string> {
	const r = await store.range({ key: utf8('/registry/'), rangeEnd: prefixEnd(utf8('/registry/')) });
	return JSON.stringify({ revision: r.header.revision, kvs: r.kvs.map((kv) => [fromUtf8(kv.key), kv.modRevision]) });
}

beforeAll(async () => {
	room = await startKubeRoomWithManifests();
	store = (await room.converge.rooms.get(room.roomId))!.store;
	k8s = `/rooms/${room.roomId}/k8s`;
});
afterAll(async () => {
	await room?.stop();
});

const DEPLOY = '/apis/apps/v1/namespaces/shop/deployments';
const CM = '/api/v1/namespaces/shop/configmaps';
const json = { 'content-type': 'application/json' };
const cm = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });

interface Case {
	name: string;
	method?: string;
	path: string;
	body?: string | Uint8Array;
	headers?: Record<string, string>;
	token?: 'none' | 'wrong' | 'viewer';
	want: { code: number; reason?: string; message: string | RegExp; details?: Record<string, unknown> };
}

const CASES: Case[] = [
	{ name: 'no token', path: '/api/v1/namespaces', token: 'none', want: { code: 401, reason: 'Unauthorized', message: 'Unauthorized' } },
	{ name: 'wrong token', path: '/api/v1/namespaces', token: 'wrong', want: { code: 401, reason: 'Unauthorized', message: 'Unauthorized' } },
	{
		name: 'viewer creating',
		method: 'POST',
		path: CM,
		body: cm('v'),
		headers: json,
		token: 'viewer',
		want: { code: 403, reason: 'Forbidden', message: 'configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "shop"', details: { kind: 'configmaps' } }
	},
	{
		name: 'viewer patching',
		method: 'PATCH',
		path: `${DEPLOY}/web`,
		body: '{}',
		headers: { 'content-type': 'application/merge-patch+json' },
		token: 'viewer',
		want: { code: 403, reason: 'Forbidden', message: 'deployments.apps "web" is forbidden: User "viewer" cannot patch resource "deployments" in API group "apps" in the namespace "shop"', details: { name: 'web', group: 'apps', kind: 'deployments' } }
	},
	{ name: 'unknown resource', path: '/api/v1/namespaces/shop/widgets', want: { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' } },
	{ name: 'unknown group version', path: '/apis/widgets.example.com/v1', want: { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' } },
	{ name: 'cluster-scoped under a namespace', path: '/api/v1/namespaces/shop/nodes', want: { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' } },
	{ name: 'missing object', path: `${DEPLOY}/nope`, want: { code: 404, reason: 'NotFound', message: 'deployments.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'deployments' } } },
	{ name: 'PUT on a collection', method: 'PUT', path: CM, body: '{}', headers: json, want: { code: 405, reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' } },
	{ name: 'protobuf-only Accept', path: CM, headers: { accept: 'application/vnd.kubernetes.protobuf' }, want: { code: 406, reason: 'NotAcceptable', message: 'only the following media types are accepted: application/json, application/yaml' } },
	{
		name: 'malformed JSON',
		method: 'POST',
		path: CM,
		body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":}',
		headers: json,
		want: { code: 400, reason: 'BadRequest', message: `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character '}' looking for beginning of value ({"apiVersion":"v1","kind":"Con ...)` }
	},
	{
		name: 'empty body',
		method: 'POST',
		path: CM,
		body: '',
		headers: json,
		want: { code: 400, reason: 'BadRequest', message: "the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)" }
	},
	{ name: 'malformed YAML', method: 'POST', path: CM, body: 'kind: ConfigMap\n  metadata: : x\n', headers: { 'content-type': 'application/yaml' }, want: { code: 400, reason: 'BadRequest', message: /^the object provided is unrecognized \(must be of type ConfigMap\): error converting YAML to JSON: yaml: / } },
	{
		name: 'JSON nested beyond Go\'s limit',
		method: 'POST',
		path: CM,
		body: '{"data":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}',
		headers: json,
		want: { code: 400, reason: 'BadRequest', message: /json parse error: exceeded max depth/ }
	},
	{ name: 'body over 3 MiB', method: 'POST', path: CM, body: cm('big', { data: { a: 'x'.repeat(3 * 1024 * 1024) } }), headers: json, want: { code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' } },
	{ name: 'unsupported body type', method: 'POST', path: CM, body: 'x', headers: { 'content-type': 'text/plain' }, want: { code: 415, reason: 'UnsupportedMediaType', message: /^the body of the request was in an unknown format - accepted media types include: application\/json/ } },
	{
		name: 'another kind in the body',
		method: 'POST',
		path: CM,
		body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }),
		headers: json,
		want: { code: 400, reason: 'BadRequest', message: 'Deployment in version "v1" cannot be handled as a ConfigMap: converting (v1.Deployment) to (core.ConfigMap): unknown conversion' }
	},
	{
		name: 'unknown kind',
		method: 'POST',
		path: CM,
		body: JSON.stringify({ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'x' } }),
		headers: json,
		want: { code: 400, reason: 'BadRequest', message: /^Widget in version "v1" cannot be handled as a ConfigMap: no kind "Widget" is registered for version "v1"/ }
	},
	{
		name: 'wrong field type',
		method: 'POST',
		path: DEPLOY,
		body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two' } }),
		headers: json,
		want: { code: 400, reason: 'BadRequest', message: 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' }
	},
	{
		name: 'unknown field, Strict',
		method: 'POST',
		path: `${CM}?fieldValidation=Strict`,
		body: cm('strict', { spec: {}, data: { a: 'b' } }),
		headers: json,
		want: { code: 400, reason: 'BadRequest', message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"' }
	},
	{
		name: 'bad base64 in a Secret',
		method: 'POST',
		path: '/api/v1/namespaces/shop/secrets',
		body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'not base64!' } }),
		headers: json,
		want: { code: 400, reason: 'BadRequest', message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3' }
	},
	{
		name: 'invalid name',
		method: 'POST',
		path: CM,
		body: cm('Bad_Name'),
		headers: json,
		want: {
			code: 422,
			reason: 'Invalid',
			message: /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/,
			details: { name: 'Bad_Name', kind: 'ConfigMap' }
		}
	},
	{ name: 'name too long', method: 'POST', path: CM, body: cm('a'.repeat(300)), headers: json, want: { code: 422, reason: 'Invalid', message: /metadata\.name: Invalid value: "a+": must be no more than 253 characters/ } },
	{ name: 'no name', method: 'POST', path: CM, body: JSON.stringify({ data: {} }), headers: json, want: { code: 422, reason: 'Invalid', message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required' } },
	{
		name: 'invalid deployment',
		method: 'POST',
		path: DEPLOY,
		body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad' }, spec: { replicas: -1, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }),
		headers: json,
		want: {
			code: 422,
			reason: 'Invalid',
			message:
				'Deployment.apps "bad" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`]'
		}
	},
	{ name: 'namespace mismatch', method: 'POST', path: CM, body: JSON.stringify({ metadata: { name: 'x', namespace: 'other' } }), headers: json, want: { code: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request' } },
	{ name: 'missing namespace', method: 'POST', path: '/api/v1/namespaces/nope/configmaps', body: cm('x'), headers: json, want: { code: 404, reason: 'NotFound', message: 'namespaces "nope" not found', details: { name: 'nope', kind: 'namespaces' } } },
	{ name: 'already exists', method: 'POST', path: CM, body: cm('web-config'), headers: json, want: { code: 409, reason: 'AlreadyExists', message: 'configmaps "web-config" already exists' } },
	{ name: 'name mismatch on PUT', method: 'PUT', path: `${CM}/web-config`, body: cm('other'), headers: json, want: { code: 400, reason: 'BadRequest', message: 'the name of the object (other) does not match the name on the URL (web-config)' } },
	{
		name: 'stale resourceVersion on PUT',
		method: 'PUT',
		path: `${CM}/web-config`,
		body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', resourceVersion: '1' }, data: { greeting: 'bye' } }),
		headers: json,
		want: { code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "web-config": the object has been modified; please apply your changes to the latest version and try again' }
	},
	{
		name: 'unsupported patch type',
		method: 'PATCH',
		path: `${DEPLOY}/web`,
		body: '{}',
		headers: json,
		want: {
			code: 415,
			reason: 'UnsupportedMediaType',
			message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml'
		}
	},
	{ name: 'failing JSON patch', method: 'PATCH', path: `${DEPLOY}/web`, body: '[{"op":"remove","path":"/spec/nope"}]', headers: { 'content-type': 'application/json-patch+json' }, want: { code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' } },
	{ name: 'JSON patch that is not a list', method: 'PATCH', path: `${DEPLOY}/web`, body: '{"op":"add"}', headers: { 'content-type': 'application/json-patch+json' }, want: { code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' } },
	{ name: 'malformed merge patch', method: 'PATCH', path: `${DEPLOY}/web`, body: '{"spec":', headers: { 'content-type': 'application/merge-patch+json' }, want: { code: 400, reason: 'BadRequest', message: 'unexpected end of JSON input' } },
	{
		name: 'bad strategic merge directive',
		method: 'PATCH',
		path: `${DEPLOY}/web`,
		body: '{"spec":{"$patch":"explode"}}',
		headers: { 'content-type': 'application/strategic-merge-patch+json' },
		want: { code: 400, reason: 'BadRequest', message: 'strategic merge patch format is not supported: unknown patch type: explode' }
	},
	{
		name: 'patch to an invalid object',
		method: 'PATCH',
		path: `${DEPLOY}/web`,
		body: '{"spec":{"replicas":-5}}',
		headers: { 'content-type': 'application/merge-patch+json' },
		want: { code: 422, reason: 'Invalid', message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -5: must be greater than or equal to 0' }
	},
	{
		name: 'patch of an immutable selector',
		method: 'PATCH',
		path: `${DEPLOY}/web`,
		body: '{"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}}}}}',
		headers: { 'content-type': 'application/merge-patch+json' },
		want: {
			code: 422,
			reason: 'Invalid',
			message:
				'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'
		}
	},
	{ name: 'negative scale', method: 'PATCH', path: `${DEPLOY}/web/scale`, body: '{"spec":{"replicas":-1}}', headers: { 'content-type': 'application/merge-patch+json' }, want: { code: 422, reason: 'Invalid', message: 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0' } },
	{ name: 'bad label selector', path: `${CM}?labelSelector=a%20b%20c`, want: { code: 400, reason: 'BadRequest', message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" } },
	{ name: 'unsupported field selector', path: `${CM}?fieldSelector=spec.nodeName%3Dn1`, want: { code: 400, reason: 'BadRequest', message: 'field label not supported: spec.nodeName' } },
	{
		name: 'resourceVersionMatch without resourceVersion',
		path: `${CM}?resourceVersionMatch=Exact`,
		want: { code: 422, reason: 'Invalid', message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided' }
	},
	{ name: 'garbage continue token', path: `${CM}?limit=1&continue=%24%24%24`, want: { code: 400, reason: 'BadRequest', message: 'invalid continue token: continue key is not valid: illegal base64 data at input byte 0' } },
	{ name: 'list from a future revision', path: `${CM}?resourceVersion=999999&resourceVersionMatch=NotOlderThan`, want: { code: 504, reason: 'Timeout', message: /^Too large resource version: 999999, current: \d+$/ } },
	{ name: 'non-numeric resourceVersion', path: `${CM}?resourceVersion=abc`, want: { code: 400, reason: 'BadRequest', message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax' } },
	{
		name: 'bad fieldValidation',
		method: 'POST',
		path: `${CM}?fieldValidation=Loose`,
		body: cm('x'),
		headers: json,
		want: { code: 422, reason: 'Invalid', message: 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"' }
	},
	{ name: 'bad dryRun', method: 'POST', path: `${CM}?dryRun=Maybe`, body: cm('x'), headers: json, want: { code: 422, reason: 'Invalid', message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Maybe"}: supported values: "All"' } },
	{
		name: 'bad propagationPolicy',
		method: 'DELETE',
		path: `${DEPLOY}/web`,
		body: '{"propagationPolicy":"Sideways"}',
		headers: json,
		want: { code: 422, reason: 'Invalid', message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"' }
	},
	{
		name: 'delete with a stale precondition',
		method: 'DELETE',
		path: `${DEPLOY}/web`,
		body: '{"preconditions":{"resourceVersion":"1"}}',
		headers: json,
		want: { code: 409, reason: 'Conflict', message: /^Operation cannot be fulfilled on deployments\.apps "web": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: \d+$/ }
	},
	{
		name: 'broken protobuf',
		method: 'POST',
		path: CM,
		body: Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x7f]),
		headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
		want: { code: 400, reason: 'BadRequest', message: /^the object provided is unrecognized \(must be of type ConfigMap\): unexpected EOF/ }
	},
	{ name: 'dry run of a duplicate', method: 'POST', path: `${CM}?dryRun=All`, body: cm('web-config'), headers: json, want: { code: 409, reason: 'AlreadyExists', message: 'configmaps "web-config" already exists' } }
];

describe('bad input', () => {
	it('has at least 30 cases', () => {
		expect(CASES.length).toBeGreaterThanOrEqual(30);
	});

	it.each(CASES)('$name → $want.code', async (c) => {
		const before = await snapshot();
		const token = c.token === 'none' ? null : c.token === 'wrong' ? 'not-a-token' : c.token === 'viewer' ? room.tokens.viewer : room.tokens.editor;
		const res = await room.api(k8s + c.path, { method: c.method ?? 'GET', body: c.body as BodyInit | undefined, headers: c.headers, token });
		const status = (await res.json()) as { kind: string; status: string; code: number; reason?: string; message: string; details?: Record<string, unknown> };
		expect(res.status).toBe(c.want.code);
		expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: c.want.code });
		if (c.want.reason) expect(status.reason).toBe(c.want.reason);
		if (typeof c.want.message === 'string') expect(status.message).toBe(c.want.message);
		else expect(status.message).toMatch(c.want.message);
		if (c.want.details) expect(status.details).toMatchObject(c.want.details);
		expect(await snapshot()).toBe(before);
	});
});

describe('watch errors', () => {
	async function watchLines(path: string): Promise<Array<{ type: string; object: Record<string, unknown> }>> {
		const res = await room.api(k8s + path);
		expect(res.status).toBe(200);
		const text = await res.text();
		return text
			.trim()
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l));
	}

	it('answers a watch from a compacted revision with a 410 ERROR event', async () => {
		const revision = (await store.range({ key: utf8('/registry/'), countOnly: true })).header.revision;
		await store.compact({ revision });
		const events = await watchLines(`${CM}?watch=1&resourceVersion=1`);
		expect(events).toEqual([
			{ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: 1 (${revision})`, reason: 'Expired', code: 410 } }
		]);
	});

	it('holds a watch from a future revision until it times out, without events', async () => {
		const events = await watchLines(`${CM}?watch=1&resourceVersion=999999&timeoutSeconds=1`);
		expect(events).toEqual([]);
	});

	it('answers an expired continue token with 410 and a token to go on', async () => {
		for (const name of ['a1', 'a2', 'a3']) await room.api(k8s + CM, { method: 'POST', body: cm(name), headers: json });
		const first = (await (await room.api(`${k8s}${CM}?limit=1`)).json()) as { metadata: { continue: string } };
		expect(first.metadata.continue).toBeTruthy();
		await room.api(`${k8s}${CM}/a1`, { method: 'PATCH', body: '{"data":{"x":"y"}}', headers: { 'content-type': 'application/merge-patch+json' } });
		const revision = (await store.range({ key: utf8('/registry/'), countOnly: true })).header.revision;
		await store.compact({ revision });
		const res = await room.api(`${k8s}${CM}?limit=1&continue=${encodeURIComponent(first.metadata.continue)}`);
		const status = (await res.json()) as { code: number; reason: string; message: string; metadata: { continue?: string } };
		expect(res.status).toBe(410);
		expect(status.reason).toBe('Expired');
		expect(status.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\./);
		expect(status.metadata.continue).toBeTruthy();
		const next = await room.api(`${k8s}${CM}?limit=10&continue=${encodeURIComponent(status.metadata.continue!)}`);
		expect(next.status).toBe(200);
	});
});
