import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKubeRoom, tableRows, type KubeRoom } from '../kubectl/harness';

// The simulated ingress controller's status sync, seen through real kubectl. Only it runs; the
// nodes are created with their addresses, as kubelets would report them.

let k: KubeRoom;

const node = (name: string, ip: string) => `
apiVersion: v1
kind: Node
metadata: { name: ${name} }
status: { addresses: [{ type: InternalIP, address: ${ip} }, { type: Hostname, address: ${name} }] }
`;

const ingress = (name: string, cls?: string) => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: web }
spec:
${cls ? `  ingressClassName: ${cls}\n` : ''}  rules:
  - host: ${name}.example.com
    http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
`;

beforeAll(async () => {
	k = await startKubeRoom({ controllers: 'ingress-nginx' });
	for (const [name, ip] of [['worker-1', '172.18.0.3'], ['worker-2', '172.18.0.12']]) {
		const r = await k.kubectl(['create', '-f', '-'], { input: node(name, ip) });
		expect(r.code, r.stderr).toBe(0);
	}
	const r = await k.kubectl(['create', 'namespace', 'web']);
	expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
	await k?.stop();
});

/** The ADDRESS column of `kubectl get ingress <name>` ('' when empty). */
async function address(name: string): Promise<string> {
	const r = await k.kubectl(['get', 'ingress', name, '-n', 'web']);
	expect(r.code, r.stderr).toBe(0);
	const [header, row] = tableRows(r.stdout);
	// An empty ADDRESS collapses in the whitespace-split row: PORTS moves into its place.
	return row.length === header.length ? row[header.indexOf('ADDRESS')] : '';
}

describe('ingress controller status with kubectl', () => {
	it('gives an Ingress of an existing class the nodes\u2019 addresses, with ingress-nginx\u2019s event', async () => {
		let r = await k.kubectl(['apply', '-f', '-'], { input: `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: { name: nginx }\nspec: { controller: k8s.io/ingress-nginx }\n---${ingress('shop', 'nginx')}` });
		expect(r.code, r.stderr).toBe(0);
		let last = '';
		await eventually(async () => (last = await address('shop')) === '172.18.0.3,172.18.0.12', `ADDRESS of shop (last: ${last})`);
		r = await k.kubectl(['get', 'events', '-n', 'web', '--field-selector', 'involvedObject.name=shop', '-o', 'jsonpath={range .items[*]}{.reason}/{.source.component}/{.message}{"\\n"}{end}']);
		expect(r.stdout).toContain('Sync/nginx-ingress-controller/Scheduled for sync');
	});

	it('follows the nodes: a new node is added to every served Ingress', async () => {
		const r = await k.kubectl(['create', '-f', '-'], { input: node('worker-3', '172.18.0.7') });
		expect(r.code, r.stderr).toBe(0);
		let last = '';
		await eventually(async () => (last = await address('shop')) === '172.18.0.3,172.18.0.7,172.18.0.12', `ADDRESS of shop (last: ${last})`);
	});

	it('leaves an Ingress of a class that does not exist without an address, until the class appears', async () => {
		let r = await k.kubectl(['apply', '-f', '-'], { input: `${ingress('blog', 'traefik')}---${ingress('cart', 'nginx')}` });
		expect(r.code, r.stderr).toBe(0);
		// One worker, in order: once cart (queued after blog) has its address, blog was passed over.
		await eventually(async () => (await address('cart')) !== '', 'an ADDRESS for cart');
		expect(await address('blog')).toBe('');
		r = await k.kubectl(['create', '-f', '-'], { input: 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: { name: traefik }\nspec: { controller: traefik.io/ingress-controller }\n' });
		expect(r.code, r.stderr).toBe(0);
		await eventually(async () => (await address('blog')) !== '', 'an ADDRESS for blog');
	});
});
