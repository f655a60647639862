/**
 * CPU time of another process from /proc/<pid>/stat (Linux): utime + stime of the whole thread
 * group, in seconds. Used by benchmarks to charge a server process for the work of a phase.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`, 100 on Linux almost everywhere). */
function clockTicks(): number {
	if (ticks === undefined) {
		try {
			ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		} catch {
			ticks = 100;
		}
	}
	return ticks;
}

/** utime + stime of process `pid` in seconds (resolution 1 / CLK_TCK). */
export function processCpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after "(comm)" (which may contain spaces): state is field 3, utime 14, stime 15.
	const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const utime = Number(rest[14 - 3]);
	const stime = Number(rest[15 - 3]);
	return (utime + stime) / clockTicks();
}

/** The 1-, 5- and 15-minute load averages as /proc/loadavg prints them. */
export function loadAvg(): string {
	try {
		return readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');
	} catch {
		return 'n/a';
	}
}
