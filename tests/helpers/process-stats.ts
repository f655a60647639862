/**
 * The `/__test/stats` answer of benchmark child processes (converge and the reference server):
 * CPU, memory and event-loop delay of this process, plus rooms counts the caller knows.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Starts sampling event-loop delay; returns a function that answers one stats request. */
export function processStats(rooms: () => { rooms: number; loaded: number }): (res: ServerResponse) => void {
	const loop = monitorEventLoopDelay({ resolution: 10 });
	loop.enable();
	return (res) => {
		const mem = process.memoryUsage();
		const body = JSON.stringify({
			pid: process.pid,
			cpu: process.cpuUsage(),
			rss: mem.rss,
			heapUsed: mem.heapUsed,
			external: mem.external,
			arrayBuffers: mem.arrayBuffers,
			loopDelayP99Ms: loop.percentile(99) / 1e6,
			...rooms()
		});
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(body);
	};
}
