/**
 * The kube API's TLS listener. kubectl (client-go) sends a kubeconfig's token only to https://
 * servers, so converge serves the same handler over HTTPS on its own port (kube-apiserver's
 * 6443 by default; `KUBE_API_PORT`, 0 = any free port; `KUBE_API_HOST` for the address) with a
 * self-signed certificate kept in `DATA_DIR/kube-tls/` (extra names: `KUBE_TLS_SANS`, comma
 * separated). The kubeconfig endpoint asks `kubeEndpoint(config)` where that listener is.
 *
 * @module
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config';
import { certificateNames, selfSignedCertificate } from './tls-cert';

export interface KubeEndpoint {
	port: number;
	/** PEM of the self-signed certificate (the kubeconfig's certificate authority). */
	caPem: string;
	/** Host names and IPs the certificate is valid for. */
	names: string[];
}

const endpoints = new WeakMap<Config, KubeEndpoint>();

/** Where this server's kube API TLS listener is, if it runs. */
export function kubeEndpoint(config: Config): KubeEndpoint | undefined {
	return endpoints.get(config);
}

async function loadOrCreateCert(dir: string): Promise<{ keyPem: string; certPem: string }> {
	const keyFile = join(dir, 'key.pem');
	const certFile = join(dir, 'cert.pem');
	if (existsSync(keyFile) && existsSync(certFile)) return { keyPem: await readFile(keyFile, 'utf8'), certPem: await readFile(certFile, 'utf8') };
	const extra = (process.env.KUBE_TLS_SANS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
	const names = [...new Set(['localhost', '127.0.0.1', '::1', hostname(), ...extra])];
	const c = selfSignedCertificate('converge', names);
	await mkdir(dir, { recursive: true, mode: 0o700 });
	await writeFile(keyFile, c.keyPem, { mode: 0o600 });
	await writeFile(certFile, c.certPem);
	return c;
}

/** kube-apiserver's idle (keep-alive) and header-read timeouts; servers of the kube API use them. */
export const KUBE_IDLE_TIMEOUT_MS = 90_000;
export const KUBE_READ_HEADER_TIMEOUT_MS = 32_000;

export interface KubeTls {
	close(): Promise<void>;
}

/** Starts the TLS listener serving `handle`; on failure (port taken) logs and runs without it. */
export async function startKubeTls(config: Config, handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<KubeTls> {
	const port = Number(process.env.KUBE_API_PORT ?? (config.port === 0 ? 0 : 6443));
	const host = process.env.KUBE_API_HOST ?? config.host;
	let server: Server | undefined;
	try {
		const { keyPem, certPem } = await loadOrCreateCert(join(config.dataDir, 'kube-tls'));
		server = createServer({ key: keyPem, cert: certPem }, handle);
		// kube-apiserver's http.Server: IdleTimeout 90 s, ReadHeaderTimeout 32 s (k8s.io/apiserver
		// secure_serving.go). Node's 5 s keep-alive default also fires when the event loop was busy
		// longer than that: the socket is closed with a request unread in it, which the client sees
		// as ECONNRESET.
		server.keepAliveTimeout = KUBE_IDLE_TIMEOUT_MS;
		server.headersTimeout = KUBE_READ_HEADER_TIMEOUT_MS;
		await new Promise<void>((resolve, reject) => {
			server!.once('error', reject);
			server!.listen(port, host, () => resolve());
		});
		const actual = (server.address() as { port: number }).port;
		endpoints.set(config, { port: actual, caPem: certPem, names: certificateNames(certPem) });
		config.log(`kube API on https://${host}:${actual}/rooms/<room>/k8s`);
	} catch (e) {
		config.log(`kube API TLS listener not started (${(e as Error).message}); kubeconfigs will point at the app's port`);
		server = undefined;
	}
	const sockets = new Set<import('node:net').Socket>();
	server?.on('secureConnection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	return {
		close: async () => {
			endpoints.delete(config);
			if (!server) return;
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server!.close(() => resolve()));
		}
	};
}
