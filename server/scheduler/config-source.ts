/**
 * The room's scheduler configuration: a `KubeSchedulerConfiguration` (kubescheduler.config.k8s.io/v1)
 * in the ConfigMap `kube-system/kube-scheduler-config`, key `config.yaml` — where a kubeadm
 * cluster keeps the file kube-scheduler reads with `--config`. Unlike the real binary, a change
 * is picked up for the next cycle; an invalid one keeps the last good configuration in force and
 * gets a Warning event on the ConfigMap. Deleting the ConfigMap returns to the defaults.
 *
 * @module
 */
import { parse } from 'yaml';
import type { KubeObject } from '../../src/lib/controllers/types';
import { CONFIG_API_VERSION, CONFIG_KIND } from '../../src/lib/scheduler/profile';
import type { Scheduler } from '../../src/lib/scheduler/scheduler';

export const CONFIG_NAMESPACE = 'kube-system';
export const CONFIG_NAME = 'kube-scheduler-config';
export const CONFIG_KEY = 'config.yaml';
export const REASON_INVALID = 'InvalidConfiguration';
export const REASON_APPLIED = 'ConfigurationApplied';

export const isConfigMap = (cm: KubeObject) => cm.metadata.namespace === CONFIG_NAMESPACE && cm.metadata.name === CONFIG_NAME;

export interface ConfigOutcome {
	/** Errors (the previous configuration stays); empty when applied. */
	errors: string[];
	/** False when the text did not change (a relist), so nothing was done. */
	changed: boolean;
}

/** Applies ConfigMaps to a scheduler, remembering the last text to skip unchanged ones. */
export class ConfigSource {
	private lastText: string | undefined = undefined;

	constructor(private readonly scheduler: Scheduler) {}

	/** `cm` undefined = deleted: back to the defaults. */
	apply(cm: KubeObject | undefined): ConfigOutcome {
		const text = cm ? (cm.data?.[CONFIG_KEY] as string | undefined) : '';
		if (text === this.lastText) return { errors: [], changed: false };
		this.lastText = text;
		if (text === undefined) return { errors: [`data[${CONFIG_KEY}]: Required value: the KubeSchedulerConfiguration`], changed: true };
		let obj: unknown = { apiVersion: CONFIG_API_VERSION, kind: CONFIG_KIND };
		if (cm) {
			try {
				obj = parse(text);
			} catch (e) {
				return { errors: [`data[${CONFIG_KEY}]: Invalid value: ${(e as Error).message.split('\n')[0]}`], changed: true };
			}
		}
		return { errors: this.scheduler.setConfiguration(obj), changed: true };
	}
}
