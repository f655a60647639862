import { describe, expect, it } from 'vitest';
import { makeNode, makePod, runScorePlugin, snapshotOf } from '../test-fixtures';
import { create } from './node-resources-balanced-allocation';

const cpuAndMemory = (name: string, node?: string) =>
	makePod(name, {
		node,
		containers: [
			{ name: 'a', resources: { requests: { cpu: '1000m', memory: '2000' } } },
			{ name: 'b', resources: { requests: { cpu: '2000m', memory: '3000' } } }
		]
	});
const cpuOnly = (name: string, node?: string) => makePod(name, { node, requests: { cpu: '3000m', memory: '0' } });

describe('NodeResourcesBalancedAllocation (cases from balanced_allocation_test.go)', () => {
	it('nothing scheduled, resources requested, differently sized nodes', () => {
		// node1: cpu 3000/4000 = 0.75, mem 5000/10000 = 0.5 → std (0.75-0.5)/2 = 0.125 → (1-0.125)*100 = 87
		// node2: 3000/6000 = 0.5, 0.5 → std 0 → 100
		const snap = snapshotOf([makeNode('node1', { cpu: '4', memory: '10000' }), makeNode('node2', { cpu: '6', memory: '10000' })]);
		expect(runScorePlugin(create(), snap, cpuAndMemory('p'))).toEqual({ node1: 87, node2: 100 });
	});

	it('resources requested, pods scheduled with resources', () => {
		// node1: cpu (3000+3000)/10000 = 0.6, mem 5000/20000 = 0.25 → std 0.175 → 82
		// node2: 0.6, (5000+5000)/20000 = 0.5 → std 0.05 → 95
		const snap = snapshotOf([makeNode('node1', { cpu: '10', memory: '20000' }), makeNode('node2', { cpu: '10', memory: '20000' })], [cpuOnly('a', 'node1'), cpuAndMemory('b', 'node2')]);
		expect(runScorePlugin(create(), snap, cpuAndMemory('p'))).toEqual({ node1: 82, node2: 95 });
	});

	it('requested resources at node capacity (fractions capped at 1)', () => {
		// node1: cpu 6000/6000 = 1, mem 0 → std 0.5 → 50; node2: 1, 5000/10000 → std 0.25 → 75
		const snap = snapshotOf([makeNode('node1', { cpu: '6', memory: '10000' }), makeNode('node2', { cpu: '6', memory: '10000' })], [cpuOnly('a', 'node1'), cpuAndMemory('b', 'node2')]);
		expect(runScorePlugin(create(), snap, cpuOnly('p'))).toEqual({ node1: 50, node2: 75 });
	});

	it('three resources use the population standard deviation (real test "include scalar resource")', () => {
		// node1 (gpu pod): cpu 3000/3500 = 0.857, mem 5000/40000 = 0.125, gpu (3+1)/8 = 0.5 → std 0.3002 → 70
		// node2 (cpu+mem pod): 0.857, 0.125, gpu 1/8 = 0.125 → std 0.345 → 65
		const gpuPod = makePod('g', {
			node: 'node1',
			containers: [
				{ name: 'a', resources: { requests: { cpu: '1000m', memory: '2000' } } },
				{ name: 'b', resources: { requests: { cpu: '2000m', memory: '3000', 'nvidia.com/gpu': '3' } } }
			]
		});
		const gpu = { 'nvidia.com/gpu': '8' };
		const snap = snapshotOf([makeNode('node1', { cpu: '3500m', memory: '40000', extra: gpu }), makeNode('node2', { cpu: '3500m', memory: '40000', extra: gpu })], [gpuPod, cpuAndMemory('x', 'node2')]);
		const plugin = create({ resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'nvidia.com/gpu', weight: 1 }] });
		const std = (fr: number[]) => {
			const mean = fr.reduce((a, b) => a + b) / fr.length;
			return Math.sqrt(fr.reduce((s, f) => s + (f - mean) ** 2, 0) / fr.length);
		};
		expect(Math.trunc((1 - std([3000 / 3500, 5000 / 40000, 4 / 8])) * 100)).toBe(70);
		expect(Math.trunc((1 - std([3000 / 3500, 5000 / 40000, 1 / 8])) * 100)).toBe(65);
		expect(runScorePlugin(plugin, snap, makePod('p', { requests: { memory: '0', 'nvidia.com/gpu': '1' } }))).toEqual({ node1: 70, node2: 65 });
	});

	it('best-effort pods are still scored in v1.32 (no PreScore skip)', () => {
		const snap = snapshotOf([makeNode('n1', { cpu: '4', memory: '10000' })]);
		expect(runScorePlugin(create(), snap, makePod('be'))).toEqual({ n1: 100 });
	});
});
