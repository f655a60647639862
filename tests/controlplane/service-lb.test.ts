import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKubeRoom, tableRows, type KubeRoom } from '../kubectl/harness';

// The simulated cloud's LoadBalancer controller, seen through real kubectl. Only it runs (no
// scheduler or kubelets needed): the test is about Service status, finalizers and Events.

let k: KubeRoom;

beforeAll(async () => {
	k = await startKubeRoom({ controllers: 'service-lb-controller' });
	const r = await k.kubectl(['create', 'namespace', 'lb']);
	expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
	await k?.stop();
});

/** The EXTERNAL-IP column of `kubectl get svc <name>`. */
async function externalIP(name: string): Promise<string> {
	const r = await k.kubectl(['get', 'svc', name, '-n', 'lb']);
	expect(r.code, r.stderr).toBe(0);
	const [header, row] = tableRows(r.stdout);
	return row[header.indexOf('EXTERNAL-IP')];
}

async function waitForIP(name: string, want: string): Promise<void> {
	let last = '';
	await eventually(async () => (last = await externalIP(name)) === want, `EXTERNAL-IP of ${name} to be ${want} (last: ${last})`);
}

const lbService = (name: string, extra = '') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: lb }
spec:
  type: LoadBalancer
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
${extra}`;

describe('service-lb-controller with kubectl', () => {
	it('gives a LoadBalancer Service an EXTERNAL-IP from the pool, with the real events', async () => {
		const r = await k.kubectl(['create', 'service', 'loadbalancer', 'web', '-n', 'lb', '--tcp=80:8080']);
		expect(r.code, r.stderr).toBe(0);
		await waitForIP('web', '172.18.255.200');
		const svc = JSON.parse((await k.kubectl(['get', 'svc', 'web', '-n', 'lb', '-o', 'json'])).stdout);
		expect(svc.metadata.finalizers).toEqual(['service.kubernetes.io/load-balancer-cleanup']);
		expect(svc.status.loadBalancer.ingress).toEqual([{ ip: '172.18.255.200', ipMode: 'VIP' }]);
		let reasons = '';
		await eventually(async () => {
			reasons = (await k.kubectl(['get', 'events', '-n', 'lb', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={range .items[*]}{.reason}/{.source.component}{"\\n"}{end}'])).stdout;
			return reasons.includes('EnsuredLoadBalancer');
		}, 'the EnsuredLoadBalancer event');
		expect(reasons).toContain('EnsuringLoadBalancer/service-controller');
		expect(reasons).toContain('EnsuredLoadBalancer/service-controller');
	});

	it('hands the next free address to the next Service, and none to another loadBalancerClass', async () => {
		let r = await k.kubectl(['apply', '-f', '-'], { input: lbService('other-class', '  loadBalancerClass: example.com/metallb') });
		expect(r.code, r.stderr).toBe(0);
		r = await k.kubectl(['apply', '-f', '-'], { input: lbService('api') });
		expect(r.code, r.stderr).toBe(0);
		await waitForIP('api', '172.18.255.201');
		// One worker handles Services in order; the class's Service was never ours.
		expect(await externalIP('other-class')).toBe('<pending>');
	});

	it('releases the address when the type changes, and reuses it', async () => {
		const r = await k.kubectl(['patch', 'svc', 'web', '-n', 'lb', '--type=merge', '-p', '{"spec":{"type":"ClusterIP"}}']);
		expect(r.code, r.stderr).toBe(0);
		await waitForIP('web', '<none>');
		await eventually(async () => !(await k.kubectl(['get', 'svc', 'web', '-n', 'lb', '-o', 'jsonpath={.metadata.finalizers}'])).stdout.includes('load-balancer-cleanup'), 'the finalizer to go');
		// Upstream queues a Service needing cleanup without a `Type` event; the way in gets one.
		let r2 = await k.kubectl(['create', 'service', 'clusterip', 'again', '-n', 'lb', '--tcp=80:8080']);
		expect(r2.code, r2.stderr).toBe(0);
		r2 = await k.kubectl(['patch', 'svc', 'again', '-n', 'lb', '--type=merge', '-p', '{"spec":{"type":"LoadBalancer"}}']);
		expect(r2.code, r2.stderr).toBe(0);
		await waitForIP('again', '172.18.255.200');
		const typeEvent = async () => (await k.kubectl(['get', 'events', '-n', 'lb', '--field-selector', 'involvedObject.name=again,reason=Type', '-o', 'jsonpath={.items[*].message}'])).stdout;
		await eventually(async () => (await typeEvent()) === 'ClusterIP -> LoadBalancer', 'the Type event');
	});

	it('kubectl delete completes once the load balancer is deleted', async () => {
		const r = await k.kubectl(['delete', 'svc', 'api', '-n', 'lb', '--timeout=20s']);
		expect(r.code, r.stderr).toBe(0);
		const gone = await k.kubectl(['get', 'svc', 'api', '-n', 'lb']);
		expect(gone.stderr).toContain('services "api" not found');
		const events = (await k.kubectl(['get', 'events', '-n', 'lb', '--field-selector', 'involvedObject.name=api', '-o', 'jsonpath={.items[*].reason}'])).stdout;
		expect(events).toContain('DeletingLoadBalancer');
	});

	it('takes the pool from the ConfigMap kube-system/converge-network', async () => {
		const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: converge-network, namespace: kube-system }\ndata: { loadBalancerAddresses: "10.9.0.5-10.9.0.6" }\n`;
		let r = await k.kubectl(['apply', '-f', '-'], { input: cm });
		expect(r.code, r.stderr).toBe(0);
		r = await k.kubectl(['apply', '-f', '-'], { input: lbService('pooled') });
		expect(r.code, r.stderr).toBe(0);
		await waitForIP('pooled', '10.9.0.5');
	});
});
