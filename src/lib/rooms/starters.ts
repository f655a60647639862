/**
 * Starters: the files a new room begins with. Seeded once, by the server, when the room is
 * created (never on a client, never again after a reload: that would duplicate text).
 *
 * @module
 */

export interface Starter {
	id: string;
	title: string;
	description: string;
	files: Record<string, string>;
}

const node = (name: string, zone: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    kubernetes.io/hostname: ${name}
    kubernetes.io/os: linux
    topology.kubernetes.io/zone: ${zone}
status:
  capacity:
    cpu: "4"
    memory: 8Gi
    pods: "110"
  allocatable:
    cpu: "4"
    memory: 8Gi
    pods: "110"
`;

export const STARTERS: readonly Starter[] = [
	{
		id: 'blank',
		title: 'Blank',
		description: 'An empty room with one file to start from.',
		files: { 'manifests.yaml': '' }
	},
	{
		id: 'web-app',
		title: 'Web app',
		description: '3 Nodes, a Deployment of 3 replicas, a Service and a ConfigMap, in separate files.',
		files: {
			'nodes/node-1.yaml': node('node-1', 'zone-a'),
			'nodes/node-2.yaml': node('node-2', 'zone-b'),
			'nodes/node-3.yaml': node('node-3', 'zone-c'),
			'app/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: default
data:
  GREETING: hello from converge
`,
			'app/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
          envFrom:
            - configMapRef:
                name: web-config
          resources:
            requests:
              cpu: 250m
              memory: 128Mi
`,
			'app/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
`
		}
	}
];

export function findStarter(id: string | undefined): Starter | undefined {
	return STARTERS.find((s) => s.id === (id ?? 'blank'));
}
