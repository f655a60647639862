/**
 * Which box of the Control-plane view an API client belongs to, from the name the API server
 * gives it (src/../server/apiserver/metrics.ts `clientName`: the User-Agent's product, and for
 * converge's own components `kube-controller-manager/<component>`).
 *
 * @module
 */

export const COMPONENTS = [
	{ id: 'controller-manager', label: 'kube-controller-manager', side: 'left' },
	{ id: 'scheduler', label: 'kube-scheduler', side: 'right' },
	{ id: 'kubelet', label: 'kubelets', side: 'right' },
	{ id: 'kube-proxy', label: 'kube-proxy', side: 'right' },
	{ id: 'applier', label: 'converge: applier, lessons, faults', side: 'right' },
	{ id: 'kubectl', label: 'kubectl', side: 'right' },
	{ id: 'browser', label: 'browsers (this page, the views)', side: 'right' },
	{ id: 'other', label: 'other clients', side: 'right' }
] as const;

export type ComponentId = (typeof COMPONENTS)[number]['id'];

export function componentOf(client: string): ComponentId {
	const sub = client.startsWith('kube-controller-manager/') ? client.slice('kube-controller-manager/'.length) : undefined;
	const name = sub ?? client;
	if (/scheduler/.test(name)) return 'scheduler';
	if (/kubelet/.test(name)) return 'kubelet';
	if (/kube-proxy/.test(name)) return 'kube-proxy';
	if (/^converge[:-]|applier/.test(name)) return 'applier';
	if (name === 'kubectl') return 'kubectl';
	if (name === 'browser') return 'browser';
	return sub !== undefined ? 'controller-manager' : 'other';
}
