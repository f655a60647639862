import { describe, expect, it } from 'vitest';
import { parseManifestFile } from '../kube/manifest';
import { loadConfigText, schedulerConfigDiagnostics } from './config-file';

const FILE = `apiVersion: v1
kind: ConfigMap
metadata: { name: other, namespace: default }
data: { a: b }
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-scheduler-config
  namespace: kube-system
data:
  config.yaml: |
    apiVersion: kubescheduler.config.k8s.io/v1
    kind: KubeSchedulerConfiguration
    profiles:
    - schedulerName: default-scheduler
      pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: Packed
      plugins:
        score:
          enabled:
          - name: NodeResourcesFit
            wieght: 5
`;

function diagnostics(text: string) {
	const parsed = parseManifestFile('sched.yaml', text);
	return parsed.objects.flatMap((o) => schedulerConfigDiagnostics(o, 'sched.yaml', text));
}

describe('the scheduler ConfigMap in a room file', () => {
	it('points at the field of each error inside config.yaml, as a warning', () => {
		const d = diagnostics(FILE);
		expect(d).toHaveLength(1);
		// Strict decoding fails first: the misspelt key, line 26 column 13 of the file.
		expect(d[0]).toMatchObject({ path: 'sched.yaml', line: 26, col: 13, severity: 'warning' });
		expect(d[0].message).toContain('strict decoding error: unknown field "profiles[0].plugins.score.enabled[0].wieght"');
		expect(FILE.slice(d[0].from, d[0].from + 6)).toBe('wieght');
	});

	it('once decoding passes, the scoring strategy error is at its line', () => {
		const d = diagnostics(FILE.replace('wieght', 'weight'));
		expect(d.map((x) => [x.line, x.col])).toEqual([[21, 13]]);
		expect(d[0].message).toContain('initializing plugin "NodeResourcesFit": scoringStrategy.type: Unsupported value: "Packed"');
	});

	it('nothing for a valid configuration or another ConfigMap', () => {
		expect(diagnostics(FILE.replace('wieght', 'weight').replace('Packed', 'MostAllocated'))).toEqual([]);
		expect(loadConfigText('apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n').errors).toEqual([]);
	});

	it('a YAML error inside config.yaml is reported at its position', () => {
		const bad = FILE.replace('    kind: KubeSchedulerConfiguration\n', '    kind: KubeSchedulerConfiguration\n    profiles: [\n');
		const d = diagnostics(bad);
		expect(d).toHaveLength(1);
		expect(d[0].message).toMatch(/data\[config.yaml\]: Invalid value: /);
	});
});
