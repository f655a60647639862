/**
 * `GET /api/rooms/<id>/kubeconfig?role=editor|viewer`: the kubeconfig of a role (the editor one
 * needs the editor token; the default is the caller's own role), as a YAML download.
 *
 * The server URL is the kube API's HTTPS listener at the host the client used (kubectl sends
 * tokens only over TLS), with its self-signed certificate as the certificate authority, or
 * `insecure-skip-tls-verify` when the certificate does not name that host. Behind a TLS-terminating
 * proxy (the request came over https), the public origin is used as is.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { contextName, kubeconfigYaml, type KubeconfigInput } from '../../src/lib/kube/kubeconfig';
import type { Role } from '../../src/lib/collab/protocol';
import { StatusError } from '../http/respond';
import type { Room } from '../rooms/room';
import type { Config } from '../config';
import { kubeEndpoint } from './tls';

/** `[::1]:3000` → `::1`, `example.com:3000` → `example.com`. */
function hostOf(origin: string): string {
	const h = new URL(origin).hostname;
	return h.startsWith('[') ? h.slice(1, -1) : h;
}

/** Expands IPv6 addresses so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
function normalize(name: string): string {
	if (isIP(name) !== 6) return name.toLowerCase();
	const [head, tail = ''] = name.split('::');
	const h = head ? head.split(':') : [];
	const t = tail ? tail.split(':') : [];
	const groups = name.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
	return groups.map((g) => parseInt(g, 16).toString(16)).join(':');
}

/** Where kubectl should reach the room's API from `origin` (the app URL the client used). */
export function kubeServer(config: Config, origin: string, roomId: string): Pick<KubeconfigInput, 'server' | 'certificateAuthorityData' | 'insecureSkipTlsVerify'> {
	const path = `/rooms/${roomId}/k8s`;
	const tls = kubeEndpoint(config);
	if (origin.startsWith('https:') || !tls) return { server: origin + path };
	const host = hostOf(origin);
	const hostPart = isIP(host) === 6 ? `[${host}]` : host;
	const server = `https://${hostPart}:${tls.port}${path}`;
	const named = tls.names.map(normalize).includes(normalize(host));
	return named ? { server, certificateAuthorityData: Buffer.from(tls.caPem).toString('base64') } : { server, insecureSkipTlsVerify: true };
}

/** A caller gets the kubeconfig of its own role or a lesser one. */
const RANK: Record<Role, number> = { viewer: 0, editor: 1, facilitator: 2 };

/** Sends the kubeconfig; `origin` is the scheme and host the client reached the server at. */
export function sendKubeconfig(res: ServerResponse, room: Room, callerRole: Role, requested: string | null, origin: string, config: Config): void {
	const role = (requested ?? callerRole) as Role;
	if (!(role in RANK)) throw new StatusError(422, 'Invalid', 'role must be "facilitator", "editor" or "viewer"');
	if (RANK[role] > RANK[callerRole]) throw new StatusError(403, 'Forbidden', `the ${role} kubeconfig needs the ${role} token`);
	const yaml = kubeconfigYaml({ ...kubeServer(config, origin, room.id), roomId: room.id, roomName: room.meta.name, role, token: room.meta.tokens[role] });
	const file = `${contextName(room.meta.name, room.id)}-${role}.kubeconfig`;
	res.writeHead(200, {
		'content-type': 'application/yaml; charset=utf-8',
		'content-disposition': `attachment; filename="${file}"`,
		'cache-control': 'no-store',
		'content-length': String(Buffer.byteLength(yaml))
	});
	res.end(yaml);
}
