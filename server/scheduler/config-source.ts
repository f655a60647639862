/**
 * The room's scheduler configuration: a `KubeSchedulerConfiguration` (kubescheduler.config.k8s.io/v1)
 * in the ConfigMap `kube-system/kube-scheduler-config`, key `config.yaml` — where a kubeadm
 * cluster keeps the file kube-scheduler reads with `--config`. Unlike the real binary, a change
 * is picked up for the next cycle; an invalid one keeps the last good configuration in force and
 * gets a Warning event on the ConfigMap. Deleting the ConfigMap returns to the defaults.
 *
 * @module
 */
import type { KubeObject } from '../../src/lib/controllers/types';
import { CONFIG_KEY, CONFIG_NAME, CONFIG_NAMESPACE, loadConfigText } from '../../src/lib/scheduler/config-file';
import { CONFIG_API_VERSION, CONFIG_KIND, type ConfigError } from '../../src/lib/scheduler/profile';
import type { Scheduler } from '../../src/lib/scheduler/scheduler';

export { CONFIG_KEY, CONFIG_NAME, CONFIG_NAMESPACE };
export const REASON_INVALID = 'InvalidConfiguration';
export const REASON_APPLIED = 'ConfigurationApplied';

export const isConfigMap = (cm: KubeObject) => cm.metadata.namespace === CONFIG_NAMESPACE && cm.metadata.name === CONFIG_NAME;

export interface ConfigOutcome {
	/** Errors (the previous configuration stays); empty when applied. */
	errors: ConfigError[];
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
		if (text === undefined) return { errors: [{ field: '', message: `data[${CONFIG_KEY}]: Required value: the KubeSchedulerConfiguration` }], changed: true };
		if (!cm) return { errors: this.scheduler.setConfiguration({ apiVersion: CONFIG_API_VERSION, kind: CONFIG_KIND }), changed: true };
		return { errors: this.scheduler.useConfiguration(loadConfigText(text)), changed: true };
	}
}
