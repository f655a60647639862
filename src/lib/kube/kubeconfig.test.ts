import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contextName, kubeconfigYaml } from './kubeconfig';

describe('kubeconfigYaml', () => {
	it('names the context after the room and carries the token', () => {
		const y = kubeconfigYaml({ server: 'https://127.0.0.1:6443/rooms/abcdefAAA/k8s', roomId: 'abcdefAAA', roomName: 'Web App!', role: 'viewer', token: 'tok-1', certificateAuthorityData: 'Q0E=' });
		expect(parse(y)).toEqual({
			apiVersion: 'v1',
			kind: 'Config',
			clusters: [{ name: 'web-app-abcdef', cluster: { server: 'https://127.0.0.1:6443/rooms/abcdefAAA/k8s', 'certificate-authority-data': 'Q0E=' } }],
			contexts: [{ name: 'web-app-abcdef', context: { cluster: 'web-app-abcdef', namespace: 'default', user: 'web-app-abcdef-viewer' } }],
			'current-context': 'web-app-abcdef',
			preferences: {},
			users: [{ name: 'web-app-abcdef-viewer', user: { token: 'tok-1' } }]
		});
	});

	it.each([
		{ name: 'Café  Shop', id: 'a_B-cdef', want: 'caf-shop-axbxcd' },
		{ name: '', id: 'zzzzzz', want: 'room-zzzzzz' }
	])('context of "$name"', ({ name, id, want }) => {
		expect(contextName(name, id)).toBe(want);
	});
});
