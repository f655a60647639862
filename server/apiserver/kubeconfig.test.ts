import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../config';
import { kubeServer } from './kubeconfig';
import { startKubeTls } from './tls';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('kubeServer', () => {
	it('points kubectl at the TLS listener, with the certificate when it names the host', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'converge-tls-'));
		const config = { ...configFromEnv({}), host: '127.0.0.1', port: 0, dataDir, log: () => {} };
		const tls = await startKubeTls(config, (_req, res) => void res.end());
		try {
			const local = kubeServer(config, 'http://127.0.0.1:3000', 'ROOM');
			expect(local.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/rooms\/ROOM\/k8s$/);
			expect(Buffer.from(local.certificateAuthorityData!, 'base64').toString()).toContain('BEGIN CERTIFICATE');
			const other = kubeServer(config, 'http://10.9.8.7:3000', 'ROOM');
			expect(other).toEqual({ server: expect.stringMatching(/^https:\/\/10\.9\.8\.7:\d+\/rooms\/ROOM\/k8s$/), insecureSkipTlsVerify: true });
			expect(kubeServer(config, 'https://converge.example.com', 'ROOM')).toEqual({ server: 'https://converge.example.com/rooms/ROOM/k8s' });
		} finally {
			await tls.close();
			await rm(dataDir, { recursive: true, force: true });
		}
		expect(kubeServer(config, 'http://127.0.0.1:3000', 'ROOM')).toEqual({ server: 'http://127.0.0.1:3000/rooms/ROOM/k8s' });
	});
});
