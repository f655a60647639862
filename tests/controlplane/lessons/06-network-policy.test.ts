import { describe, expect, it } from 'vitest';
import { useLessonRoom } from './lesson-room';

const room = useLessonRoom('06-network-policy');
const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: default }
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;
const allow = (port: number) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-from-client, namespace: default }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: client } } }]
      ports: [{ port: ${port} }]
`;


describe('lesson 06: NetworkPolicy', () => {
	it('step 1: everything is allowed', async () => {
		await room.r.untilPassed();
	});

	it('step 2: a default deny denies the client', async () => {
		await room.r.act({ action: 'next' });
		expect((await room.r.checks())['client-denied'].message).toMatch(/^expected default\/client-[a-z0-9-]+ → web:80 to be denied, but it is delivered/);
		await room.r.writeFile('app/policies.yaml', DENY);
		await room.r.untilPassed();
	});

	it('step 3: a policy on the wrong port still denies the client', async () => {
		await room.r.act({ action: 'next' });
		await room.r.writeFile('app/policies.yaml', DENY + allow(8080));
		await room.r.untilPassed(['other']);
		const c = await room.r.checkUntil('client', (t) => !!t.message?.includes('denied'));
		expect(c.client.message).toMatch(/^expected default\/client-[a-z0-9-]+ → web:80 to be delivered, but it is denied: /);
	});

	it('step 3: port 80 lets only the client in', async () => {
		await room.r.writeFile('app/policies.yaml', DENY + allow(80));
		await room.r.untilPassed();
	});

	it('step 4: with the plugin none, policies are ignored', async () => {
		await room.r.act({ action: 'next' });
		expect((await room.r.checks())['plugin-none'].message).toBe('ConfigMap kube-system/converge-network not found');
		await room.r.writeFile('cluster/network.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: converge-network, namespace: kube-system }\ndata: { plugin: none }\n');
		await room.r.untilPassed();
	});
});
