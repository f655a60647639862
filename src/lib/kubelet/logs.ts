/**
 * Simulated container logs: deterministic lines for a container run, chosen by image (nginx's
 * entrypoint and access lines for its HTTP probes, redis, a generic app otherwise), ending with
 * the exit the run had; and the kubelet's log options (timestamps, tailLines, sinceSeconds,
 * limitBytes) applied to them.
 *
 * @module
 */
import type { PodLogOptions } from '../kube/pod-logs';
import type { Run } from './pod-sim';
import { parseImage } from './images';
import { probeSpec } from './behaviour';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface LogLine {
	at: number;
	text: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const nginxTime = (ms: number) => {
	const d = new Date(ms);
	return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
const clfTime = (ms: number) => {
	const d = new Date(ms);
	return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
};

/** Times of the HTTP probes of a run so far (nginx logs each as an access line). */
function probeTimes(spec: Obj, run: Run, until: number): number[] {
	const times: number[] = [];
	for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
		const p = spec[kind];
		if (!p?.httpGet) continue;
		const s = probeSpec(p);
		for (let t = run.startedAt + s.initialDelayMs; t <= until && times.length < 2000; t += s.periodMs) times.push(t);
	}
	return times.sort((a, b) => a - b);
}

function startLines(spec: Obj, t: number): string[] {
	const repo = parseImage(spec.image ?? '').repository;
	if (repo.endsWith('/nginx')) {
		const tag = parseImage(spec.image).tag;
		const version = /^\d+\.\d+\.\d+$/.test(tag) ? tag : /^\d+\.\d+$/.test(tag) ? `${tag}.0` : '1.27.3';
		return [
			'/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
			'/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
			'/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
			'10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
			'10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
			'/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
			'/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
			'/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
			'/docker-entrypoint.sh: Configuration complete; ready for start up',
			`${nginxTime(t)} [notice] 1#1: using the "epoll" event method`,
			`${nginxTime(t)} [notice] 1#1: nginx/${version}`,
			`${nginxTime(t)} [notice] 1#1: OS: Linux 6.8.0-1017-generic`,
			`${nginxTime(t)} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
			`${nginxTime(t)} [notice] 1#1: start worker processes`,
			`${nginxTime(t)} [notice] 1#1: start worker process 29`
		];
	}
	if (repo.endsWith('/redis')) return ['1:C 01 Jan 2025 00:00:00.000 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo', '1:M 01 Jan 2025 00:00:00.000 * Ready to accept connections tcp'];
	const cmd = [...(spec.command ?? []), ...(spec.args ?? [])];
	const echo = /echo\s+["']?([^"';&|]+)/.exec(cmd.join(' '));
	if (echo) return [echo[1].trim()];
	const port = spec.ports?.[0]?.containerPort;
	return [`starting ${spec.name}`, port ? `listening on :${port}` : 'ready'];
}

/** The lines a container run wrote up to `now`. */
export function runLogLines(spec: Obj, run: Run, now: number): LogLine[] {
	const until = Math.min(now, run.finishedAt ?? now);
	const lines: LogLine[] = startLines(spec, run.startedAt).map((text) => ({ at: run.startedAt, text }));
	if (parseImage(spec.image ?? '').repository.endsWith('/nginx'))
		for (const t of probeTimes(spec, run, until)) lines.push({ at: t, text: `10.244.0.1 - - [${clfTime(t)}] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.32" "-"` });
	if (run.finishedAt !== undefined && run.finishedAt <= now) {
		if (run.reason === 'OOMKilled') lines.push({ at: run.finishedAt, text: 'Killed' });
		else if (run.exitCode) lines.push({ at: run.finishedAt, text: `error: exiting with code ${run.exitCode}` });
	}
	return lines;
}

const rfc3339Nano = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');

/** The kubelet's log options over the lines: sinceSeconds, tailLines, timestamps, limitBytes. */
export function formatLogs(lines: LogLine[], opts: PodLogOptions, now: number): string {
	let sel = lines;
	if (opts.sinceSeconds !== undefined) sel = sel.filter((l) => l.at >= now - opts.sinceSeconds! * 1000);
	if (opts.tailLines !== undefined) sel = opts.tailLines <= 0 ? [] : sel.slice(-opts.tailLines);
	let text = sel.map((l) => (opts.timestamps ? `${rfc3339Nano(l.at)} ${l.text}` : l.text) + '\n').join('');
	if (opts.limitBytes !== undefined) text = new TextDecoder().decode(new TextEncoder().encode(text).subarray(0, opts.limitBytes));
	return text;
}
