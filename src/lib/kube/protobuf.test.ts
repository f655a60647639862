import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, isKubeProtobuf, ProtobufError } from './protobuf';

/** Bodies kubectl 1.32 sent for `kubectl create ...` (captured with -v=9). */
const BODIES: Record<string, string> = {
	'deployment': '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bd010a210a02643212001a0473686f7022002a003200380042005a090a03617070120264321289010800120b0a090a03617070120264321a700a1b0a0012001a0022002a003200380042005a090a0361707012026432125112330a056e67696e7812096e67696e783a312e322a00320b0a00100018903f22002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
	'service-clusterip': '6b3873000a0d0a027631120753657276696365126a0a210a02733112001a0473686f7022002a003200380042005a090a036170701202733112410a1b0a0738302d38303830120354435018502207080010903f1a00280012090a03617070120273311a002209436c757374657249503a00420052005a00600068001a020a001a002200',
	'service-nodeport': '6b3873000a0d0a027631120753657276696365126b0a210a02733212001a0473686f7022002a003200380042005a090a036170701202733212420a1d0a0738302d38303830120354435018502207080010903f1a002880eb0112090a03617070120273321a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200',
	'service-externalname': '6b3873000a0d0a027631120753657276696365125b0a210a02733312001a0473686f7022002a003200380042005a090a0361707012027333123212090a03617070120273331a00220c45787465726e616c4e616d653a004200520b6578616d706c652e636f6d5a00600068001a020a001a002200',
	'configmap': '6b3873000a0f0a0276311209436f6e6669674d617012200a160a02633112001a0473686f7022002a0032003800420012060a01611201621a002200',
	'secret-generic': '6b3873000a0c0a027631120653656372657412220a160a02733112001a0473686f7022002a0032003800420012060a01611201621a001a002200',
	'ns': '6b3873000a0f0a02763112094e616d657370616365121a0a120a026e3212001a0022002a0032003800420012001a020a001a002200',
	'quota': '6b3873000a130a027631120d5265736f7572636551756f746112360a160a02713112001a0473686f7022002a00320038004200121a0a0a0a0363707512030a01310a0c0a04706f647312040a0231301a001a002200',
	'priorityclass': '6b3873000a250a147363686564756c696e672e6b38732e696f2f7631120d5072696f72697479436c61737312320a130a0370633112001a0022002a00320038004200106418002201782a14507265656d70744c6f7765725072696f726974791a002200',
	'pdb': '6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e427564676574123e0a180a047064623112001a0473686f7022002a0032003800420012160a06080010011a00120c0a0a0a0361707012037765621a0a080018002000280030001a002200',
	'ingress': '6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e6772657373124f0a180a04696e673112001a0473686f7022002a00320038004200122f1a2d0a07666f6f2e636f6d12220a200a1e0a042f626172120f220d0a047376633112050a0010903f1a0545786163741a020a001a002200',
	'serviceaccount': '6b3873000a140a027631120e536572766963654163636f756e7412190a170a0373613112001a0473686f7022002a003200380042001a002200',
};

const bytes = (name: string) => Uint8Array.from(Buffer.from(BODIES[name], 'hex'));

describe('decodeKubeProtobuf', () => {
	it('decodes kubectl create deployment, keeping pointer zeros and dropping plain ones', () => {
		expect(decodeKubeProtobuf(bytes('deployment'))).toEqual({
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: { name: 'd2', namespace: 'shop', labels: { app: 'd2' } },
			spec: {
				replicas: 0,
				selector: { matchLabels: { app: 'd2' } },
				template: {
					metadata: { labels: { app: 'd2' } },
					spec: { containers: [{ name: 'nginx', image: 'nginx:1.2', ports: [{ containerPort: 8080 }], resources: {} }] }
				},
				strategy: {}
			},
			status: {}
		});
	});

	it.each([
		{ name: 'service-clusterip', want: { spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 's1' }, type: 'ClusterIP' }, status: { loadBalancer: {} } } },
		{ name: 'service-nodeport', want: { spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }], selector: { app: 's2' }, type: 'NodePort' } } },
		{ name: 'service-externalname', want: { spec: { selector: { app: 's3' }, type: 'ExternalName', externalName: 'example.com' } } },
		{ name: 'configmap', want: { kind: 'ConfigMap', data: { a: 'b' } } },
		{ name: 'secret-generic', want: { kind: 'Secret', data: { a: 'Yg==' } } },
		{ name: 'ns', want: { kind: 'Namespace', metadata: { name: 'n2' }, spec: {}, status: {} } },
		{ name: 'quota', want: { spec: { hard: { cpu: '1', pods: '10' } } } },
		{ name: 'priorityclass', want: { apiVersion: 'scheduling.k8s.io/v1', value: 100, description: 'x', preemptionPolicy: 'PreemptLowerPriority' } },
		{ name: 'pdb', want: { spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } } },
		{
			name: 'ingress',
			want: { spec: { rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend: { service: { name: 'svc1', port: { number: 8080 } } } }] } }] } }
		},
		{ name: 'serviceaccount', want: { kind: 'ServiceAccount', metadata: { name: 'sa1', namespace: 'shop' } } }
	])('decodes $name', ({ name, want }) => {
		expect(decodeKubeProtobuf(bytes(name))).toMatchObject(want);
	});

	it('recognizes the magic and refuses the rest', () => {
		expect(isKubeProtobuf(bytes('configmap'))).toBe(true);
		expect(() => decodeKubeProtobuf(new TextEncoder().encode('{}'))).toThrow(ProtobufError);
		const truncated = bytes('configmap').subarray(0, 30);
		expect(() => decodeKubeProtobuf(truncated)).toThrow('unexpected EOF');
	});

	it('refuses fields it does not know rather than dropping them', () => {
		const field = (n: number, payload: number[]) => [(n << 3) | 2, payload.length, ...payload];
		const str = (t: string) => [...Buffer.from(t)];
		const raw = [...field(1, field(1, str('c1'))), 0x48, 0x01]; // metadata{name}, then field 9 = 1
		const body = [0x6b, 0x38, 0x73, 0x00, ...field(1, [...field(1, str('v1')), ...field(2, str('ConfigMap'))]), ...field(2, raw)];
		expect(() => decodeKubeProtobuf(Uint8Array.from(body))).toThrow('unsupported protobuf field 9');
		const ok = [0x6b, 0x38, 0x73, 0x00, ...field(1, [...field(1, str('v1')), ...field(2, str('ConfigMap'))]), ...field(2, field(1, field(1, str('c1'))))];
		expect(decodeKubeProtobuf(Uint8Array.from(ok))).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' } });
	});
});
