/**
 * The kubeconfig a room offers for download: one cluster (the room's API URL, https with the
 * server's self-signed certificate), one user (the role's bearer token), one context named after
 * the room, namespace `default`.
 *
 * @module
 */

export interface KubeconfigInput {
	/** The room's API URL (`http://host:3000/rooms/<id>/k8s`). */
	server: string;
	roomId: string;
	roomName: string;
	role: 'facilitator' | 'editor' | 'viewer';
	token: string;
	/** Base64 of the PEM certificate the server presents (self-signed). */
	certificateAuthorityData?: string;
	/** Skip verifying the server certificate (when it does not name the host). */
	insecureSkipTlsVerify?: boolean;
}

/** `my-room-a1b2c3`: the room's name as a DNS-ish slug, with the start of its id to keep it unique. */
export function contextName(roomName: string, roomId: string): string {
	const slug = roomName
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40);
	return `${slug || 'room'}-${roomId.slice(0, 6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
}

/** A YAML scalar, quoted when YAML could read it as something else. */
function scalar(s: string): string {
	return /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) ? s : JSON.stringify(s);
}

/** The kubeconfig YAML. */
export function kubeconfigYaml(k: KubeconfigInput): string {
	const ctx = contextName(k.roomName, k.roomId);
	const user = `${ctx}-${k.role}`;
	return [
		'apiVersion: v1',
		'kind: Config',
		'clusters:',
		'- cluster:',
		...(k.certificateAuthorityData ? [`    certificate-authority-data: ${k.certificateAuthorityData}`] : []),
		...(k.insecureSkipTlsVerify ? ['    insecure-skip-tls-verify: true'] : []),
		`    server: ${scalar(k.server)}`,
		`  name: ${scalar(ctx)}`,
		'contexts:',
		'- context:',
		`    cluster: ${scalar(ctx)}`,
		'    namespace: default',
		`    user: ${scalar(user)}`,
		`  name: ${scalar(ctx)}`,
		`current-context: ${scalar(ctx)}`,
		'preferences: {}',
		'users:',
		`- name: ${scalar(user)}`,
		'  user:',
		`    token: ${scalar(k.token)}`,
		''
	].join('\n');
}
